#include "engine/calendar.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <string>

namespace {

using tilsyn::Calendar;
using tilsyn::Date;

struct HolidayRow {
    const char* date;
    const char* name;
};

// Hand-checked: every Danish public holiday 2020-2035 (see the file's header for sources).
constexpr HolidayRow kHolidays[] = {
#include "danish_holidays_table.inc"
};

Date d(const char* text) { return *tilsyn::parse_date(text); }

const Calendar kDenmark(true, {{12, 24, std::nullopt}, {12, 31, std::nullopt}});

}  // namespace

TEST_CASE("every Danish public holiday 2020-2035 matches the hand-checked table", "[calendar]") {
    std::map<std::string, std::string> expected;
    for (const auto& row : kHolidays) expected[row.date] = row.name;
    REQUIRE(expected.size() == 164);

    std::map<std::string, std::string> computed;
    for (int year = 2020; year <= 2035; ++year) {
        for (const auto& [date, name] : tilsyn::danish_public_holidays(year)) {
            computed[tilsyn::format_date(date)] = std::string(name);
        }
    }
    CHECK(computed == expected);
}

TEST_CASE("no listed holiday is a working day", "[calendar]") {
    for (const auto& row : kHolidays) {
        INFO(row.date << " " << row.name);
        CHECK_FALSE(kDenmark.is_working_day(d(row.date)));
        auto reason = kDenmark.closed_reason(d(row.date));
        REQUIRE(reason);
    }
}

TEST_CASE("Store Bededag is a holiday up to 2023 and a working day from 2024", "[calendar]") {
    CHECK_FALSE(kDenmark.is_working_day(d("2023-05-05")));
    CHECK(*kDenmark.closed_reason(d("2023-05-05")) == "Store bededag");
    CHECK(kDenmark.is_working_day(d("2024-04-26")));
    CHECK(kDenmark.is_working_day(d("2025-05-16")));
}

TEST_CASE("Constitution Day, Christmas Eve and New Year's Eve are closed only when configured",
          "[calendar]") {
    const Calendar plain(true, {});
    CHECK(plain.is_working_day(d("2026-06-05")));  // Grundlovsdag, a Friday
    CHECK(plain.is_working_day(d("2026-12-24")));
    CHECK(plain.is_working_day(d("2026-12-31")));
    CHECK_FALSE(kDenmark.is_working_day(d("2026-12-24")));
    CHECK(*kDenmark.closed_reason(d("2026-12-31")) == "lukkedag");
    const Calendar once(true, {{6, 5, 2026}});
    CHECK_FALSE(once.is_working_day(d("2026-06-05")));
    CHECK(once.is_working_day(d("2025-06-05")));
}

TEST_CASE("holidays can be switched off, leaving weekends", "[calendar]") {
    const Calendar none(false, {});
    CHECK(none.is_working_day(d("2026-04-03")));  // Good Friday
    CHECK_FALSE(none.is_working_day(d("2026-04-04")));
    CHECK(*none.closed_reason(d("2026-04-05")) == "søndag");
}

TEST_CASE("workdays skip the whole Easter week-end", "[calendar][workdays]") {
    // 2026: Maundy Thursday Apr 2, Good Friday Apr 3, Easter Sunday Apr 5, Monday Apr 6.
    CHECK(kDenmark.add_workdays(d("2026-04-01"), 1) == d("2026-04-07"));
    CHECK(kDenmark.add_workdays(d("2026-03-31"), 2) == d("2026-04-07"));
    CHECK(kDenmark.add_workdays(d("2026-04-07"), -1) == d("2026-04-01"));
    CHECK(kDenmark.add_workdays(d("2026-04-01"), 0) == d("2026-04-01"));
    CHECK(kDenmark.next_working_day(d("2026-04-02")) == d("2026-04-07"));
    CHECK(kDenmark.previous_working_day(d("2026-04-06")) == d("2026-04-01"));
}

TEST_CASE("workdays skip Christmas, the closed days and New Year", "[calendar][workdays]") {
    // 2026: Dec 24 (Thu, closed), 25 (Fri), 26-27 weekend, 31 (Thu, closed), Jan 1 (Fri).
    CHECK(kDenmark.add_workdays(d("2026-12-23"), 1) == d("2026-12-28"));
    CHECK(kDenmark.add_workdays(d("2026-12-23"), 4) == d("2027-01-04"));
    CHECK(kDenmark.add_workdays(d("2027-01-04"), -4) == d("2026-12-23"));
    CHECK(kDenmark.add_workdays(d("2027-01-04"), -5) == d("2026-12-22"));
    CHECK(kDenmark.next_working_day(d("2026-12-31")) == d("2027-01-04"));
}

TEST_CASE("workdays across both DST changes count calendar days, not hours", "[calendar][dst]") {
    // DST starts Sunday 2026-03-29 and ends Sunday 2026-10-25; neither changes day counting.
    CHECK(kDenmark.add_workdays(d("2026-03-27"), 1) == d("2026-03-30"));
    CHECK(kDenmark.add_workdays(d("2026-10-23"), 1) == d("2026-10-26"));
    CHECK(kDenmark.add_workdays(d("2026-10-19"), 10) == d("2026-11-02"));
}

TEST_CASE("Easter Sunday is computed for distant years", "[calendar]") {
    CHECK(tilsyn::format_date(tilsyn::easter_sunday(1961)) == "1961-04-02");
    CHECK(tilsyn::format_date(tilsyn::easter_sunday(2000)) == "2000-04-23");
    CHECK(tilsyn::format_date(tilsyn::easter_sunday(2285)) == "2285-03-22");  // earliest possible
    CHECK(tilsyn::format_date(tilsyn::easter_sunday(2038)) == "2038-04-25");  // latest possible
}
