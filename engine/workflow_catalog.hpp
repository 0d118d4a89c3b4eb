// The workflows the engine knows: few and fixed in code (domain.md), while every timeline is
// configuration. This catalog names each workflow's steps in order and who acts on each, so
// the configuration can be checked and plans and reminders addressed before the state
// machines run.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "engine/config.hpp"

namespace tilsyn {

struct StepDefinition {
    std::string_view name;
    std::string_view danish_title;
    std::vector<Role> responsible;  // who gets reminders for this step
};

struct WorkflowDefinition {
    std::string_view name;
    std::vector<StepDefinition> steps;              // in the order they happen
    bool repeats_in_rounds = false;                 // steps repeat per round (anchor `round`)
    std::vector<StepDefinition> supervision_steps;  // steps of the supervision case it can open
};

/// nullptr for an unknown workflow name.
const WorkflowDefinition* find_workflow(std::string_view name);

std::span<const WorkflowDefinition> all_workflows();

/// The definition of a step of any workflow or supervision case (step names are unique across
/// them), or nullptr.
const StepDefinition* find_step_definition(std::string_view name);

/// Index of a step in the workflow's order, or -1.
int step_index(const std::vector<StepDefinition>& steps, std::string_view name);

}  // namespace tilsyn
