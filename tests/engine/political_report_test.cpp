// The political report against hand-counted fixtures on a real SQLite store.
#include "engine/political_report.hpp"

#include <catch2/catch.hpp>

#include "workflow_fixture.hpp"

using namespace tilsyn;
using tilsyn::testing::at;

namespace {

const GoalFigures& goal(const AreaFigures& area, std::string_view name) {
    for (std::size_t g = 0; g < kEffectGoals.size(); ++g) {
        if (kEffectGoals[g] == name) return area.goals[g];
    }
    throw std::logic_error("no such goal");
}

}  // namespace

TEST_CASE("the political report counts points, cases, signals and plans by area and goal",
          "[report]") {
    testing::WorkflowWorld w;
    REQUIRE(w.scheduler->tick(at("2026-08-03")).cycles_opened == 1);
    const std::string& c = w.cycle;
    REQUIRE(w.send(c, "report_submitted", w.leader, "{}", "2026-10-01").status == ApplyStatus::ok);
    REQUIRE(
        w.send(c, "board_statement_submitted", w.board,
               R"({"signals_political":"Flere pædagoger i indskolingen.","assessment":"Enig."})",
               "2026-10-20")
            .status == ApplyStatus::ok);
    // By hand: learning 2 development points; wellbeing 1 development and 2 supervision
    // points (two cases; one resolved below); communities nothing.
    REQUIRE(
        w.send(c, "conversation_held", w.chief,
               R"({"board_representative":"Maja Formand",)"
               R"("development_points":[{"title":"Læsning","goal":"learning"},)"
               R"({"title":"Matematik","goal":"learning"},{"title":"Ro","goal":"wellbeing"}],)"
               R"("supervision_points":[{"title":"Fravær","reason":"concern","goal":"wellbeing"},)"
               R"({"title":"Mobning","reason":"law","goal":"wellbeing"}]})",
               "2026-11-20")
            .status == ApplyStatus::ok);
    const std::string first_case = c + "/tilsyn-1";
    REQUIRE(w.send(first_case, "action_plan_submitted", w.leader, "{}", "2026-11-25").status ==
            ApplyStatus::ok);
    REQUIRE(w.send(first_case, "supervision_resolved", w.chief, R"({"note":"Løst."})", "2026-12-15")
                .status == ApplyStatus::ok);
    REQUIRE(
        w.send(c, "plan_submitted", w.leader,
               R"({"involvement":"MED","actions":[{"point":"development:1","action":"a"},)"
               R"({"point":"development:2","action":"b"},{"point":"development:3","action":"c"},)"
               R"({"point":"supervision:1","action":"d"},{"point":"supervision:2","action":"e"}]})",
               "2027-01-10")
            .status == ApplyStatus::ok);
    // plan_approval is due 10 working days after the plan: approved late.
    REQUIRE(w.send(c, "plan_approved", w.chief, "{}", "2027-03-01").status == ApplyStatus::ok);

    const PoliticalReport report = build_political_report(*w.store, w.config, 2026);
    CHECK(report.age_band == "6-18");
    REQUIRE(report.areas.size() == 2);  // syd and nord, in configuration order
    const AreaFigures& syd = report.areas[0];
    CHECK(syd.area_id == "syd");
    CHECK(syd.cycles == 1);
    CHECK(goal(syd, "learning").development_points == 2);
    CHECK(goal(syd, "learning").supervision_points == 0);
    CHECK(goal(syd, "wellbeing").development_points == 1);
    CHECK(goal(syd, "wellbeing").supervision_points == 2);
    CHECK(goal(syd, "wellbeing").cases_opened == 2);
    CHECK(goal(syd, "wellbeing").cases_resolved == 1);
    CHECK(goal(syd, "wellbeing").cases_open == 1);
    CHECK(goal(syd, "communities").development_points == 0);
    REQUIRE(syd.political_signals.size() == 1);
    CHECK(syd.political_signals[0].text == "Flere pædagoger i indskolingen.");
    CHECK(syd.plans_on_time == 0);
    CHECK(syd.plans_late == 1);
    CHECK(syd.plans_pending == 0);
    CHECK(report.areas[1].cycles == 0);
    CHECK(report.total.cycles == 1);
    CHECK(goal(report.total, "wellbeing").cases_opened == 2);

    // The 0-6 band of 2027 has none of this (the school is 6-18); 2028 no longer covers 2026.
    CHECK(build_political_report(*w.store, w.config, 2027).total.cycles == 0);
    CHECK(build_political_report(*w.store, w.config, 2028).total.cycles == 0);
    // One area only.
    CHECK(build_political_report(*w.store, w.config, 2026, {"nord"}).areas.size() == 1);

    const std::string csv = political_report_csv(report);
    CHECK(csv.find("2026,6-18,syd,wellbeing,1,2,2,1,1,,,\r\n") != std::string::npos);
    CHECK(csv.find("2026,6-18,syd,all,3,2,2,1,1,0,1,0\r\n") != std::string::npos);
    CHECK(csv.find("2026,6-18,all,all,3,2,2,1,1,0,1,0\r\n") != std::string::npos);
    const std::string md = political_report_markdown(report, w.config);
    CHECK(md.find("Flere pædagoger i indskolingen.") != std::string::npos);
    CHECK(md.find("| Sundhed og trivsel | 1 | 2 | 2 | 1 | 1 |") != std::string::npos);
    const std::string html = political_report_html(report, w.config);
    CHECK(
        html.find(R"(<tr data-goal="wellbeing"><td>Sundhed og trivsel</td><td>1</td><td>2</td>)") !=
        std::string::npos);
}
