// Calendar dates and instants. A Date is a local calendar date with no zone attached (due dates
// are local dates in the configured zone); an Instant is a point in time (UTC seconds).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tilsyn {

using Date = std::chrono::sys_days;
using Instant = std::chrono::sys_seconds;

/// Parses a strict `YYYY-MM-DD`; nullopt for any other shape or an impossible date (2026-02-30).
std::optional<Date> parse_date(std::string_view text);

/// `YYYY-MM-DD`.
std::string format_date(Date date);

/// Parses `HH:MM` (00:00-23:59) into minutes after midnight.
std::optional<int> parse_clock_time(std::string_view text);

/// `YYYY-MM-DDTHH:MM:SS+HH:MM` for the instant as seen at the given UTC offset.
std::string format_local_iso(Instant at, std::chrono::seconds utc_offset);

/// `YYYYMMDDTHHMMSSZ` (RFC 5545 UTC form).
std::string format_utc_basic(Instant at);

/// Adds calendar months, clamping the day to the end of a shorter month (Jan 31 + 1 month =
/// Feb 28 or 29).
Date add_months(Date date, int months);

}  // namespace tilsyn
