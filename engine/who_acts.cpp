#include "engine/who_acts.hpp"

#include <algorithm>

namespace tilsyn {

namespace {

/// The roles the cycle's config names for an assignable step, or nullptr.
const std::vector<Role>* configured(const CycleConfig* cycle, std::string_view step) {
    if (!cycle) return nullptr;
    for (const auto& timeline : cycle->steps) {
        if (timeline.step == step && !timeline.by.empty()) return &timeline.by;
    }
    return nullptr;
}

/// `defaults` (a step's description), or the roles the cycle's config names for an assignable
/// step in their place; the leader and the board, who only follow such a step (the 1:1 is the
/// leader's), stay.
std::vector<Role> assigned(const CycleConfig* cycle, const workflows::StepDescription& step,
                           const std::vector<Role>& defaults) {
    const auto* roles = step.assignable ? configured(cycle, step.id) : nullptr;
    if (!roles) return defaults;
    std::vector<Role> result = *roles;
    for (Role role : defaults) {
        if ((role == Role::leader || role == Role::board) &&
            std::find(result.begin(), result.end(), role) == result.end()) {
            result.push_back(role);
        }
    }
    return result;
}

}  // namespace

std::vector<Role> step_actors(const CycleConfig* cycle, const workflows::StepDescription& step) {
    return assigned(cycle, step, step.responsible);
}

std::vector<Role> step_reminded(const CycleConfig* cycle, const workflows::StepDescription& step) {
    return assigned(cycle, step, step.reminded);
}

std::vector<Addressed> observer_addressing(const Institution& observed, const Institution* observer,
                                           const std::vector<Role>& roles) {
    std::vector<Role> others;
    bool leader = false;
    for (Role role : roles) {
        if (role == Role::leader || role == Role::board) {
            leader = true;
        } else {
            others.push_back(role);
        }
    }
    if (leader && !observer &&
        std::find(others.begin(), others.end(), Role::area_chief) == others.end()) {
        others.push_back(Role::area_chief);
    }
    std::vector<Addressed> result{{&observed, std::move(others)}};
    if (leader && observer) result.push_back({observer, {Role::leader}});
    return result;
}

std::vector<Role> event_senders(const CycleConfig* cycle,
                                const workflows::EventDescription& event) {
    if (event.acts_on.empty()) return event.senders;
    const auto* roles = configured(cycle, event.acts_on);
    return roles ? *roles : event.senders;
}

std::vector<Role> event_senders(const Config& config, std::string_view cycle_config,
                                std::string_view event) {
    const auto* described = workflows::find_event(event);
    if (!described) return {};
    return event_senders(config.find_cycle(cycle_config), *described);
}

}  // namespace tilsyn
