#include "engine/calendar.hpp"

#include <algorithm>

namespace tilsyn {

namespace {

using std::chrono::days;

constexpr std::string_view kNewYear = "Nytårsdag";
constexpr std::string_view kMaundyThursday = "Skærtorsdag";
constexpr std::string_view kGoodFriday = "Langfredag";
constexpr std::string_view kEasterSunday = "Påskedag";
constexpr std::string_view kEasterMonday = "2. påskedag";
constexpr std::string_view kGreatPrayerDay = "Store bededag";
constexpr std::string_view kAscension = "Kristi himmelfartsdag";
constexpr std::string_view kWhitSunday = "Pinsedag";
constexpr std::string_view kWhitMonday = "2. pinsedag";
constexpr std::string_view kChristmasDay = "Juledag";
constexpr std::string_view kBoxingDay = "2. juledag";

// Store Bededag was abolished by law from 2024 on.
constexpr int kLastGreatPrayerDayYear = 2023;

Date ymd(int y, unsigned m, unsigned d) {
    return Date{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

// The holiday falling on `date`, if any. Easter-relative holidays are compared by their offset
// from Easter Sunday so no table is needed.
std::optional<std::string_view> danish_holiday(Date date) {
    std::chrono::year_month_day d{date};
    unsigned m = static_cast<unsigned>(d.month()), day = static_cast<unsigned>(d.day());
    if (m == 1 && day == 1) return kNewYear;
    if (m == 12 && day == 25) return kChristmasDay;
    if (m == 12 && day == 26) return kBoxingDay;
    if (m < 3 || m > 6) return std::nullopt;  // Easter-relative holidays: Mar 19 .. Jun 14
    int year = static_cast<int>(d.year());
    auto offset = (date - easter_sunday(year)).count();
    switch (offset) {
        case -3:
            return kMaundyThursday;
        case -2:
            return kGoodFriday;
        case 0:
            return kEasterSunday;
        case 1:
            return kEasterMonday;
        case 26:
            if (year <= kLastGreatPrayerDayYear) return kGreatPrayerDay;
            return std::nullopt;
        case 39:
            return kAscension;
        case 49:
            return kWhitSunday;
        case 50:
            return kWhitMonday;
        default:
            return std::nullopt;
    }
}

}  // namespace

Date easter_sunday(int year) {
    // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
    int a = year % 19, b = year / 100, c = year % 100;
    int d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
    int h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4, k = c % 4;
    int l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31;
    int day = ((h + l - 7 * m + 114) % 31) + 1;
    return ymd(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

std::vector<std::pair<Date, std::string_view>> danish_public_holidays(int year) {
    Date easter = easter_sunday(year);
    std::vector<std::pair<Date, std::string_view>> result{
        {ymd(year, 1, 1), kNewYear},       {easter - days{3}, kMaundyThursday},
        {easter - days{2}, kGoodFriday},   {easter, kEasterSunday},
        {easter + days{1}, kEasterMonday},
    };
    if (year <= kLastGreatPrayerDayYear) result.emplace_back(easter + days{26}, kGreatPrayerDay);
    result.emplace_back(easter + days{39}, kAscension);
    result.emplace_back(easter + days{49}, kWhitSunday);
    result.emplace_back(easter + days{50}, kWhitMonday);
    result.emplace_back(ymd(year, 12, 25), kChristmasDay);
    result.emplace_back(ymd(year, 12, 26), kBoxingDay);
    return result;
}

Calendar::Calendar(bool danish_holidays, std::vector<ClosedDay> closed_days)
    : danish_holidays_(danish_holidays), closed_days_(std::move(closed_days)) {}

std::optional<std::string_view> Calendar::closed_reason(Date date) const {
    std::chrono::weekday wd{date};
    if (wd == std::chrono::Saturday) return "lørdag";
    if (wd == std::chrono::Sunday) return "søndag";
    if (danish_holidays_) {
        if (auto name = danish_holiday(date)) return name;
    }
    if (!closed_days_.empty()) {
        std::chrono::year_month_day d{date};
        int y = static_cast<int>(d.year());
        int m = static_cast<int>(static_cast<unsigned>(d.month()));
        int day = static_cast<int>(static_cast<unsigned>(d.day()));
        for (const auto& closed : closed_days_) {
            if (closed.month == m && closed.day == day && (!closed.year || *closed.year == y)) {
                return "lukkedag";
            }
        }
    }
    return std::nullopt;
}

bool Calendar::is_working_day(Date date) const { return !closed_reason(date).has_value(); }

Date Calendar::next_working_day(Date date) const {
    while (!is_working_day(date)) date += days{1};
    return date;
}

Date Calendar::previous_working_day(Date date) const {
    while (!is_working_day(date)) date -= days{1};
    return date;
}

Date Calendar::add_workdays(Date date, int n) const {
    const days step{n < 0 ? -1 : 1};
    for (int remaining = std::abs(n); remaining > 0;) {
        date += step;
        if (is_working_day(date)) --remaining;
    }
    return date;
}

}  // namespace tilsyn
