// The dry-run plan (`tilsyn plan`): every cycle start, deadline, reminder and escalation the
// configuration produces in a period, assuming every step is completed on its due date.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "engine/calendar.hpp"
#include "engine/civil_time.hpp"
#include "engine/config.hpp"
#include "engine/deadlines.hpp"
#include "engine/time_zone.hpp"

namespace tilsyn {

enum class PlanKind : std::uint8_t { start, due, reminder, escalation };
std::string_view plan_kind_name(PlanKind kind);

/// The dated steps of one cycle instance (one period of one cycle config; the same for every
/// institution it covers).
struct ScheduledStep {
    std::uint16_t step = 0;  // index into the workflow's steps
    std::uint8_t round = 0;  // 1-based round, 0 when the workflow has no rounds
    Date due{};
    Date armed_on{};  // the day the step before it was completed (the start for the first)
};

/// Due dates of every step of a cycle started on `start`, in order.
std::vector<ScheduledStep> schedule_cycle(const CycleConfig& cycle, Date start,
                                          const Calendar& calendar);

/// One dated item of a cycle instance: its start (step 0, kind start), and each step's due date,
/// reminders and escalations, as the plan and the live engine date them.
struct InstanceItem {
    Date date{};
    std::uint16_t step = 0;
    PlanKind kind = PlanKind::due;
    std::uint8_t level = 0;
    std::uint8_t round = 0;
};

/// Calls `sink` for every item of the instance of `cycle` that starts on `start`, in step order.
void visit_instance(const CycleConfig& cycle, Date start, const Calendar& calendar,
                    const std::function<void(const InstanceItem&)>& sink);

struct PlanItem {
    Instant at;
    Date date;
    std::uint32_t institution = 0;  // index into Config::institutions
    std::uint16_t cycle = 0;        // index into Config::cycles
    std::uint16_t step = 0;         // index into the workflow's steps (unused for start)
    PlanKind kind = PlanKind::due;
    std::uint8_t level = 0;  // escalation level (1-based) or reminder index (1-based)
    std::uint8_t round = 0;
};

/// Calls `sink` for every item dated in [from, to), ordered by time, then institution, cycle,
/// round, step, kind and level. Streams: memory does not grow with the number of items. The
/// configuration must have passed check_config_rules.
void visit_plan(const Config& config, const Calendar& calendar, const TimeZone& zone, Date from,
                Date to, const std::function<void(const PlanItem&)>& sink);

/// The same items collected in a vector.
std::vector<PlanItem> make_plan(const Config& config, const Calendar& calendar,
                                const TimeZone& zone, Date from, Date to);

}  // namespace tilsyn
