// Deadlines and send times across the daylight-saving changes of Europe/Copenhagen (the last
// Sundays of March and October), 2026-2030, and a scheduler whose clock jumps an hour forward
// and back: nothing fires twice, nothing is missed.
#include <catch2/catch.hpp>

#include "workflow_fixture.hpp"

using namespace tilsyn;
using std::chrono::days;
using std::chrono::hours;

namespace {

Date last_sunday(int year, unsigned month) {
    using namespace std::chrono;
    const year_month_day last{std::chrono::year{year} / std::chrono::month{month} /
                              std::chrono::last};
    const sys_days day{last};
    const weekday wd{day};
    return day - days{(wd.c_encoding() + 7 - Sunday.c_encoding()) % 7};
}

/// The UTC hour of an instant.
long utc_hour(Instant at) {
    return std::chrono::floor<hours>(at - std::chrono::floor<days>(at)).count();
}

}  // namespace

TEST_CASE("Copenhagen changes offset on the last Sundays of March and October, 2026-2030",
          "[dst]") {
    testing::WorkflowWorld w;
    for (int year = 2026; year <= 2030; ++year) {
        INFO(year);
        for (unsigned month : {3u, 10u}) {
            const Date sunday = last_sunday(year, month);
            const bool spring = month == 3;
            // 01:00 UTC is the moment of the change both ways.
            const Instant change = Instant{sunday.time_since_epoch()} + hours{1};
            CHECK(w.zone.offset_at(change - std::chrono::seconds{1}) ==
                  (spring ? hours{1} : hours{2}));
            CHECK(w.zone.offset_at(change) == (spring ? hours{2} : hours{1}));
            // 08:00 local on the Friday before and the Monday after.
            const Instant friday = w.zone.to_instant(sunday - days{2}, hours{8});
            const Instant monday = w.zone.to_instant(sunday + days{1}, hours{8});
            CHECK(utc_hour(friday) == (spring ? 7 : 6));
            CHECK(utc_hour(monday) == (spring ? 6 : 7));
        }
    }
}

TEST_CASE("reminders and escalations around a DST change go out at 08:00 local time", "[dst]") {
    testing::WorkflowWorld w;
    for (int year = 2026; year <= 2030; ++year) {
        for (unsigned month : {3u, 10u}) {
            INFO(year << "-" << month);
            const Date sunday = last_sunday(year, month);
            const bool spring = month == 3;
            // A step due on the Monday after the change: reminders -14 days and -3 workdays
            // (before it), escalations +1 and +10 workdays (after it).
            Timeline timeline;
            timeline.workflow = "quality_report";
            timeline.steps = {testing::step("quality_report", "start + 0 days", 1)};
            timeline.reminders = {{-14, Unit::day}, {-3, Unit::workday}};
            timeline.escalation = {{{1, Unit::workday}, {Role::leader}, {}},
                                   {{10, Unit::workday}, {Role::director}, {}}};
            const Date monday = sunday + days{1};
            const Date due = w.calendar.next_working_day(monday);  // Easter Monday may intervene
            CycleRecord record;
            record.id = "dst";
            // Armed three weeks before: both reminders are still to come (a reminder whose day
            // has passed when its step is armed is never sent).
            const auto rows = w.cases->deadlines_for(record, timeline, "quality_report",
                                                     {{"start", due}}, due - days{21});
            REQUIRE(rows.size() == 5);
            for (const auto& row : rows) {
                INFO(row.kind << " " << row.level);
                const Instant at = row.fire_at;
                const auto local = at + w.zone.offset_at(at);
                const auto local_time = local - std::chrono::floor<days>(local);
                if (row.kind == "due") {
                    // Overdue from local midnight after the due date.
                    CHECK(local_time == std::chrono::seconds{0});
                    CHECK(std::chrono::floor<days>(local) == due + days{1});
                    continue;
                }
                CHECK(local_time == hours{8});
                const bool before_change = at < Instant{sunday.time_since_epoch()} + hours{1};
                CHECK(before_change == (row.kind == "reminder"));
                // Winter time is UTC+1, summer time UTC+2.
                const bool summer = spring ? !before_change : before_change;
                CHECK(utc_hour(at) == (summer ? 6 : 7));
                CHECK(w.calendar.is_working_day(std::chrono::floor<days>(local)));
            }
        }
    }
}

TEST_CASE("a clock jumping an hour forward and back fires each reminder once, none missed",
          "[dst][faults]") {
    testing::WorkflowWorld w;
    REQUIRE(w.scheduler->tick(testing::at("2026-08-03", 9)).cycles_opened == 1);
    // The report is due 2026-10-12: reminders 2026-09-28 and 2026-10-07 at 08:00, escalations
    // from 2026-10-13.
    const Instant first = w.zone.to_instant(*parse_date("2026-09-28"), hours{8});
    const Instant before = first - std::chrono::minutes{30};
    CHECK(w.scheduler->tick(before).reminders == 0);
    CHECK(w.scheduler->tick(before + hours{1}).reminders == 1);  // jumped forward past it
    CHECK(w.scheduler->tick(before).reminders == 0);             // and back: not again
    CHECK(w.scheduler->tick(before + hours{1}).reminders == 0);  // and forward again
    // The clock set back a whole day, then right again: still once.
    CHECK(w.scheduler->tick(first - days{1}).reminders == 0);
    CHECK(w.scheduler->tick(first + std::chrono::minutes{1}).reminders == 0);
    // Jumping over the second reminder and the due date sends the escalation and no more.
    const auto late = w.scheduler->tick(w.zone.to_instant(*parse_date("2026-10-13"), hours{9}));
    CHECK(late.escalations == 1);
    CHECK(late.reminders == 0);  // its deadline passed: a reminder after it is dropped
    // One reminder mail (to the leader), one escalation (to the leader and the area chief).
    CHECK(w.store->outbox_count("pending") == 3);
}
