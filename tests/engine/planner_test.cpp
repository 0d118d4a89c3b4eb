#include "engine/planner.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <sstream>

#include "config_fixture.hpp"
#include "engine/plan_format.hpp"
#include "workflows/description.hpp"

namespace {

using tilsyn::Date;
using tilsyn::PlanKind;
using tilsyn::testing::small_config;
using tilsyn::testing::step;

Date d(const char* text) { return *tilsyn::parse_date(text); }

const tilsyn::Calendar kDenmark(true, {{12, 24, std::nullopt}, {12, 31, std::nullopt}});

struct Row {
    std::string date;
    std::string kind;
    std::string step;
    int level;
    bool operator==(const Row&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Row& row) {
    return out << row.date << " " << row.kind << " " << row.step << " " << row.level;
}

std::vector<Row> rows(const tilsyn::Config& config, Date from, Date to) {
    std::vector<Row> result;
    for (const auto& item :
         tilsyn::make_plan(config, kDenmark, tilsyn::TimeZone::utc(), from, to)) {
        const auto* workflow = tilsyn::workflows::find_workflow(config.cycles[item.cycle].workflow);
        result.push_back(
            {tilsyn::format_date(item.date), std::string(tilsyn::plan_kind_name(item.kind)),
             item.kind == PlanKind::start ? "start" : std::string(workflow->steps[item.step].id),
             item.level});
    }
    return result;
}

}  // namespace

TEST_CASE("a cycle's steps are scheduled from the previous step's due date", "[plan]") {
    auto schedule = tilsyn::schedule_cycle(small_config().cycles[0], d("2026-08-03"), kDenmark);
    std::vector<std::string> dates;
    for (const auto& s : schedule) dates.push_back(tilsyn::format_date(s.due));
    // start + 10 weeks = Mon Oct 12; + 4 weeks = Nov 9; + 6 weeks = Dec 21; + 8 weeks = Feb 15;
    // + 10 workdays = Mar 1; + 5 workdays = Mar 8.
    CHECK(dates == std::vector<std::string>{"2026-10-12", "2026-11-09", "2026-12-21", "2027-02-15",
                                            "2027-03-01", "2027-03-08"});
}

TEST_CASE("reminders move back and escalations forward to working days", "[plan]") {
    using tilsyn::Offset;
    using tilsyn::Unit;
    // Sunday Oct 11 -> Friday Oct 9.
    CHECK(tilsyn::reminder_date(d("2026-10-12"), Offset{-1, Unit::day}, kDenmark) ==
          d("2026-10-09"));
    CHECK(tilsyn::reminder_date(d("2026-10-12"), Offset{-3, Unit::workday}, kDenmark) ==
          d("2026-10-07"));
    // An escalation never fires before the first working day the step is overdue.
    CHECK(tilsyn::escalation_date(d("2026-10-09"), Offset{0, Unit::day}, kDenmark) ==
          d("2026-10-12"));
    CHECK(tilsyn::escalation_date(d("2026-12-23"), Offset{1, Unit::workday}, kDenmark) ==
          d("2026-12-28"));
    CHECK(tilsyn::escalation_date(d("2026-10-12"), Offset{10, Unit::workday}, kDenmark) ==
          d("2026-10-26"));
}

TEST_CASE("a plan lists reminders, the deadline and escalations of the covered institutions",
          "[plan]") {
    // The daycare is not covered by the 6-18 cycle; the reminder on Sep 28 is before `from`.
    CHECK(rows(small_config(), d("2026-10-01"), d("2026-10-27")) ==
          std::vector<Row>{{"2026-10-07", "reminder", "quality_report", 2},
                           {"2026-10-12", "due", "quality_report", 0},
                           {"2026-10-13", "escalation", "quality_report", 1},
                           {"2026-10-26", "escalation", "quality_report", 2},
                           {"2026-10-26", "reminder", "board_statement", 1}});
}

TEST_CASE("a cycle that started before the period still shows its later deadlines", "[plan]") {
    CHECK(rows(small_config(), d("2027-03-01"), d("2027-03-10")) ==
          std::vector<Row>{{"2027-03-01", "escalation", "development_plan", 2},
                           {"2027-03-01", "due", "plan_approval", 0},
                           {"2027-03-02", "escalation", "plan_approval", 1},
                           {"2027-03-03", "reminder", "publication", 2},
                           {"2027-03-08", "due", "publication", 0},
                           {"2027-03-09", "escalation", "publication", 1}});
}

TEST_CASE("cycles repeat every period from their first start", "[plan]") {
    auto starts = tilsyn::cycle_starts(small_config().cycles[0], d("2027-01-01"), d("2031-01-01"));
    std::vector<std::string> dates;
    for (auto s : starts) dates.push_back(tilsyn::format_date(s));
    // 2026-08-03 still runs in 2027; later periods every second year.
    CHECK(dates == std::vector<std::string>{"2026-08-03", "2028-08-03", "2030-08-03"});
    auto plan = rows(small_config(), d("2028-08-01"), d("2028-08-05"));
    CHECK(plan == std::vector<Row>{{"2028-08-03", "start", "start", 0}});
}

TEST_CASE("items at the same moment are ordered by institution, then cycle and step", "[plan]") {
    auto config = small_config();
    config.institutions[1].kind = tilsyn::InstitutionKind::school;  // both covered now
    auto items = tilsyn::make_plan(config, kDenmark, tilsyn::TimeZone::utc(), d("2026-10-26"),
                                   d("2026-10-27"));
    REQUIRE(items.size() == 4);
    // Per institution: quality_report's escalation (step 0) before board_statement's reminder.
    CHECK(items[0].institution == 0);
    CHECK(items[0].kind == PlanKind::escalation);
    CHECK(items[1].institution == 0);
    CHECK(items[1].kind == PlanKind::reminder);
    CHECK(items[2].institution == 1);
    CHECK(items[3].institution == 1);
    for (std::size_t i = 1; i < items.size(); ++i) CHECK(items[i - 1].at <= items[i].at);
}

TEST_CASE("a workflow in rounds schedules every round from its own start", "[plan]") {
    auto config = small_config();
    auto& cycle = config.cycles[0];
    cycle.workflow = "learning_dialogue";
    cycle.starts.first = d("2026-09-07");
    cycle.rounds = tilsyn::Rounds{4, {6, tilsyn::Unit::month}};
    cycle.steps = {step("data_package", "round + 2 weeks", 24),
                   step("observation", "data_package + 6 weeks", 25),
                   step("learning_conversation", "observation + 2 weeks", 26),
                   step("one_to_one", "learning_conversation + 4 weeks", 27)};
    auto schedule = tilsyn::schedule_cycle(cycle, cycle.starts.first, kDenmark);
    REQUIRE(schedule.size() == 16);
    CHECK(schedule[0].round == 1);
    CHECK(tilsyn::format_date(schedule[0].due) == "2026-09-21");
    // Round 2 starts Sunday 2027-03-07; + 2 weeks is Sunday Mar 21, moved to Monday Mar 22.
    CHECK(schedule[4].round == 2);
    CHECK(tilsyn::format_date(schedule[4].due) == "2027-03-22");
    CHECK(schedule[15].round == 4);
}

TEST_CASE(
    "the plan sends an observation's reminders to the observer the config names, never to "
    "the observed",
    "[plan][observer]") {
    auto config = small_config();
    auto& cycle = config.cycles[0];
    cycle.workflow = "learning_dialogue";
    cycle.institutions.kinds = {};
    cycle.starts.first = d("2026-09-07");
    cycle.rounds = tilsyn::Rounds{1, {6, tilsyn::Unit::month}};
    cycle.steps = {step("data_package", "round + 2 weeks", 24),
                   step("observation", "data_package + 6 weeks", 25),
                   step("learning_conversation", "observation + 2 weeks", 26),
                   step("one_to_one", "learning_conversation + 4 weeks", 27)};
    cycle.observers = {{"solsikken", "frydenlund"}};     // frydenlund itself has no observer
    std::map<std::string, std::vector<std::string>> to;  // institution -> observation's "to"
    std::vector<tilsyn::PlanItem> reminders;
    for (const auto& item : tilsyn::make_plan(config, kDenmark, tilsyn::TimeZone::utc(),
                                              d("2026-09-01"), d("2027-03-01"))) {
        if (item.kind != PlanKind::reminder || item.step != 1) continue;
        to[config.institutions[item.institution].id] = tilsyn::plan_recipients(config, item);
        reminders.push_back(item);
    }
    CHECK(to["solsikken"] == std::vector<std::string>{"leder@frydenlund.example.dk"});
    CHECK(to["frydenlund"] == std::vector<std::string>{"chef.syd@example.dk"});
    // The JSON plan says the same.
    std::ostringstream json;
    tilsyn::write_plan_json(json, config, tilsyn::TimeZone::utc(), reminders);
    CHECK(json.str().find(
              R"("institution":"solsikken","cycle":"quality-report-6-18","step":)"
              R"("observation","kind":"reminder","to":["leder@frydenlund.example.dk"])") !=
          std::string::npos);
    CHECK(json.str().find(R"("institution":"frydenlund","cycle":"quality-report-6-18","step":)"
                          R"("observation","kind":"reminder","to":["chef.syd@example.dk"])") !=
          std::string::npos);
}
