#include "engine/config_diff.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <sstream>

#include "config_fixture.hpp"
#include "engine/timeline.hpp"

namespace {

using tilsyn::ConfigDiff;
using tilsyn::Date;
using tilsyn::PlanKind;
using tilsyn::testing::small_config;

Date d(const char* text) { return *tilsyn::parse_date(text); }

std::shared_ptr<const tilsyn::Domain> domain_of(tilsyn::Config config) {
    return tilsyn::make_domain(std::move(config), tilsyn::TimeZone::utc());
}

std::vector<tilsyn::StoredInstitution> stored_of(const tilsyn::Config& config) {
    std::vector<tilsyn::StoredInstitution> stored;
    for (const auto& inst : config.institutions)
        stored.push_back({inst.id, inst.name, "", "", true});
    return stored;
}

// The running cycle of the fixture's school, started 2026-08-03 on the current timeline.
std::vector<tilsyn::RunningInstance> running_of(const tilsyn::Config& config) {
    return {{"quality-report-6-18", d("2026-08-03"),
             tilsyn::timeline_to_json(tilsyn::timeline_of(config.cycles.front()))}};
}

const tilsyn::PlanChange* find_change(const ConfigDiff& diff, std::string_view step, PlanKind kind,
                                      int level = 0) {
    for (const auto& change : diff.changes) {
        if (change.step == step && change.kind == kind && change.level == level) return &change;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("working days between two dates count the working days passed, signed", "[config_diff]") {
    const tilsyn::Calendar denmark(true, {});
    CHECK(tilsyn::workdays_between(d("2028-11-09"), d("2028-11-16"), denmark) == 5);
    CHECK(tilsyn::workdays_between(d("2028-11-16"), d("2028-11-09"), denmark) == -5);
    // Christmas Day and Boxing Day 2028 fall on Monday and Tuesday.
    CHECK(tilsyn::workdays_between(d("2028-12-21"), d("2028-12-28"), denmark) == 3);
    CHECK(tilsyn::workdays_between(d("2028-12-21"), d("2028-12-21"), denmark) == 0);
}

TEST_CASE("a configuration compared with itself moves nothing", "[config_diff]") {
    const auto current = domain_of(small_config());
    const auto next = domain_of(small_config());
    const ConfigDiff diff =
        tilsyn::diff_configs(*current, *next, running_of(current->config),
                             stored_of(current->config), d("2026-12-01"), d("2029-01-01"));
    CHECK_FALSE(diff.moves());
    CHECK(diff.changes.empty());
    CHECK(diff.mail.empty());
    CHECK(diff.institutions.empty());
    REQUIRE(diff.running.size() == 1);
    CHECK(diff.running[0].running == 1);
    CHECK(diff.running[0].on_other_timeline == 0);
}

TEST_CASE(
    "one step's due expression changes: the exact moves of the next cycle, and the running "
    "one keeps its timeline",
    "[config_diff]") {
    const auto current = domain_of(small_config());
    tilsyn::Config changed = small_config();
    changed.cycles[0].steps[1] =
        tilsyn::testing::step("board_statement", "quality_report + 5 weeks", 25);
    const auto next = domain_of(changed);
    const ConfigDiff diff =
        tilsyn::diff_configs(*current, *next, running_of(current->config),
                             stored_of(current->config), d("2026-12-01"), d("2029-01-01"));
    CHECK(diff.moves());

    // The cycle started 2026-08-03 runs on: it keeps its timeline, though the new one differs.
    REQUIRE(diff.running.size() == 1);
    CHECK(diff.running[0].cycle == "quality-report-6-18");
    CHECK(diff.running[0].running == 1);
    CHECK(diff.running[0].on_other_timeline == 1);
    CHECK(diff.running[0].in_new_config);
    for (const auto& change : diff.changes) CHECK(change.start == d("2028-08-03"));

    // Start Thursday 2028-08-03; the report is due 10 weeks later, Thursday 2028-10-12, either
    // way: neither it nor the start moves.
    CHECK(find_change(diff, "start", PlanKind::start) == nullptr);
    CHECK(find_change(diff, "quality_report", PlanKind::due) == nullptr);
    // The board's statement: 4 weeks after the report (09.11) becomes 5 weeks (16.11).
    const auto* board = find_change(diff, "board_statement", PlanKind::due);
    REQUIRE(board);
    CHECK(*board->before == d("2028-11-09"));
    CHECK(*board->after == d("2028-11-16"));
    CHECK(board->workdays == 5);
    CHECK(board->institutions == 1);  // the school; the daycare is not in the cycle
    // Everything after it moves a week: the conversation, 6 weeks after the statement, from
    // Thursday 21.12 to Thursday 28.12.2028, over Christmas: 3 working days.
    const auto* conversation = find_change(diff, "quality_conversation", PlanKind::due);
    REQUIRE(conversation);
    CHECK(*conversation->before == d("2028-12-21"));
    CHECK(*conversation->after == d("2028-12-28"));
    CHECK(conversation->workdays == 3);
    // Its first escalation (1 working day after) from Friday 22.12 to Friday 29.12.
    const auto* escalation = find_change(diff, "quality_conversation", PlanKind::escalation, 1);
    REQUIRE(escalation);
    CHECK(*escalation->before == d("2028-12-22"));
    CHECK(*escalation->after == d("2028-12-29"));
    // The plan, 8 weeks after the conversation: 15.02 to 22.02.2029.
    const auto* plan = find_change(diff, "development_plan", PlanKind::due);
    REQUIRE(plan);
    CHECK(*plan->before == d("2029-02-15"));
    CHECK(*plan->after == d("2029-02-22"));
    CHECK(plan->workdays == 5);
    // Nothing appears or disappears: each step keeps its two reminders and two escalations.
    for (const auto& change : diff.changes) {
        CHECK(change.before.has_value());
        CHECK(change.after.has_value());
    }
    // 5 steps move, each with its due date, 2 reminders and 2 escalations, but for the
    // publication's "-14 days" reminder, which falls before the approval arms it either way.
    CHECK(diff.changes.size() == 5 * 5 - 1);
    CHECK(diff.mail.empty());
    CHECK(diff.institutions.empty());
}

TEST_CASE("a tilbud that joins gains the cycle's mail, and one that leaves is named",
          "[config_diff]") {
    const auto current = domain_of(small_config());
    tilsyn::Config changed = small_config();
    tilsyn::Institution newcomer = changed.institutions.front();
    newcomer.id = "engskolen";
    newcomer.name = "Engskolen";
    newcomer.leader.email = "leder@engskolen.example.dk";
    newcomer.board.email = "bestyrelse@engskolen.example.dk";
    changed.institutions.push_back(newcomer);
    changed.institutions.erase(changed.institutions.begin() + 1);  // the daycare leaves
    const auto next = domain_of(changed);
    const ConfigDiff diff = tilsyn::diff_configs(*current, *next, {}, stored_of(current->config),
                                                 d("2026-12-01"), d("2029-01-01"));
    CHECK(diff.moves());
    CHECK(diff.changes.empty());  // the school's dates stay
    std::vector<std::string> seen;
    for (const auto& inst : diff.institutions) {
        seen.push_back(inst.id + (inst.joins ? "+" : "-") + inst.cycle);
    }
    CHECK(seen ==
          std::vector<std::string>{"engskolen+quality-report-6-18", "engskolen+", "solsikken-"});
    // The newcomer's leader is reminded twice of the report, the statement and the plan, and
    // once of the publication (its "-14 days" falls before the plan is approved, so it is never
    // sent), and gets level 1 of the escalations of all 6 steps: 7 + 6 = 13 mails. The board:
    // the statement's 2 reminders. The area chief and the director get the newcomer's on top of
    // the school's (the director: level 2 of 6 steps each).
    std::map<std::string, std::pair<long, long>> mail;
    for (const auto& m : diff.mail) mail[m.email] = {m.before, m.after};
    CHECK(mail.at("leder@engskolen.example.dk") == std::pair<long, long>{0, 13});
    CHECK(mail.at("bestyrelse@engskolen.example.dk") == std::pair<long, long>{0, 2});
    CHECK(mail.at("chef.syd@example.dk").second == 2 * mail.at("chef.syd@example.dk").first);
    CHECK(mail.at("direktoer@example.dk") == std::pair<long, long>{6, 12});
    CHECK_FALSE(mail.count("leder@frydenlund.example.dk"));
}

TEST_CASE("the diff as JSON and as a table says what moves", "[config_diff]") {
    const auto current = domain_of(small_config());
    tilsyn::Config changed = small_config();
    changed.cycles[0].steps[1] =
        tilsyn::testing::step("board_statement", "quality_report + 5 weeks", 25);
    const auto next = domain_of(changed);
    const ConfigDiff diff =
        tilsyn::diff_configs(*current, *next, running_of(current->config),
                             stored_of(current->config), d("2026-12-01"), d("2029-01-01"));
    std::ostringstream json, table;
    tilsyn::write_diff_json(json, diff);
    tilsyn::write_diff_table(table, diff);
    CHECK_THAT(json.str(), Catch::Contains(R"("moves":true)"));
    CHECK_THAT(
        json.str(),
        Catch::Contains(
            R"({"cycle":"quality-report-6-18","start":"2028-08-03","step":"board_statement","round":0,"kind":"due","level":0,"before":"2028-11-09","after":"2028-11-16","workdays":5,"institutions":1})"));
    CHECK_THAT(
        json.str(),
        Catch::Contains(
            R"({"cycle":"quality-report-6-18","running":1,"keep_timeline":true,"on_other_timeline":1,"in_new_config":true})"));
    CHECK_THAT(table.str(),
               Catch::Contains("quality-report-6-18: 1 forløb beholder deres tidsplan"));
    CHECK_THAT(table.str(), Catch::Contains("Bestyrelsens udtalelse"));
    CHECK_THAT(table.str(), Catch::Contains("09.11.2028 16.11.2028"));
    CHECK_THAT(table.str(), Catch::Contains("Den nye konfiguration flytter noget."));
}
