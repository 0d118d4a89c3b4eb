// The political report against a hand-counted fixture on a real SQLite store: two periods of
// a school (6-18) and a daycare's learning dialogue and quality report (0-6), with themes,
// assessments of earlier points and support agreed in supervision cases, all recorded through
// the case service.
#include "engine/political_report.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <regex>

#include "engine/theme.hpp"
#include "workflow_fixture.hpp"

using namespace tilsyn;
using tilsyn::testing::at;

namespace {

const ReportFigures& goal(const AreaFigures& area, std::string_view name) {
    for (std::size_t g = 0; g < kEffectGoals.size(); ++g) {
        if (kEffectGoals[g] == name) return area.goals[g];
    }
    throw std::logic_error("no such goal");
}

const ThemeFigures& theme(const PoliticalReport& report, std::string_view id) {
    for (const auto& t : report.themes) {
        if (t.theme == id) return t;
    }
    FAIL("no theme row " << id);
    throw std::logic_error("no such theme");
}

// Every field, so that a figure counted where it should not be shows.
std::string figures(const ReportFigures& f) {
    return fmt::format(
        "focus {} dev {} sup {} opened {} resolved {} open {} achieved {} partly {} "
        "not {} support {}",
        f.focus_areas, f.development_points, f.supervision_points, f.cases_opened, f.cases_resolved,
        f.cases_open, f.achieved, f.partly, f.not_achieved, f.support_agreed);
}

CycleConfig learning_dialogue(const Config& config) {
    CycleConfig cycle;
    cycle.id = "learning-dialogue";
    cycle.workflow = "learning_dialogue";
    cycle.where = {"test.yaml", 40, 3};
    cycle.institutions.kinds = {InstitutionKind::daycare};
    cycle.starts.first = *parse_date("2026-09-07");
    cycle.starts.every = {2, Unit::year};
    cycle.rounds = Rounds{4, {6, Unit::month}};
    cycle.observers = {{"solsikken", "frydenlund"}};
    cycle.steps = {testing::step("data_package", "round + 2 weeks", 40),
                   testing::step("observation", "data_package + 6 weeks", 41),
                   testing::step("learning_conversation", "observation + 2 weeks", 42),
                   testing::step("one_to_one", "learning_conversation + 4 weeks", 43)};
    cycle.reminders = {{-5, Unit::workday}};
    cycle.escalation = {{{2, Unit::workday}, {Role::area_chief}, {"test.yaml", 45, 9}}};
    cycle.supervision = config.cycles[0].supervision;
    return cycle;
}

struct ReportWorld : testing::WorkflowWorld {
    Actor daycare_leader{"leder@solsikken.example.dk", Role::leader, "", "solsikken"};

    ReportWorld() {
        CycleConfig daycare = config.cycles[0];
        daycare.id = "quality-report-0-6";
        daycare.institutions.kinds = {InstitutionKind::daycare};
        daycare.starts.first = *parse_date("2027-08-02");
        config.cycles.push_back(daycare);
        config.cycles.push_back(learning_dialogue(config));
        rebuild();
        // The committee's themes, per period and band, published.
        for (const auto& [id, period, band, title] :
             {std::tuple{"laesning", 2026, "6-18", "Læselyst"},
              std::tuple{"trivsel", 2026, "6-18", "Trivsel i skolen"},
              std::tuple{"sprog", 2026, "0-6", "Sprog i hverdagen"},
              std::tuple{"faellesskab", 2028, "6-18", "Fællesskaber på tværs"}}) {
            ThemeRecord theme;
            theme.id = id;
            theme.period = period;
            theme.age_band = band;
            theme.title = title;
            REQUIRE(store->add_theme(theme));
        }
        store->publish_themes(2026, "6-18", at("2026-06-01"));
        store->publish_themes(2026, "0-6", at("2026-06-01"));
        store->publish_themes(2028, "6-18", at("2028-06-01"));
    }

    void ok(const std::string& id, const char* event, const Actor& actor,
            const std::string& payload, const char* date) {
        INFO(id << " " << event << " " << payload);
        const auto result = send(id, event, actor, payload.c_str(), date);
        INFO(result.message);
        REQUIRE(result.status == ApplyStatus::ok);
    }

    long long seq_of(const std::string& id, std::string_view event, int nth = 1) {
        for (const auto& e : store->events(id)) {
            if (e.event == event && --nth == 0) return e.seq;
        }
        FAIL("no event " << event);
        return 0;
    }
};

constexpr const char* kSchool2026 = "quality-report-6-18/frydenlund/2026-08-03";
constexpr const char* kSchool2028 = "quality-report-6-18/frydenlund/2028-08-03";
constexpr const char* kDialogue = "learning-dialogue/solsikken/2026-09-07";
constexpr const char* kDaycare2027 = "quality-report-0-6/solsikken/2027-08-02";

// The long statement of 2026, which names its own tilbud.
constexpr const char* kLongSignal =
    "Frydenlund Skole ønsker flere pædagoger i indskolingen, fordi trivslen i de yngste "
    "klasser er faldet tre år i træk, og fordi forældrene beder om det på hvert eneste "
    "møde, vi holder med dem i løbet af året.";

void record_history(ReportWorld& w) {
    // ---- 6-18, period 2026: Frydenlund's quality report.
    REQUIRE(w.scheduler->tick(at("2026-08-03")).cycles_opened == 1);
    w.ok(kSchool2026, "report_submitted", w.leader, "{}", "2026-10-01");
    w.ok(kSchool2026, "board_statement_submitted", w.board,
         fmt::format(R"({{"signals_political":"{}","signals_goal":"wellbeing",)"
                     R"("signals_theme":"trivsel"}})",
                     kLongSignal),
         "2026-10-20");
    // By hand: learning 2 development points (Læsning: laesning; Matematik: no theme);
    // wellbeing 1 development point (Ro: trivsel) and 2 supervision points (Fravær: trivsel,
    // resolved, two supports; Mobning: no theme, open, one support).
    w.ok(
        kSchool2026, "conversation_held", w.chief,
        R"({"board_representative":"Bo Formand","development_points":[{"title":"Læsning","goal":"learning","theme":"laesning"},)"
        R"({"title":"Matematik","goal":"learning"},)"
        R"({"title":"Ro","goal":"wellbeing","theme":"trivsel"}],)"
        R"("supervision_points":[{"title":"Fravær","reason":"concern","goal":"wellbeing",)"
        R"("theme":"trivsel"},{"title":"Mobning","reason":"law","goal":"wellbeing"}]})",
        "2026-11-20");
    const std::string fravaer = std::string(kSchool2026) + "/tilsyn-1";
    const std::string mobning = std::string(kSchool2026) + "/tilsyn-2";
    const char* support =
        R"({"support":"Sparring med PPR","provided_by":"PPR","by_date":"2027-01-15"})";
    w.ok(fravaer, "support_agreed", w.chief, support, "2026-11-24");
    w.ok(fravaer, "support_agreed", w.chief, support, "2026-11-25");
    w.ok(mobning, "support_agreed", w.chief, support, "2026-11-25");
    w.ok(fravaer, "action_plan_submitted", w.leader, "{}", "2026-11-26");
    w.ok(fravaer, "supervision_resolved", w.chief, R"({"note":"Løst."})", "2026-12-15");
    w.ok(kSchool2026, "plan_submitted", w.leader,
         R"({"actions":[{"point":"development:1","action":"Læsebånd"},)"
         R"({"point":"development:2","action":"Matematikvejledning"},)"
         R"({"point":"development:3","action":"Ro i timerne"},)"
         R"({"point":"supervision:1","action":"Fraværsopfølgning"},)"
         R"({"point":"supervision:2","action":"Antimobbestrategi"}],)"
         R"("involvement":"Drøftet i pædagogisk råd og skolebestyrelsen."})",
         "2027-01-10");
    // plan_approval is due 10 working days after the plan's due date: approved late.
    w.ok(kSchool2026, "plan_approved", w.chief, "{}", "2027-03-01");

    // ---- 0-6, period 2026: Solsikken's learning dialogue, two rounds.
    REQUIRE(w.scheduler->tick(at("2026-09-07")).cycles_opened == 1);
    const char* feedback = R"({"observer_institution":"frydenlund","feedback":"Rolig stemning."})";
    w.ok(kDialogue, "data_package_published", w.admin, "{}", "2026-09-10");
    w.ok(kDialogue, "observation_feedback_submitted", w.leader, feedback, "2026-10-01");
    // Round 1: learning 1 focus area, wellbeing 1 focus area, both for the theme sprog.
    w.ok(kDialogue, "learning_conversation_held", w.chief,
         R"({"focus_areas":[{"title":"Sprog og leg","goal":"learning","theme":"sprog"},)"
         R"({"title":"Udeliv","goal":"wellbeing","theme":"sprog"}],"supervision_points":[]})",
         "2026-10-15");
    const long long round1 = w.seq_of(kDialogue, "learning_conversation_held");
    w.ok(kDialogue, "data_package_published", w.admin, "{}", "2027-03-10");
    w.ok(kDialogue, "observation_feedback_submitted", w.leader, feedback, "2027-04-01");
    // Round 2: learning 1 focus area and 1 supervision point (sprog; a case, one support,
    // open); the round 1 focus areas assessed: Sprog og leg achieved, Udeliv not achieved.
    w.ok(kDialogue, "learning_conversation_held", w.chief,
         fmt::format(R"({{"focus_areas":[{{"title":"Sprog igen","goal":"learning",)"
                     R"("theme":"sprog"}}],"supervision_points":[{{"title":"Sprogvurderinger )"
                     R"(mangler","reason":"law","goal":"learning","theme":"sprog"}}],)"
                     R"("assessments":[{{"point":"{0}:focus:1","result":"achieved","note":"Ja."}},)"
                     R"({{"point":"{0}:focus:2","result":"not_achieved","note":"Nej."}}]}})",
                     round1),
         "2027-04-15");
    w.ok(
        std::string(kDialogue) + "/tilsyn-1", "support_agreed", w.chief,
        R"({"support":"Sprogvejleder","provided_by":"Dagtilbudsafdelingen","by_date":"2027-06-01"})",
        "2027-04-20");

    // ---- 0-6, period 2027: Solsikken's quality report, a statement about communities.
    REQUIRE(w.scheduler->tick(at("2027-08-02")).cycles_opened == 1);
    w.ok(kDaycare2027, "report_submitted", w.daycare_leader, "{}", "2027-09-01");
    w.ok(kDaycare2027, "board_statement_submitted", w.daycare_leader,
         R"({"signals_political":"Mindre papirarbejde.","signals_goal":"communities",)"
         R"("on_behalf_of_board":true})",
         "2027-09-20");

    // ---- 6-18, period 2028: Frydenlund again; its conversation assesses 2026's points.
    REQUIRE(w.scheduler->tick(at("2028-08-03")).cycles_opened >= 1);
    w.ok(kSchool2028, "report_submitted", w.leader, "{}", "2028-09-01");
    w.ok(kSchool2028, "board_statement_submitted", w.board,
         R"({"signals_political":"- Mere tid til faglighed; \"færre\" skærme"})", "2028-09-20");
    const long long held2026 = w.seq_of(kSchool2026, "conversation_held");
    w.ok(
        kSchool2028, "conversation_held", w.chief,
        fmt::format(
            R"({{"board_representative":"Bo Formand","development_points":[{{"title":"Fællesskab","goal":"communities",)"
            R"("theme":"faellesskab"}}],"supervision_points":[],"assessments":[)"
            R"({{"point":"{0}:development:1","result":"achieved","note":"Nået."}},)"
            R"({{"point":"{0}:development:3","result":"partly","note":"Delvist."}},)"
            R"({{"point":"{0}:supervision:2","result":"not_achieved","note":"Nej."}}]}})",
            held2026),
        "2028-11-20");
}

}  // namespace

TEST_CASE(
    "the political report counts themes, goals, cases, assessments, support, statements "
    "and plans of the band's cycles in its window",
    "[report]") {
    ReportWorld w;
    record_history(w);

    SECTION("2026, 6-18: the first period of the school") {
        const PoliticalReport r = build_political_report(*w.store, w.config, 2026);
        CHECK(r.age_band == "6-18");
        CHECK(r.covers_from == *parse_date("2025-01-01"));
        CHECK(r.deadline == *parse_date("2026-12-31"));
        REQUIRE(r.areas.size() == 2);  // syd and nord, in configuration order
        CHECK(r.areas[0].cycles == 1);
        CHECK(r.areas[1].cycles == 0);
        CHECK(figures(goal(r.total, "learning")) == figures({0, 2, 0, 0, 0, 0, 0, 0, 0, 0}));
        CHECK(figures(goal(r.total, "wellbeing")) == figures({0, 1, 2, 2, 1, 1, 0, 0, 0, 3}));
        CHECK(figures(goal(r.total, "communities")) == figures({}));
        // The band's themes of the period first, then the points without one.
        REQUIRE(r.themes.size() == 3);
        CHECK(r.themes[0].title == "Læselyst");
        CHECK(figures(theme(r, "laesning").figures) == figures({0, 1, 0, 0, 0, 0, 0, 0, 0, 0}));
        CHECK(figures(theme(r, "trivsel").figures) == figures({0, 1, 1, 1, 1, 0, 0, 0, 0, 2}));
        CHECK(theme(r, "").title == "Uden tema");
        CHECK(figures(theme(r, "").figures) == figures({0, 1, 1, 1, 0, 1, 0, 0, 0, 1}));
        CHECK(r.total.plans.on_time == 0);
        CHECK(r.total.plans.late == 1);
        CHECK(r.total.plans.pending == 0);
        REQUIRE(r.statements.size() == 1);
        const auto& g = r.statements[0];
        CHECK(g.title == "Sundhed og trivsel · Trivsel i skolen");
        CHECK(g.statements == 1);
        REQUIRE(g.quotes.size() == 1);
        // Areas only: the tilbud's name is gone from the quote too; cut at a word.
        CHECK(g.quotes[0].from == "Område Syd");
        CHECK(g.quotes[0].text.rfind("[tilbuddet] ønsker flere pædagoger i indskolingen,", 0) == 0);
        CHECK(g.quotes[0].text.find("Frydenlund") == std::string::npos);
        CHECK(g.quotes[0].text.size() < std::string(kLongSignal).size());
        // Cut after a whole word: what is kept is followed by a space in the statement.
        const std::string kept = g.quotes[0].text.substr(0, g.quotes[0].text.size() - 3);
        CHECK(g.quotes[0].text.substr(kept.size()) == "…");
        const std::string redacted =
            "[tilbuddet]" + std::string(kLongSignal).substr(std::string("Frydenlund Skole").size());
        CHECK(redacted.rfind(kept, 0) == 0);
        CHECK(redacted[kept.size()] == ' ');
    }
    SECTION("2027, 0-6: the learning dialogue's rounds and the daycare's quality report") {
        const PoliticalReport r = build_political_report(*w.store, w.config, 2027);
        CHECK(r.age_band == "0-6");
        CHECK(r.total.cycles == 2);
        CHECK(figures(goal(r.total, "learning")) == figures({2, 0, 1, 1, 0, 1, 1, 0, 0, 1}));
        CHECK(figures(goal(r.total, "wellbeing")) == figures({1, 0, 0, 0, 0, 0, 0, 0, 1, 0}));
        REQUIRE(r.themes.size() == 2);
        CHECK(r.themes[0].title == "Sprog i hverdagen");
        CHECK(figures(theme(r, "sprog").figures) == figures({3, 0, 1, 1, 0, 1, 1, 0, 1, 1}));
        CHECK(figures(theme(r, "").figures) == figures({}));
        CHECK(r.total.plans.pending == 1);  // the daycare's plan; a dialogue has none
        REQUIRE(r.statements.size() == 1);
        CHECK(r.statements[0].title == "Fællesskaber");
        CHECK(r.statements[0].quotes[0].text == "Mindre papirarbejde.");
    }
    SECTION("2028, 6-18: the second period, assessing the first period's points") {
        const PoliticalReport r = build_political_report(*w.store, w.config, 2028);
        CHECK(r.total.cycles == 1);  // 2026's cycle is in 2026's report only
        CHECK(figures(goal(r.total, "communities")) == figures({0, 1, 0, 0, 0, 0, 0, 0, 0, 0}));
        CHECK(figures(goal(r.total, "learning")) == figures({0, 0, 0, 0, 0, 0, 1, 0, 0, 0}));
        CHECK(figures(goal(r.total, "wellbeing")) == figures({0, 0, 0, 0, 0, 0, 0, 1, 1, 0}));
        // The period's theme, then the earlier ones its assessments name, then none.
        REQUIRE(r.themes.size() == 4);
        CHECK(r.themes[0].theme == "faellesskab");
        CHECK(figures(theme(r, "laesning").figures) == figures({0, 0, 0, 0, 0, 0, 1, 0, 0, 0}));
        CHECK(figures(theme(r, "trivsel").figures) == figures({0, 0, 0, 0, 0, 0, 0, 1, 0, 0}));
        CHECK(figures(theme(r, "").figures) == figures({0, 0, 0, 0, 0, 0, 0, 0, 1, 0}));
        CHECK(r.total.plans.pending == 1);
        REQUIRE(r.statements.size() == 1);
        CHECK(r.statements[0].title == "Uden emne");

        const std::string csv = political_report_csv(r);
        INFO(csv);
        CHECK(csv.rfind("\xEF\xBB\xBF"
                        "År;Aldersgruppe;Område;",
                        0) == 0);
        // The quote begins with "-": neutralised, and quoted for its ; and ".
        CHECK(csv.find("I alt;Bestyrelsernes udtalelser;Uden emne;;;;;;;;;;;;;;;1;\"'- Mere tid "
                       "til faglighed; \"\"færre\"\" skærme (Område Syd)\"\r\n") !=
              std::string::npos);
        const std::string md = political_report_markdown(r, w.config);
        CHECK(md.find("- »\\- Mere tid til faglighed; \"færre\" skærme« (Område Syd)") !=
              std::string::npos);
    }
    SECTION("a config that names tilbud names them; one covering other cycles counts those") {
        w.config.political_report.name_institutions = true;
        auto r = build_political_report(*w.store, w.config, 2026);
        REQUIRE(r.statements.size() == 1);
        CHECK(r.statements[0].quotes[0].from == "Frydenlund Skole");
        CHECK(r.statements[0].quotes[0].text.rfind("Frydenlund Skole ønsker", 0) == 0);
        w.config.political_report.cycles = {"learning-dialogue"};
        CHECK(build_political_report(*w.store, w.config, 2027).total.cycles == 1);
        CHECK(build_political_report(*w.store, w.config, 2026).total.cycles == 0);
        // Another parity and deadline: 0-6 in even years, due 31 March.
        w.config.political_report = {};
        w.config.political_report.even_years = "0-6";
        w.config.political_report.odd_years = "6-18";
        w.config.political_report.deadline_month = 3;
        w.config.political_report.deadline_day = 31;
        r = build_political_report(*w.store, w.config, 2028);  // 0-6, started 01.04.2026-31.03.2028
        CHECK(r.age_band == "0-6");
        CHECK(r.total.cycles == 2);
        CHECK(build_political_report(*w.store, w.config, 2027).total.cycles == 1);  // 6-18 2026
    }
    SECTION("one area only") {
        CHECK(build_political_report(*w.store, w.config, 2026, {"nord"}).areas.size() == 1);
        CHECK(build_political_report(*w.store, w.config, 2026, {"nord"}).total.cycles == 0);
    }
}

TEST_CASE("the report's charts draw the table's numbers", "[report]") {
    ReportWorld w;
    record_history(w);
    for (int year : {2026, 2027, 2028}) {
        INFO(year);
        const std::string html =
            political_report_html(build_political_report(*w.store, w.config, year), w.config);
        std::map<std::string, std::string> cells;
        const std::regex cell(
            R"re(<td data-chart="([a-z]+)" data-row="([^"]*)" data-col="([a-z_]+)">(\d+)</td>)re");
        for (auto it = std::sregex_iterator(html.begin(), html.end(), cell);
             it != std::sregex_iterator(); ++it) {
            cells[(*it)[1].str() + "/" + (*it)[2].str() + "/" + (*it)[3].str()] = (*it)[4].str();
        }
        const std::regex bar(
            R"re(<rect [^>]*data-chart="([a-z]+)" data-row="([^"]*)" data-col="([a-z_]+)" data-value="(\d+)")re");
        int bars = 0;
        for (auto it = std::sregex_iterator(html.begin(), html.end(), bar);
             it != std::sregex_iterator(); ++it, ++bars) {
            const std::string key = (*it)[1].str() + "/" + (*it)[2].str() + "/" + (*it)[3].str();
            INFO(key);
            REQUIRE(cells.count(key));
            CHECK(cells[key] == (*it)[4].str());
        }
        // goals: 3 goals x 3 series; plans: 3; themes and statements at least one each.
        CHECK(bars >= 9 + 3 + 3 + 1);
        CHECK(html.find(R"(<svg role="img" aria-labelledby="chart-goals-title")") !=
              std::string::npos);
        CHECK(html.find("<script") == std::string::npos);
        CHECK(html.find("Frydenlund") == std::string::npos);  // areas only
        CHECK(html.find("Solsikken") == std::string::npos);
    }
}

TEST_CASE("CSV cells that Excel would take for a formula are neutralised, and quoted right",
          "[report]") {
    CHECK(csv_cell("Læsning") == "Læsning");
    CHECK(csv_cell("=SUM(A1:A9)") == "'=SUM(A1:A9)");
    CHECK(csv_cell("+45 1234") == "'+45 1234");
    CHECK(csv_cell("-2") == "'-2");
    CHECK(csv_cell("@navn") == "'@navn");
    CHECK(csv_cell("\tx") == "'\tx");
    CHECK(csv_cell("\rx") == "\"'\rx\"");
    CHECK(csv_cell("a;b") == "\"a;b\"");
    CHECK(csv_cell("sagde \"ja\"") == "\"sagde \"\"ja\"\"\"");
    CHECK(csv_cell("to\nlinjer") == "\"to\nlinjer\"");
    CHECK(csv_cell("a,b") == "a,b");  // a comma is no separator here
    CHECK(csv_cell("") == "");
}

TEST_CASE("Markdown prints texts literally", "[report]") {
    CHECK(markdown_text("a | b") == "a \\| b");
    CHECK(markdown_text("*fed* og _kursiv_") == "\\*fed\\* og \\_kursiv\\_");
    CHECK(markdown_text("[link](x) <b>") == "\\[link\\](x) \\<b\\>");
    CHECK(markdown_text("`kode`") == "\\`kode\\`");
    CHECK(markdown_text("# Overskrift") == "\\# Overskrift");
    CHECK(markdown_text("- punkt") == "\\- punkt");
    CHECK(markdown_text("+ punkt") == "\\+ punkt");
    CHECK(markdown_text("> citat") == "\\> citat");
    CHECK(markdown_text("1. punkt") == "1\\. punkt");
    CHECK(markdown_text("2026 var godt. 3-4 gange") == "2026 var godt. 3-4 gange");
    CHECK(markdown_text("to\nlinjer\r\n# ny") == "to linjer # ny");  // mid-line: harmless
    CHECK(markdown_text("a\\b") == "a\\\\b");
}

TEST_CASE("a quote is shortened at a word boundary, counting characters", "[report]") {
    CHECK(shorten_quote("Kort og godt.", 20) == "Kort og godt.");
    CHECK(shorten_quote("  flere \n linjer\tog  mellemrum ", 100) == "flere linjer og mellemrum");
    CHECK(shorten_quote("Æbler og pærer og blåbær", 12) == "Æbler og…");
    CHECK(shorten_quote("Ét, to, tre, fire", 9) == "Ét, to…");  // no comma before the …
    CHECK(shorten_quote("Uafbrudtordsomikkekanbrydes", 10) == "Uafbrudto…");
}

TEST_CASE("the report's window follows the configured parity and deadline", "[report]") {
    PoliticalReportSettings s;
    CHECK(age_band_of_year(s, 2026) == "6-18");
    CHECK(age_band_of_year(s, 2027) == "0-6");
    CHECK(report_covers_from(s, 2026) == *parse_date("2025-01-01"));
    s.deadline_month = 3;
    s.deadline_day = 31;
    s.even_years = "0-6";
    s.odd_years = "6-18";
    CHECK(age_band_of_year(s, 2026) == "0-6");
    CHECK(report_deadline(s, 2026) == *parse_date("2026-03-31"));
    CHECK(report_covers_from(s, 2026) == *parse_date("2024-04-01"));
    s.cycles = {"qr"};
    CHECK(report_covers_cycle(s, "qr"));
    CHECK_FALSE(report_covers_cycle(s, "learning-dialogue"));
}

TEST_CASE(
    "check warns when a covered cycle's conversations fall due after the report meant "
    "to use them",
    "[report][config]") {
    Config config = testing::small_config();
    config.cycles.push_back(learning_dialogue(config));
    const Calendar calendar(true, {});
    // The quality conversation of 2026 falls in December, before 31.12.2026; the dialogue's
    // last round runs into 2028, after the report of 2027 (0-6), which covers its start.
    auto warnings = political_report_warnings(config, calendar);
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].where.line == 40);  // at the cycle's id
    CHECK_THAT(warnings[0].message,
               Catch::StartsWith("advarsel: forløbet 'learning-dialogue' (start 07.09.2026) har "
                                 "1 samtale med frist efter fristen for den politiske rapport "
                                 "2027 for 0-6 år (31.12.2027)"));
    CHECK_THAT(warnings[0].message, Catch::Contains("Læringssamtale (runde 4)"));
    // Not covered: no warning.
    config.political_report.cycles = {"quality-report-6-18"};
    CHECK(political_report_warnings(config, calendar).empty());
    // A deadline before the quality conversation: the school's cycle warns too.
    config.political_report.deadline_month = 11;
    config.political_report.deadline_day = 30;
    warnings = political_report_warnings(config, calendar);
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(warnings[0].message, Catch::Contains("1 samtale med frist"));
}
