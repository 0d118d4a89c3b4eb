#include "engine/civil_time.hpp"

#include <fmt/format.h>

#include <cstdlib>

namespace tilsyn {

namespace {

bool all_digits(std::string_view text) {
    for (char c : text) {
        if (c < '0' || c > '9') return false;
    }
    return !text.empty();
}

int to_int(std::string_view digits) {
    int value = 0;
    for (char c : digits) value = value * 10 + (c - '0');
    return value;
}

}  // namespace

std::optional<Date> parse_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    auto y = text.substr(0, 4), m = text.substr(5, 2), d = text.substr(8, 2);
    if (!all_digits(y) || !all_digits(m) || !all_digits(d)) return std::nullopt;
    std::chrono::year_month_day ymd{std::chrono::year{to_int(y)},
                                    std::chrono::month{static_cast<unsigned>(to_int(m))},
                                    std::chrono::day{static_cast<unsigned>(to_int(d))}};
    if (!ymd.ok()) return std::nullopt;
    return Date{ymd};
}

std::string format_date(Date date) {
    std::chrono::year_month_day ymd{date};
    return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

std::optional<int> parse_clock_time(std::string_view text) {
    if (text.size() != 5 || text[2] != ':') return std::nullopt;
    auto h = text.substr(0, 2), m = text.substr(3, 2);
    if (!all_digits(h) || !all_digits(m)) return std::nullopt;
    int hours = to_int(h), minutes = to_int(m);
    if (hours > 23 || minutes > 59) return std::nullopt;
    return hours * 60 + minutes;
}

std::string format_local_iso(Instant at, std::chrono::seconds utc_offset) {
    auto local = at + utc_offset;
    auto day = std::chrono::floor<std::chrono::days>(local);
    std::chrono::year_month_day ymd{day};
    std::chrono::hh_mm_ss hms{local - day};
    long offset_minutes = utc_offset.count() / 60;
    char sign = offset_minutes < 0 ? '-' : '+';
    offset_minutes = std::labs(offset_minutes);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}",
                       static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                       static_cast<unsigned>(ymd.day()), hms.hours().count(), hms.minutes().count(),
                       hms.seconds().count(), sign, offset_minutes / 60, offset_minutes % 60);
}

std::string format_utc_basic(Instant at) {
    auto day = std::chrono::floor<std::chrono::days>(at);
    std::chrono::year_month_day ymd{day};
    std::chrono::hh_mm_ss hms{at - day};
    return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                       hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

Date add_months(Date date, int months) {
    using namespace std::chrono;
    year_month_day ymd{date};
    year_month ym = year_month{ymd.year(), ymd.month()} + std::chrono::months{months};
    auto last = year_month_day_last{ym.year(), month_day_last{ym.month()}}.day();
    auto d = ymd.day() > last ? last : ymd.day();
    return Date{year_month_day{ym.year(), ym.month(), d}};
}

}  // namespace tilsyn
