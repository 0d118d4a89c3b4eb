// Continuity (engine/continuity.hpp) and the political themes (engine/theme.hpp) through the case
// service on a real SQLite file: a plan answers its conversation's points, a later conversation
// assesses the earlier ones, the themes a point names are the period's, and support agreed in a
// supervision case is told to the leader.
#include "engine/continuity.hpp"

#include <catch2/catch.hpp>

#include "engine/theme.hpp"
#include "workflow_fixture.hpp"

namespace {

using tilsyn::ApplyStatus;
using tilsyn::ErrorCode;
using tilsyn::ThemeRecord;
using tilsyn::testing::at;
using tilsyn::testing::WorkflowWorld;

constexpr const char* kHeld =
    R"({"board_representative":"Maja Formand","participants":"Skoleleder, souschef",
        "minutes_status":"Stabil.","minutes_focus":"Første samtale.",
        "development_points":[{"title":"Læsning","goal":"learning"},
                              {"title":"Fællesskab i SFO","goal":"communities"}],
        "supervision_points":[{"title":"Fravær","reason":"law","goal":"wellbeing"}]})";

/// The quality report cycle of Frydenlund up to its conversation (kHeld).
void to_plan(WorkflowWorld& w, const std::string& cycle, const char* day_report,
             const char* day_held, const char* held = kHeld) {
    REQUIRE(w.send(cycle, "report_submitted", w.leader, "{}", day_report).status ==
            ApplyStatus::ok);
    REQUIRE(
        w.send(cycle, "board_statement_submitted", w.board, R"({"assessment":"God"})", day_report)
            .status == ApplyStatus::ok);
    const auto result = w.send(cycle, "conversation_held", w.chief, held, day_held);
    INFO(result.message);
    REQUIRE(result.status == ApplyStatus::ok);
}

ThemeRecord theme(const char* id, int period, const char* band, const char* title) {
    ThemeRecord t;
    t.id = id;
    t.period = period;
    t.age_band = band;
    t.title = title;
    return t;
}

}  // namespace

TEST_CASE("a plan has an action for every development and supervision point of its conversation",
          "[continuity][case]") {
    WorkflowWorld w;
    REQUIRE(w.scheduler->tick(at("2026-08-03")).cycles_opened == 1);
    to_plan(w, w.cycle, "2026-10-01", "2026-11-20");
    const auto before = w.snapshot(w.cycle);

    // The supervision point without an action: refused, named, nothing changed.
    auto result = w.send(w.cycle, "plan_submitted", w.leader,
                         R"({"involvement":"MED-udvalget og bestyrelsen",
                             "actions":[{"point":"development:1","action":"Læsebånd"},
                                        {"point":"development:2","action":"Fælles SFO-dage"}]})",
                         "2027-01-05");
    CHECK(result.status == ApplyStatus::bad_payload);
    CHECK(result.code == ErrorCode::field_required);
    CHECK(result.field == "actions");
    CHECK(result.message ==
          "Tilsynspunkt 1 »Fravær« mangler en handling. Udviklingsplanen skal have en handling "
          "for hvert udviklings- og tilsynspunkt fra samtalen.");
    CHECK(w.snapshot(w.cycle) == before);

    // An action for a point the conversation did not give.
    result = w.send(w.cycle, "plan_submitted", w.leader,
                    R"({"involvement":"MED","actions":[{"point":"development:3","action":"x"}]})",
                    "2027-01-05");
    CHECK(result.status == ApplyStatus::bad_payload);
    CHECK(result.field == "actions[0].point");
    CHECK(result.message ==
          "Kvalitetssamtalen gav intet udviklingspunkt 3. Skriv handlinger til samtalens egne "
          "punkter.");
    // No involvement, or a point written another way.
    result = w.send(w.cycle, "plan_submitted", w.leader,
                    R"({"actions":[{"point":"development:1","action":"x"}]})", "2027-01-05");
    CHECK(result.field == "involvement");
    CHECK(result.code == ErrorCode::field_required);
    result =
        w.send(w.cycle, "plan_submitted", w.leader,
               R"({"involvement":"MED","actions":[{"point":"dp1","action":"x"}]})", "2027-01-05");
    CHECK(result.field == "actions[0].point");
    CHECK(result.code == ErrorCode::bad_value);
    CHECK(w.snapshot(w.cycle) == before);

    const char* plan = R"({"involvement":"MED-udvalget og bestyrelsen",
        "actions":[{"point":"development:1","action":"Læsebånd"},
                   {"point":"development:2","action":"Fælles SFO-dage"},
                   {"point":"supervision:1","action":"Fraværsopfølgning hver uge"}]})";
    result = w.send(w.cycle, "plan_submitted", w.leader, plan, "2027-01-05");
    INFO(result.message);
    CHECK(result.status == ApplyStatus::ok);
    const auto points = tilsyn::conversation_points(*w.store, w.cycle);
    REQUIRE(points.size() == 3);
    CHECK(points[2].key == "supervision:1");
    CHECK(points[2].title == "Fravær");
}

TEST_CASE("a later conversation assesses the tilbud's earlier points, and only its own",
          "[continuity][case]") {
    WorkflowWorld w;
    // Solsikken (a daycare) gets quality reports too here, so another tilbud has points.
    w.config.cycles[0].institutions.kinds.push_back(tilsyn::InstitutionKind::daycare);
    w.rebuild();
    REQUIRE(w.scheduler->tick(at("2026-08-03")).cycles_opened == 2);
    to_plan(w, w.cycle, "2026-10-01", "2026-11-20");
    const std::string other = "quality-report-6-18/solsikken/2026-08-03";
    const tilsyn::Actor other_leader{"leder@solsikken.example.dk", tilsyn::Role::leader, "",
                                     "solsikken"};
    REQUIRE(w.send(other, "report_submitted", other_leader, "{}", "2026-10-01").status ==
            ApplyStatus::ok);
    REQUIRE(w.send(other, "board_statement_missing", w.chief, R"({"reason":"Ingen møde"})",
                   "2026-10-02")
                .status == ApplyStatus::ok);
    REQUIRE(
        w.send(
             other, "conversation_held", w.chief,
             R"({"board_representative":"Per","development_points":[{"title":"Leg","goal":"learning"}]})",
             "2026-11-21")
            .status == ApplyStatus::ok);

    // Two years on, Frydenlund's next cycle.
    REQUIRE(w.scheduler->tick(at("2028-08-03")).cycles_opened == 2);
    const std::string next = "quality-report-6-18/frydenlund/2028-08-03";
    auto earlier = tilsyn::continuity_of(*w.store, "frydenlund");
    REQUIRE(earlier.points.size() == 3);  // Solsikken's point is not Frydenlund's
    CHECK(earlier.points[0].title == "Læsning");
    CHECK(earlier.points[0].list == "development");
    CHECK(earlier.points[2].list == "supervision");
    CHECK_FALSE(earlier.points[0].assessment);
    const auto foreign = tilsyn::continuity_of(*w.store, "solsikken").points.at(0).key;

    REQUIRE(w.send(next, "report_submitted", w.leader, "{}", "2028-10-02").status ==
            ApplyStatus::ok);
    REQUIRE(
        w.send(next, "board_statement_submitted", w.board, R"({"assessment":"God"})", "2028-10-03")
            .status == ApplyStatus::ok);
    const auto before = w.snapshot(next);
    auto held = [&](const std::string& assessments) {
        return w.send(next, "conversation_held", w.chief,
                      (R"({"board_representative":"Maja Formand","assessments":)" + assessments +
                       R"(,"development_points":[{"title":"Læsning igen","goal":"learning"}]})")
                          .c_str(),
                      "2028-11-20");
    };
    // Another tilbud's point, a point that does not exist, a result that is not one.
    auto result = held(R"([{"point":")" + foreign + R"(","result":"achieved","note":"x"}])");
    CHECK(result.status == ApplyStatus::bad_payload);
    CHECK(result.field == "assessments[0].point");
    CHECK(result.message ==
          "Punktet findes ikke blandt dette tilbuds punkter fra tidligere samtaler. Vurdér kun "
          "tilbuddets egne punkter fra sidst.");
    result = held(R"([{"point":"999999:development:1","result":"achieved"}])");
    CHECK(result.field == "assessments[0].point");
    result = held(R"([{"point":")" + earlier.points[0].key + R"(","result":"done"}])");
    CHECK(result.field == "assessments[0].result");
    CHECK(result.message ==
          "Vælg vurderingen i vurdering 1 blandt »Opnået«, »Delvist opnået« og »Ikke opnået«.");
    CHECK(w.snapshot(next) == before);

    result = held(R"([{"point":")" + earlier.points[0].key +
                  R"(","result":"achieved","note":"Alle læser dagligt."},{"point":")" +
                  earlier.points[2].key + R"(","result":"partly","note":"Fraværet er faldet."}])");
    INFO(result.message);
    REQUIRE(result.status == ApplyStatus::ok);
    earlier = tilsyn::continuity_of(*w.store, "frydenlund");
    REQUIRE(earlier.points.size() == 4);
    REQUIRE(earlier.points[0].assessment);
    CHECK(earlier.points[0].assessment->result == "achieved");
    CHECK(earlier.points[0].assessment->note == "Alle læser dagligt.");
    CHECK_FALSE(earlier.points[1].assessment);  // left for another time
    CHECK(earlier.points[2].assessment->result == "partly");
    CHECK(earlier.points[3].title == "Læsning igen");
}

TEST_CASE(
    "themes are recorded, published to the band's leaders and chiefs, and named by points "
    "of their period only",
    "[continuity][theme]") {
    WorkflowWorld w;
    REQUIRE(w.scheduler->tick(at("2026-08-03")).cycles_opened == 1);
    CHECK(tilsyn::record_theme(*w.store, theme("trivsel", 2026, "6-18", "Trivsel og fravær")) ==
          std::nullopt);
    CHECK(tilsyn::record_theme(*w.store, theme("gammel", 2024, "6-18", "Et gammelt tema")) ==
          std::nullopt);
    // Bad themes: refused with the field, nothing stored.
    auto problem = tilsyn::record_theme(*w.store, theme("Trivsel!", 2026, "6-18", "x"));
    REQUIRE(problem);
    CHECK(problem->field == "id");
    problem = tilsyn::record_theme(*w.store, theme("trivsel", 2026, "6-18", "Igen"));
    REQUIRE(problem);
    CHECK(problem->message ==
          "Der findes allerede et tema med kortnavnet »trivsel«. Vælg et andet kortnavn.");
    problem = tilsyn::record_theme(*w.store, theme("ny", 2026, "3-9", "x"));
    REQUIRE(problem);
    CHECK(problem->field == "age_band");
    problem = tilsyn::record_theme(*w.store, theme("ny", 2026, "6-18", "To\nlinjer"));
    REQUIRE(problem);
    CHECK(problem->field == "title");
    CHECK(w.store->themes().size() == 2);

    // Unpublished themes cannot be named yet.
    const char* report = R"({"signals_political":"Mere trivsel","signals_theme":"trivsel"})";
    w.send(w.cycle, "report_submitted", w.leader, "{}", "2026-10-01");
    auto result = w.send(w.cycle, "board_statement_submitted", w.board, report, "2026-10-02");
    CHECK(result.status == ApplyStatus::bad_payload);
    CHECK(result.field == "signals_theme");

    const auto published =
        tilsyn::publish_themes(*w.store, w.config, 2026, "6-18", at("2026-09-01"));
    CHECK(published.themes == 1);
    CHECK(published.mails == 2);  // Frydenlund's leader and Område Syd's chief; not Solsikken
    CHECK(tilsyn::publish_themes(*w.store, w.config, 2026, "6-18", at("2026-09-02")).themes == 0);
    std::vector<std::string> to;
    for (const auto& m : w.store->outbox("pending", 100)) {
        if (m.subject.find("Politisk besluttede temaer") == std::string::npos) continue;
        to.push_back(m.recipient);
        CHECK(m.subject == "Politisk besluttede temaer for 2026-2027 (6-18 år)");
        CHECK(m.body.find("- Trivsel og fravær") != std::string::npos);
    }
    std::sort(to.begin(), to.end());
    CHECK(to == std::vector<std::string>{"Lene Leder <leder@frydenlund.example.dk>",
                                         "Søren Chef <chef.syd@example.dk>"});

    result = w.send(w.cycle, "board_statement_submitted", w.board, report, "2026-10-02");
    INFO(result.message);
    REQUIRE(result.status == ApplyStatus::ok);
    // A point naming another period's theme, or one that does not exist.
    tilsyn::publish_themes(*w.store, w.config, 2024, "6-18", at("2026-09-01"));
    const auto before = w.snapshot(w.cycle);
    result = w.send(w.cycle, "conversation_held", w.chief,
                    R"({"board_representative":"Maja",
                        "development_points":[{"title":"x","goal":"learning","theme":"gammel"}]})",
                    "2026-11-20");
    CHECK(result.status == ApplyStatus::bad_payload);
    CHECK(result.field == "development_points[0].theme");
    CHECK(result.message ==
          "Temaet »Et gammelt tema« hører til perioden 2024-2025 for de 6-18-årige, ikke til "
          "dette forløbs periode 2026-2027 for de 6-18-årige. Vælg et af periodens temaer.");
    result = w.send(w.cycle, "conversation_held", w.chief,
                    R"({"board_representative":"Maja",
                        "development_points":[{"title":"x","goal":"learning","theme":"ukendt"}]})",
                    "2026-11-20");
    CHECK(result.field == "development_points[0].theme");
    CHECK(w.snapshot(w.cycle) == before);
    result = w.send(w.cycle, "conversation_held", w.chief,
                    R"({"board_representative":"Maja",
                        "development_points":[{"title":"x","goal":"learning","theme":"trivsel"}]})",
                    "2026-11-20");
    CHECK(result.status == ApplyStatus::ok);
}

TEST_CASE("support agreed in a supervision case is told to the leader, with its date in Danish",
          "[continuity][case]") {
    WorkflowWorld w;
    REQUIRE(w.scheduler->tick(at("2026-08-03")).cycles_opened == 1);
    to_plan(w, w.cycle, "2026-10-01", "2026-11-20");
    const std::string case_id = w.cycle + "/tilsyn-1";
    REQUIRE(w.state(case_id) == "ActionPlanDue");
    const auto before = w.snapshot(case_id);
    auto result = w.send(case_id, "support_agreed", w.chief,
                         R"({"support":"Sparring om fravær","provided_by":"PPR"})", "2026-11-25");
    CHECK(result.status == ApplyStatus::bad_payload);
    CHECK(result.field == "by_date");
    CHECK(w.send(case_id, "support_agreed", w.leader,
                 R"({"support":"x","provided_by":"y","by_date":"2027-01-15"})", "2026-11-25")
              .status == ApplyStatus::forbidden);
    CHECK(w.snapshot(case_id) == before);
    result = w.send(case_id, "support_agreed", w.chief,
                    R"({"support":"Sparring om fravær hver 14. dag","provided_by":"PPR og )"
                    R"(skolens fraværsteam","by_date":"2027-01-15"})",
                    "2026-11-25");
    INFO(result.message);
    REQUIRE(result.status == ApplyStatus::ok);
    CHECK(result.state_after == "ActionPlanDue");  // support changes no step
    CHECK(result.mails_queued == 1);
    bool told = false;
    for (const auto& m : w.store->outbox("pending", 100)) {
        if (m.subject != "Aftalt understøttelse: Frydenlund Skole") continue;
        told = true;
        CHECK(m.recipient == "Lene Leder <leder@frydenlund.example.dk>");
        CHECK(m.body.find("Sparring om fravær hver 14. dag") != std::string::npos);
        CHECK(m.body.find("Understøttelsen gives af PPR og skolens fraværsteam senest fredag den "
                          "15. januar 2027.") != std::string::npos);
    }
    CHECK(told);
}
