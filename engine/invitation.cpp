#include "engine/invitation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "engine/plan_format.hpp"

namespace tilsyn {

namespace {

using std::chrono::days;
using std::chrono::seconds;

constexpr std::string_view kWeekdayCodes[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};

// A change of a zone's UTC offset.
struct OffsetChange {
    Instant at;  // the first second of the new offset
    seconds from, to;
};

// The zone's offset changes in [from, to): a day at a time, then to the second.
std::vector<OffsetChange> offset_changes(const TimeZone& zone, Instant from, Instant to) {
    std::vector<OffsetChange> changes;
    seconds before = zone.offset_at(from);
    for (Instant day = from + days{1}; day <= to; day += days{1}) {
        const seconds now = zone.offset_at(day);
        if (now == before) continue;
        Instant lo = day - days{1}, hi = day;  // offset_at(lo) == before, offset_at(hi) == now
        while (hi - lo > seconds{1}) {
            const Instant mid = lo + (hi - lo) / 2;
            (zone.offset_at(mid) == before ? lo : hi) = mid;
        }
        if (hi < to) changes.push_back({hi, before, now});
        before = now;
    }
    return changes;
}

// "20261120T090000": a local date and time in RFC 5545's basic form, without a zone.
std::string local_basic(Instant local) {
    std::string text = format_utc_basic(local);
    text.pop_back();  // the 'Z'
    return text;
}

// The wall-clock time at which a change happens, in the offset before it (RFC 5545 §3.6.5:
// an observance's DTSTART is local time in TZOFFSETFROM).
Instant local_onset(const OffsetChange& change) { return change.at + change.from; }

// A yearly rule for a change on the n-th (or last) weekday of its month, as "BYMONTH=3;BYDAY=-1SU".
struct YearlyRule {
    unsigned month = 0;
    int week = 0;  // 1-4, or -1 for the last
    unsigned weekday = 0;
    seconds time_of_day{};

    std::string rrule() const {
        return fmt::format("RRULE:FREQ=YEARLY;BYMONTH={};BYDAY={}{}", month, week,
                           kWeekdayCodes[weekday]);
    }

    // The local onset this rule gives in `year`.
    Instant in_year(int year) const {
        using namespace std::chrono;
        const sys_days first{std::chrono::year{year} / std::chrono::month{month} / 1};
        const unsigned first_wd = std::chrono::weekday{first}.c_encoding();
        sys_days day = first + days{(weekday + 7 - first_wd) % 7};
        if (week > 0) {
            day += days{7 * (week - 1)};
        } else {
            const sys_days last{std::chrono::year{year} / std::chrono::month{month} /
                                std::chrono::last};
            while (day + days{7} <= last) day += days{7};
        }
        return day + time_of_day;
    }
};

YearlyRule rule_of(Instant onset) {
    using namespace std::chrono;
    const sys_days day = floor<days>(onset);
    const year_month_day ymd{day};
    const year_month_day_last last{ymd.year(), month_day_last{ymd.month()}};
    const unsigned d = static_cast<unsigned>(ymd.day());
    YearlyRule rule;
    rule.month = static_cast<unsigned>(ymd.month());
    rule.week = d + 7 > static_cast<unsigned>(last.day()) ? -1 : static_cast<int>((d - 1) / 7 + 1);
    rule.weekday = std::chrono::weekday{day}.c_encoding();
    rule.time_of_day = onset - Instant{day};
    return rule;
}

int year_of(Instant at) {
    return static_cast<int>(std::chrono::year_month_day{std::chrono::floor<days>(at)}.year());
}

Instant new_year(int year) {
    return Instant{std::chrono::sys_days{std::chrono::year{year} / 1 / 1}};
}

void append_observance(std::string& out, const OffsetChange& change, std::string_view rrule) {
    // The change to the smaller offset ends summer time.
    const std::string_view kind = change.to < change.from ? "STANDARD" : "DAYLIGHT";
    out += fold_ics_line(fmt::format("BEGIN:{}", kind));
    out += fold_ics_line("DTSTART:" + local_basic(local_onset(change)));
    out += fold_ics_line("TZOFFSETFROM:" + ics_utc_offset(change.from));
    out += fold_ics_line("TZOFFSETTO:" + ics_utc_offset(change.to));
    if (!rrule.empty()) out += fold_ics_line(rrule);
    out += fold_ics_line(fmt::format("END:{}", kind));
}

// A parameter value (RFC 5545 §3.2): quoted, without the characters a quoted one cannot hold.
std::string param_value(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || (static_cast<unsigned char>(c) < 0x20 && c != '\t')) continue;
        out += c;
    }
    return out + "\"";
}

std::string mailto(std::string_view email) { return fmt::format("mailto:{}", email); }

}  // namespace

std::string ics_utc_offset(seconds offset) {
    const long total = std::labs(static_cast<long>(offset.count()));
    std::string out =
        fmt::format("{}{:02}{:02}", offset.count() < 0 ? '-' : '+', total / 3600, total / 60 % 60);
    if (total % 60 != 0) out += fmt::format("{:02}", total % 60);
    return out;
}

std::string vtimezone_ics(const TimeZone& zone, int year) {
    std::string out = fold_ics_line("BEGIN:VTIMEZONE");
    out += fold_ics_line("TZID:" + zone.name());
    const auto previous = offset_changes(zone, new_year(year - 1), new_year(year));
    const auto current = offset_changes(zone, new_year(year), new_year(year + 1));
    // Yearly rules when this year's changes are last year's, on the same weekday rule.
    bool yearly = !previous.empty() && previous.size() == current.size();
    for (std::size_t i = 0; yearly && i < previous.size(); ++i) {
        yearly = previous[i].from == current[i].from && previous[i].to == current[i].to &&
                 rule_of(local_onset(previous[i])).in_year(year) == local_onset(current[i]);
    }
    if (yearly) {
        for (const auto& change : previous) {
            append_observance(out, change, rule_of(local_onset(change)).rrule());
        }
    } else {
        // The offset in force before these changes, then each change on its own.
        const seconds base = zone.offset_at(new_year(year - 1));
        out += fold_ics_line("BEGIN:STANDARD");
        out += fold_ics_line("DTSTART:19700101T000000");
        out += fold_ics_line("TZOFFSETFROM:" + ics_utc_offset(base));
        out += fold_ics_line("TZOFFSETTO:" + ics_utc_offset(base));
        out += fold_ics_line("END:STANDARD");
        for (const auto* changes : {&previous, &current}) {
            for (const auto& change : *changes) append_observance(out, change, {});
        }
    }
    out += fold_ics_line("END:VTIMEZONE");
    return out;
}

std::string url_host(std::string_view url, std::string_view fallback) {
    if (auto scheme = url.find("://"); scheme != std::string_view::npos) {
        url.remove_prefix(scheme + 3);
    }
    url = url.substr(0, url.find_first_of("/?#"));
    if (auto at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
    if (url.starts_with('[')) {
        url = url.substr(0, url.find(']') + 1);  // an IPv6 literal keeps its colons
    } else {
        url = url.substr(0, url.find(':'));
    }
    return url.empty() ? std::string(fallback) : std::string(url);
}

std::string invitation_ics(const MeetingInvitation& invitation, const TimeZone& zone) {
    auto line = [](std::string& out, std::string_view content) { out += fold_ics_line(content); };
    const Instant start = Instant{invitation.date} + std::chrono::minutes{invitation.start_minutes};
    const Instant end = start + std::chrono::minutes{invitation.length_minutes};
    std::string out;
    line(out, "BEGIN:VCALENDAR");
    line(out, "VERSION:2.0");
    line(out, "PRODID:-//Tilsyn//Tilsyn//DA");
    line(out, "CALSCALE:GREGORIAN");
    line(out, "METHOD:REQUEST");
    out += vtimezone_ics(zone, year_of(start));
    line(out, "BEGIN:VEVENT");
    line(out, "UID:" + escape_ics_text(invitation.uid));
    line(out, fmt::format("SEQUENCE:{}", invitation.sequence));
    line(out, "DTSTAMP:" + format_utc_basic(invitation.stamp));
    line(out, fmt::format("DTSTART;TZID={}:{}", zone.name(), local_basic(start)));
    line(out, fmt::format("DTEND;TZID={}:{}", zone.name(), local_basic(end)));
    line(out, "SUMMARY;LANGUAGE=da:" + escape_ics_text(invitation.summary));
    if (!invitation.location.empty()) {
        line(out, "LOCATION;LANGUAGE=da:" + escape_ics_text(invitation.location));
    }
    if (!invitation.description.empty()) {
        line(out, "DESCRIPTION;LANGUAGE=da:" + escape_ics_text(invitation.description));
    }
    std::string organizer = "ORGANIZER";
    if (!invitation.organizer.name.empty()) {
        organizer += ";CN=" + param_value(invitation.organizer.name);
    }
    if (!invitation.sent_by.empty()) {
        organizer += ";SENT-BY=" + param_value(mailto(invitation.sent_by));
    }
    line(out, organizer + ":" + mailto(invitation.organizer.email));
    for (const auto& attendee : invitation.attendees) {
        std::string text =
            "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE";
        if (!attendee.name.empty()) text += ";CN=" + param_value(attendee.name);
        line(out, text + ":" + mailto(attendee.email));
    }
    line(out, "STATUS:CONFIRMED");
    line(out, "TRANSP:OPAQUE");
    line(out, "END:VEVENT");
    line(out, "END:VCALENDAR");
    return out;
}

}  // namespace tilsyn
