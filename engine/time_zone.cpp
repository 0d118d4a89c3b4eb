#include "engine/time_zone.hpp"

#include <algorithm>
#include <cctype>

namespace tilsyn {

namespace {

constexpr std::int64_t kDay = 86400;

std::int64_t read_be(std::string_view bytes, std::size_t at, int width) {
    std::uint64_t value = 0;
    for (int i = 0; i < width; ++i)
        value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
    if (width == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(value));
    return static_cast<std::int64_t>(value);
}

struct Header {
    std::int64_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
    std::size_t data_size(int time_width) const {
        return static_cast<std::size_t>(timecnt * time_width + timecnt + typecnt * 6 + charcnt +
                                        leapcnt * (time_width + 4) + isstdcnt + isutcnt);
    }
};

bool read_header(std::string_view bytes, std::size_t at, Header& h) {
    if (bytes.size() < at + 44 || bytes.substr(at, 4) != "TZif") return false;
    h.isutcnt = read_be(bytes, at + 20, 4);
    h.isstdcnt = read_be(bytes, at + 24, 4);
    h.leapcnt = read_be(bytes, at + 28, 4);
    h.timecnt = read_be(bytes, at + 32, 4);
    h.typecnt = read_be(bytes, at + 36, 4);
    h.charcnt = read_be(bytes, at + 40, 4);
    return h.typecnt > 0 && h.timecnt >= 0 && h.charcnt >= 0 && h.leapcnt >= 0;
}

// Parses [+-]hh[:mm[:ss]] into seconds.
bool parse_hms(std::string_view s, std::size_t& i, std::int32_t& out) {
    int sign = 1;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) sign = s[i++] == '-' ? -1 : 1;
    std::int32_t parts[3] = {0, 0, 0};
    for (int p = 0; p < 3; ++p) {
        if (p > 0) {
            if (i >= s.size() || s[i] != ':') break;
            ++i;
        }
        if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
            parts[p] = parts[p] * 10 + (s[i++] - '0');
    }
    out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
    return true;
}

bool skip_name(std::string_view s, std::size_t& i) {
    if (i < s.size() && s[i] == '<') {
        auto end = s.find('>', i);
        if (end == std::string_view::npos) return false;
        i = end + 1;
        return true;
    }
    std::size_t begin = i;
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
    return i - begin >= 3;
}

bool parse_mwd(std::string_view s, std::size_t& i, int& month, int& week, int& weekday,
               std::int32_t& time) {
    if (i >= s.size() || s[i] != 'M') return false;  // Jn and n forms are not used by IANA zones
    ++i;
    int values[3] = {0, 0, 0};
    for (int p = 0; p < 3; ++p) {
        if (p > 0) {
            if (i >= s.size() || s[i] != '.') return false;
            ++i;
        }
        if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
            values[p] = values[p] * 10 + (s[i++] - '0');
    }
    month = values[0];
    week = values[1];
    weekday = values[2];
    time = 7200;
    if (i < s.size() && s[i] == '/') {
        ++i;
        if (!parse_hms(s, i, time)) return false;
    }
    return month >= 1 && month <= 12 && week >= 1 && week <= 5 && weekday <= 6;
}

// Local midnight (as days since epoch) of the w-th `weekday` of a month (w = 5: the last).
std::int64_t mwd_day(int year, int month, int week, int weekday) {
    using namespace std::chrono;
    sys_days first{std::chrono::year{year} / std::chrono::month{static_cast<unsigned>(month)} / 1};
    int first_wd = static_cast<int>(std::chrono::weekday{first}.c_encoding());
    int day = 1 + (weekday - first_wd + 7) % 7 + (week - 1) * 7;
    auto last = static_cast<int>(static_cast<unsigned>(year_month_day_last{
        std::chrono::year{year}, month_day_last{std::chrono::month{static_cast<unsigned>(
                                     month)}}}.day()));
    while (day > last) day -= 7;
    return (first.time_since_epoch().count()) + day - 1;
}

}  // namespace

TimeZone TimeZone::utc() {
    TimeZone zone;
    zone.name_ = "UTC";
    return zone;
}

std::optional<TimeZone> TimeZone::from_tzif(std::string name, std::string_view bytes,
                                            std::string* error) {
    auto fail = [&](const char* why) -> std::optional<TimeZone> {
        if (error) *error = why;
        return std::nullopt;
    };
    Header h{};
    if (!read_header(bytes, 0, h)) return fail("not a TZif time zone file");
    char version = bytes[4];
    std::size_t at = 44;
    int width = 4;
    if (version >= '2') {
        at += h.data_size(4);
        if (!read_header(bytes, at, h)) return fail("truncated TZif file");
        at += 44;
        width = 8;
    }
    if (bytes.size() < at + h.data_size(width)) return fail("truncated TZif file");

    std::vector<std::int64_t> times(h.timecnt);
    for (std::int64_t i = 0; i < h.timecnt; ++i) times[i] = read_be(bytes, at + i * width, width);
    std::size_t idx_at = at + h.timecnt * width;
    std::size_t types_at = idx_at + h.timecnt;
    std::vector<std::int32_t> offsets(h.typecnt);
    for (std::int64_t t = 0; t < h.typecnt; ++t)
        offsets[t] = static_cast<std::int32_t>(read_be(bytes, types_at + t * 6, 4));

    TimeZone zone;
    zone.name_ = std::move(name);
    zone.initial_offset_ = offsets[0];
    for (std::int64_t i = 0; i < h.timecnt; ++i) {
        auto type = static_cast<unsigned char>(bytes[idx_at + i]);
        if (type >= offsets.size()) return fail("corrupt TZif transition");
        zone.transitions_.push_back({times[i], offsets[type]});
    }

    if (width == 8) {
        std::size_t footer = at + h.data_size(8);
        if (footer < bytes.size() && bytes[footer] == '\n') {
            auto end = bytes.find('\n', footer + 1);
            std::string_view tz =
                bytes.substr(footer + 1, end == std::string_view::npos ? std::string_view::npos
                                                                       : end - footer - 1);
            PosixRule rule;
            std::size_t i = 0;
            std::int32_t std_west = 0;
            bool ok = skip_name(tz, i) && parse_hms(tz, i, std_west);
            if (ok) {
                rule.std_offset = -std_west;
                rule.dst_offset = rule.std_offset + 3600;
                if (i < tz.size()) {
                    rule.has_dst = skip_name(tz, i);
                    if (rule.has_dst && i < tz.size() && tz[i] != ',') {
                        std::int32_t dst_west = 0;
                        ok = parse_hms(tz, i, dst_west);
                        rule.dst_offset = -dst_west;
                    }
                    ok = ok && rule.has_dst && i < tz.size() && tz[i++] == ',' &&
                         parse_mwd(tz, i, rule.start_month, rule.start_week, rule.start_weekday,
                                   rule.start_time) &&
                         i < tz.size() && tz[i++] == ',' &&
                         parse_mwd(tz, i, rule.end_month, rule.end_week, rule.end_weekday,
                                   rule.end_time);
                }
            }
            if (ok) zone.rule_ = rule;
        }
    }
    return zone;
}

std::int32_t TimeZone::rule_offset_at(std::int64_t utc) const {
    const PosixRule& r = *rule_;
    if (!r.has_dst) return r.std_offset;
    auto local_day = (utc + r.std_offset) / kDay - ((utc + r.std_offset) % kDay < 0 ? 1 : 0);
    int year = static_cast<int>(
        std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{local_day}}}.year());
    std::int64_t start = mwd_day(year, r.start_month, r.start_week, r.start_weekday) * kDay +
                         r.start_time - r.std_offset;
    std::int64_t end =
        mwd_day(year, r.end_month, r.end_week, r.end_weekday) * kDay + r.end_time - r.dst_offset;
    bool dst = start < end ? (utc >= start && utc < end) : (utc < end || utc >= start);
    return dst ? r.dst_offset : r.std_offset;
}

std::chrono::seconds TimeZone::offset_at(Instant at) const {
    std::int64_t t = at.time_since_epoch().count();
    if (transitions_.empty() || t < transitions_.front().at) {
        if (transitions_.empty() && rule_) return std::chrono::seconds{rule_offset_at(t)};
        return std::chrono::seconds{initial_offset_};
    }
    if (rule_ && t >= transitions_.back().at) return std::chrono::seconds{rule_offset_at(t)};
    auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t,
                               [](std::int64_t v, const Transition& tr) { return v < tr.at; });
    return std::chrono::seconds{std::prev(it)->offset};
}

Instant TimeZone::to_instant(Date date, std::chrono::seconds wall_time) const {
    const Instant local{date.time_since_epoch() + wall_time};
    const auto before = offset_at(local - std::chrono::days{1});
    const auto after = offset_at(local + std::chrono::days{1});
    const Instant with_before = local - before, with_after = local - after;
    const bool before_ok = offset_at(with_before) == before;
    const bool after_ok = offset_at(with_after) == after;
    if (before_ok && after_ok) return std::min(with_before, with_after);
    if (after_ok) return with_after;
    return with_before;  // valid, or in a gap: the pre-transition offset moves it forward
}

}  // namespace tilsyn
