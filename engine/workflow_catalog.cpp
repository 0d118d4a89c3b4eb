#include "engine/workflow_catalog.hpp"

namespace tilsyn {

namespace {

const std::vector<StepDefinition> kSupervisionSteps = {
    {"action_plan", "Handleplan", {Role::leader}},
    {"resolution", "Afslutning af tilsynssag", {Role::area_chief}},
};

const std::vector<WorkflowDefinition> kWorkflows = {
    {"quality_report",
     {
         {"quality_report", "Kvalitetsrapport", {Role::leader}},
         {"board_statement", "Bestyrelsens udtalelse", {Role::board, Role::leader}},
         {"quality_conversation", "Kvalitetssamtale", {Role::area_chief, Role::leader}},
         {"development_plan", "Lokal udviklingsplan", {Role::leader}},
         {"plan_approval", "Godkendelse af udviklingsplan", {Role::area_chief}},
         {"publication", "Offentliggørelse af udviklingsplan", {Role::leader}},
     },
     false,
     kSupervisionSteps},
    {"learning_dialogue",
     {
         {"data_package", "Datapakke", {Role::area_chief}},
         {"observation", "Læringsmiljøobservation", {Role::leader}},
         {"learning_conversation", "Læringssamtale", {Role::area_chief, Role::leader}},
         {"one_to_one", "1:1 ledelsesopfølgning", {Role::director, Role::leader}},
     },
     true,
     kSupervisionSteps},
};

}  // namespace

const WorkflowDefinition* find_workflow(std::string_view name) {
    for (const auto& workflow : kWorkflows) {
        if (workflow.name == name) return &workflow;
    }
    return nullptr;
}

std::span<const WorkflowDefinition> all_workflows() { return kWorkflows; }

const StepDefinition* find_step_definition(std::string_view name) {
    for (const auto& workflow : kWorkflows) {
        for (const auto* steps : {&workflow.steps, &workflow.supervision_steps}) {
            for (const auto& step : *steps) {
                if (step.name == name) return &step;
            }
        }
    }
    return nullptr;
}

int step_index(const std::vector<StepDefinition>& steps, std::string_view name) {
    for (std::size_t i = 0; i < steps.size(); ++i) {
        if (steps[i].name == name) return static_cast<int>(i);
    }
    return -1;
}

}  // namespace tilsyn
