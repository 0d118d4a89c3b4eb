#include "adapters/http/labels.hpp"

#include <algorithm>
#include <array>

#include "engine/event_payload.hpp"
#include "workflows/description.hpp"
#include "workflows/workflow.hpp"

namespace tilsyn::http {

std::vector<std::string> all_state_names() {
    std::vector<std::string> out;
    for (const auto* workflow : workflows::all_workflows()) {
        for (auto& name : workflows::state_names(workflow->id)) {
            if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
        }
    }
    return out;
}

std::vector<std::string_view> workflow_filter_names() {
    std::vector<std::string_view> ids;
    for (const auto* workflow : workflows::all_workflows()) ids.push_back(workflow->id);
    return ids;
}

bool is_workflow_filter(std::string_view workflow) {
    return workflows::find_workflow(workflow) != nullptr;
}

namespace ui {

namespace {

template <std::size_t N>
std::string_view lookup(const std::pair<std::string_view, std::string_view> (&table)[N],
                        std::string_view key) {
    for (const auto& [name, label] : table) {
        if (name == key) return label;
    }
    return key;
}

constexpr std::pair<std::string_view, std::string_view> kKindLabels[] = {
    {"school", "Skole"},
    {"daycare", "Dagtilbud"},
    {"youth", "Fritidstilbud"},
};

/// Select-box choices for a vocabulary of ids, with the engine's words for them.
template <std::size_t N>
std::array<Label, N> labelled(const std::array<std::string_view, N>& ids,
                              std::string_view (*title)(std::string_view)) {
    std::array<Label, N> labels;
    for (std::size_t i = 0; i < N; ++i) labels[i] = {ids[i], title(ids[i])};
    return labels;
}

constexpr std::pair<std::string_view, std::string_view> kStatusLabels[] = {
    {"met", "Udført"},    {"late", "Udført efter fristen"}, {"done", "Udført"},
    {"closed", "Lukket"}, {"overdue", "Overskredet"},       {"coming", "Kommende"},
    {"sent", "Sendt"},    {"pending", "Planlagt"},
};

constexpr std::pair<std::string_view, std::string_view> kDeadlineKinds[] = {
    {"due", "Frist"}, {"reminder", "Påmindelse"}, {"escalation", "Eskalering"}};

}  // namespace

// Events, states and workflows are named by their workflow's description.
std::string_view event_label(std::string_view event) { return workflows::event_title(event); }
std::string_view action_label(std::string_view event) {
    const auto* described = workflows::find_event(event);
    return described && !described->action.empty() ? described->action : event;
}
std::string_view state_label(std::string_view state) {
    for (const auto* workflow : workflows::all_workflows()) {
        const std::string_view title = workflows::state_title(workflow->id, state);
        if (title != state) return title;
    }
    return state;
}
std::string_view workflow_label(std::string_view workflow) {
    return workflows::workflow_title(workflow);
}
std::string_view kind_label(std::string_view kind) { return lookup(kKindLabels, kind); }
std::string_view field_label(std::string_view field) { return field_title(field); }
std::string_view goal_label(std::string_view goal) { return goal_title(goal); }
std::string_view reason_label(std::string_view reason) { return reason_title(reason); }
std::string_view status_label(std::string_view status) { return lookup(kStatusLabels, status); }
std::string_view deadline_kind_label(std::string_view kind) { return lookup(kDeadlineKinds, kind); }

std::span<const Label> kind_labels() { return kKindLabels; }
std::span<const Label> goal_labels() {
    static const auto labels = labelled(kEffectGoals, &goal_title);
    return labels;
}
std::span<const Label> result_labels() {
    static const auto labels = labelled(kAssessmentResults, &result_title);
    return labels;
}
std::span<const Label> reason_labels() {
    static const auto labels = labelled(kSupervisionReasons, &reason_title);
    return labels;
}

}  // namespace ui

}  // namespace tilsyn::http
