// IANA time zones from TZif data (RFC 8536), without global TZ state, so conversions are
// thread-safe and testable. Reading the zoneinfo file is the caller's business.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/civil_time.hpp"

namespace tilsyn {

class TimeZone {
  public:
    /// UTC, for tests and as a fallback.
    static TimeZone utc();

    /// Builds a zone from the bytes of a TZif file (versions 1-4). Returns nullopt and sets
    /// `error` when the data is not TZif.
    static std::optional<TimeZone> from_tzif(std::string name, std::string_view bytes,
                                             std::string* error);

    const std::string& name() const { return name_; }

    /// The UTC offset in force at an instant.
    std::chrono::seconds offset_at(Instant at) const;

    /// The instant of a local wall-clock time on a local date. A time in a spring-forward gap
    /// moves forward by the gap; an ambiguous autumn time takes the first (summer-time) one.
    Instant to_instant(Date date, std::chrono::seconds wall_time) const;

  private:
    struct Transition {
        std::int64_t at;      // UTC seconds
        std::int32_t offset;  // seconds east of UTC from then on
    };
    struct PosixRule {
        std::int32_t std_offset = 0;
        std::int32_t dst_offset = 0;
        bool has_dst = false;
        // Mm.w.d rules; seconds after local midnight of the transition day (local time then).
        int start_month = 0, start_week = 0, start_weekday = 0;
        std::int32_t start_time = 7200;
        int end_month = 0, end_week = 0, end_weekday = 0;
        std::int32_t end_time = 7200;
    };

    std::int32_t rule_offset_at(std::int64_t utc) const;

    std::string name_;
    std::vector<Transition> transitions_;
    std::int32_t initial_offset_ = 0;
    std::optional<PosixRule> rule_;
};

}  // namespace tilsyn
