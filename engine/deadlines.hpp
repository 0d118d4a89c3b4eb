// Time as pure functions: when a cycle starts, when each round starts, when a step falls due,
// and when its reminders and escalations go out. Free functions of (timeline, anchors,
// calendar), like croncpp's cron_next: `plan` (engine/planner) and the live engine
// (engine/case_service, engine/scheduler) call the same ones, and
// tests/engine/plan_equals_live_test.cpp proves that they agree.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "engine/calendar.hpp"
#include "engine/civil_time.hpp"
#include "engine/config.hpp"
#include "engine/timeline.hpp"

namespace tilsyn {

/// The start dates of a cycle's periods that fall in [from, to).
std::vector<Date> cycle_starts(const CycleConfig& cycle, Date from, Date to);

/// The start of round `round` (1-based) of an instance that started on `start`.
Date round_start(const Timeline& timeline, Date start, int round, const Calendar& calendar);

/// The instance's current round (1-based) from its "round" anchor; 0 without rounds.
int current_round(const Timeline& timeline, const Anchors& anchors, const Calendar& calendar);

/// The day a step falls due, from the instance's anchors (its start, the day a supervision
/// point was given, the current round's start, and the days earlier steps were completed). A
/// recurring step (its workflow's description says so) falls due `follow_up_every` after its
/// own last completion, the first time after the step before it. An anchor not yet set counts
/// as `today`. nullopt when the timeline does not date the step.
std::optional<Date> step_due(const Timeline& timeline, std::string_view step,
                             const Anchors& anchors, Date today, const Calendar& calendar);

/// When a reminder for a step due on `due` goes out: due + offset, moved back to a working day.
Date reminder_date(Date due, const Offset& offset, const Calendar& calendar);

/// When an escalation level fires: `after` the due date, never before the first working day
/// on which the step is overdue, moved forward to a working day.
Date escalation_date(Date due, const Offset& after, const Calendar& calendar);

/// A reminder or escalation level (1-based, its place in the timeline's list) and its day.
struct Notice {
    int level = 0;
    Date date{};
    friend bool operator==(const Notice&, const Notice&) = default;
};

/// The reminders of a step due on `due` that was armed on `armed_on`: those dated from the
/// arming day up to the day before the due date. A reminder whose day had passed when the
/// step was armed is never sent.
std::vector<Notice> reminder_notices(const Timeline& timeline, Date due, Date armed_on,
                                     const Calendar& calendar);

/// Every escalation level of a step due on `due`.
std::vector<Notice> escalation_notices(const Timeline& timeline, Date due,
                                       const Calendar& calendar);

}  // namespace tilsyn
