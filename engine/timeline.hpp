// The timeline a workflow instance started with, snapshotted as JSON into its database row so
// a later configuration change leaves running cycles on their old timeline.
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/calendar.hpp"
#include "engine/config.hpp"

namespace tilsyn {

struct Timeline {
    std::string workflow;  // quality_report, learning_dialogue or supervision
    std::vector<StepTimeline> steps;
    std::vector<Offset> reminders;
    std::vector<EscalationLevel> escalation;
    std::optional<Offset> follow_up_every;  // supervision only
    std::optional<Rounds> rounds;           // learning_dialogue: its steps repeat per round
    std::shared_ptr<Timeline> supervision;  // for cycles whose points open supervision cases

    const StepTimeline* find_step(std::string_view name) const;
};

/// Thrown when a stored snapshot cannot be read back (corrupt row).
class TimelineError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// The timeline of a configured cycle (with its supervision timeline, if any).
Timeline timeline_of(const CycleConfig& cycle);

std::string timeline_to_json(const Timeline& timeline);
Timeline timeline_from_json(std::string_view json);

/// Anchor dates of an instance: "start", "given", "round" (the current round's start) and
/// completed steps.
using Anchors = std::vector<std::pair<std::string, Date>>;
std::string anchors_to_json(const Anchors& anchors);
Anchors anchors_from_json(std::string_view json);
std::optional<Date> find_anchor(const Anchors& anchors, std::string_view name);
void set_anchor(Anchors& anchors, std::string_view name, Date date);

}  // namespace tilsyn
