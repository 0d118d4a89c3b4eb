// Who acts on a step of a cycle, who is reminded of it, and who may send an event: the
// workflow's description says, unless the cycle's configuration names the roles of a step the
// description calls assignable (`by:`; the data package is forvaltningen's by default, the 1:1
// the area chief's). Every room asks here, so the API, the dashboard, the scheduler, the feeds
// and the plan agree.
#pragma once

#include <string_view>
#include <vector>

#include "engine/config.hpp"
#include "engine/role.hpp"
#include "workflows/description.hpp"

namespace tilsyn {

/// The roles that act on `step` in `cycle` (nullptr: a cycle no longer configured).
std::vector<Role> step_actors(const CycleConfig* cycle, const workflows::StepDescription& step);

/// The roles reminded of `step` in `cycle`.
std::vector<Role> step_reminded(const CycleConfig* cycle, const workflows::StepDescription& step);

/// The roles that may send `event` in `cycle`.
std::vector<Role> event_senders(const CycleConfig* cycle, const workflows::EventDescription& event);

/// Who is told of a step the observing institution's leader does (StepDescription::
/// observer_acts), given the roles its reminder or escalation names: the observer's leader in
/// place of the observed institution's leader and board, or the area chief while there is no
/// observer; the other roles as they are, at the observed institution.
struct Addressed {
    const Institution* institution;
    std::vector<Role> roles;
};
std::vector<Addressed> observer_addressing(const Institution& observed, const Institution* observer,
                                           const std::vector<Role>& roles);

/// The same, by the cycle's configured id and the event's name; empty for an unknown event.
std::vector<Role> event_senders(const Config& config, std::string_view cycle_config,
                                std::string_view event);

}  // namespace tilsyn
