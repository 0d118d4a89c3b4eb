#include "adapters/http/labels.hpp"

#include <algorithm>

#include "engine/workflow_catalog.hpp"
#include "workflows/workflow.hpp"

namespace tilsyn::http {

namespace {

// The workflows whose states the filters offer, in this order.
constexpr std::string_view kStateWorkflows[] = {"quality_report", "supervision",
                                                "learning_dialogue"};
constexpr std::string_view kWorkflowFilterNames[] = {"quality_report", "learning_dialogue",
                                                     "supervision"};

}  // namespace

std::vector<std::string> all_state_names() {
    std::vector<std::string> out;
    for (std::string_view workflow : kStateWorkflows) {
        for (auto& name : workflows::state_names(workflow)) {
            if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
        }
    }
    return out;
}

std::span<const std::string_view> workflow_filter_names() { return kWorkflowFilterNames; }

bool is_workflow_filter(std::string_view workflow) {
    return find_workflow(workflow) || workflow == "supervision";
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

constexpr std::pair<std::string_view, std::string_view> kEventLabels[] = {
    {"report_submitted", "Kvalitetsrapport indsendt"},
    {"board_statement_submitted", "Bestyrelsens udtalelse indsendt"},
    {"conversation_scheduled", "Kvalitetssamtale planlagt"},
    {"conversation_held", "Kvalitetssamtale afholdt"},
    {"plan_submitted", "Udviklingsplan indsendt"},
    {"plan_returned", "Udviklingsplan sendt retur"},
    {"plan_approved", "Udviklingsplan godkendt"},
    {"plan_published", "Udviklingsplan offentliggjort"},
    {"cycle_cancelled", "Forløb annulleret"},
    {"cycle_opened", "Forløb startet"},
    {"case_opened", "Tilsynssag åbnet"},
    {"action_plan_submitted", "Handleplan indsendt"},
    {"follow_up_held", "Opfølgning afholdt"},
    {"supervision_resolved", "Tilsynssag afsluttet"},
    {"data_package_published", "Datapakke offentliggjort"},
    {"observation_feedback_submitted", "Observation afgivet"},
    {"learning_conversation_held", "Læringssamtale afholdt"},
    {"one_to_one_held", "1:1-opfølgning afholdt"},
    {"observer_assigned", "Observatør udpeget"},
};

constexpr std::pair<std::string_view, std::string_view> kEventActions[] = {
    {"report_submitted", "Indsend kvalitetsrapport"},
    {"board_statement_submitted", "Indsend bestyrelsens udtalelse"},
    {"conversation_scheduled", "Planlæg kvalitetssamtale"},
    {"conversation_held", "Registrér afholdt kvalitetssamtale"},
    {"plan_submitted", "Indsend udviklingsplan"},
    {"plan_returned", "Send udviklingsplanen retur"},
    {"plan_approved", "Godkend udviklingsplan"},
    {"plan_published", "Registrér offentliggørelse"},
    {"cycle_cancelled", "Annullér forløbet"},
    {"action_plan_submitted", "Indsend handleplan"},
    {"follow_up_held", "Registrér opfølgning"},
    {"supervision_resolved", "Afslut tilsynssagen"},
    {"data_package_published", "Registrér offentliggjort datapakke"},
    {"observer_assigned", "Udpeg observatør"},
    {"observation_feedback_submitted", "Indsend skriftlig feedback"},
    {"learning_conversation_held", "Registrér afholdt læringssamtale"},
    {"one_to_one_held", "Registrér 1:1-opfølgning"},
};

constexpr std::pair<std::string_view, std::string_view> kStateLabels[] = {
    {"ReportInPreparation", "Kvalitetsrapport under udarbejdelse"},
    {"AwaitingBoardStatement", "Afventer bestyrelsens udtalelse"},
    {"AwaitingConversation", "Afventer kvalitetssamtale"},
    {"ConversationScheduled", "Kvalitetssamtale planlagt"},
    {"PlanInPreparation", "Udviklingsplan under udarbejdelse"},
    {"PlanAwaitingApproval", "Udviklingsplan afventer godkendelse"},
    {"AwaitingPublication", "Afventer offentliggørelse"},
    {"Completed", "Afsluttet"},
    {"Cancelled", "Annulleret"},
    {"ActionPlanDue", "Afventer handleplan"},
    {"FollowUp", "Skærpet opfølgning"},
    {"Resolved", "Tilsynssag afsluttet"},
    {"AwaitingDataPackage", "Afventer datapakke"},
    {"AwaitingObservation", "Afventer læringsmiljøobservation"},
    {"AwaitingLearningConversation", "Afventer læringssamtale"},
    {"AwaitingOneToOne", "Afventer 1:1-opfølgning"},
    {"DialogueCompleted", "Læringsdialog afsluttet"},
    {"DialogueCancelled", "Læringsdialog annulleret"},
};

constexpr std::pair<std::string_view, std::string_view> kWorkflowLabels[] = {
    {"quality_report", "Kvalitetsrapport"},
    {"learning_dialogue", "Læringsdialog"},
    {"supervision", "Tilsynssag"},
};

constexpr std::pair<std::string_view, std::string_view> kKindLabels[] = {
    {"school", "Skole"},
    {"daycare", "Dagtilbud"},
    {"youth", "Ungdomsskole og klub"},
};

constexpr std::pair<std::string_view, std::string_view> kRoleLabels[] = {
    {"admin", "Administrator"}, {"director", "Direktør"}, {"area_chief", "Områdechef"},
    {"leader", "Leder"},        {"board", "Bestyrelse"},
};

constexpr std::pair<std::string_view, std::string_view> kFieldLabels[] = {
    {"url", "Link (URL)"},
    {"text", "Tekst"},
    {"assessment", "Samlet vurdering"},
    {"interpretation", "Fortolkning"},
    {"signals_local", "Signaler til det lokale niveau"},
    {"signals_political", "Signaler til det politiske niveau"},
    {"date", "Dato"},
    {"comment", "Kommentar til lederen"},
    {"reason", "Begrundelse"},
    {"note", "Notat"},
    {"development_points", "Udviklingspunkter"},
    {"supervision_points", "Tilsynspunkter"},
    {"start", "Startdato"},
    {"title", "Titel"},
    {"goal", "Mål"},
    {"focus_areas", "Fokusområder"},
    {"observer_institution", "Observerende institution (id)"},
    {"feedback", "Skriftlig feedback"},
};

constexpr std::pair<std::string_view, std::string_view> kGoalLabels[] = {
    {"learning", "Læring"}, {"communities", "Fællesskaber"}, {"wellbeing", "Trivsel"}};
constexpr std::pair<std::string_view, std::string_view> kReasonLabels[] = {
    {"concern", "Bekymring"}, {"law", "Lovgivning"}, {"guidelines", "Retningslinjer"}};

constexpr std::pair<std::string_view, std::string_view> kStatusLabels[] = {
    {"met", "Overholdt"},         {"late", "Overholdt for sent"}, {"closed", "Lukket"},
    {"overdue", "Overskredet"},   {"coming", "Kommende"},         {"sent", "Sendt"},
    {"pending", "Planlagt"},
};

constexpr std::pair<std::string_view, std::string_view> kDeadlineKinds[] = {
    {"due", "Frist"}, {"reminder", "Påmindelse"}, {"escalation", "Eskalering"}};

}  // namespace

std::string_view event_label(std::string_view event) { return lookup(kEventLabels, event); }
std::string_view action_label(std::string_view event) { return lookup(kEventActions, event); }
std::string_view state_label(std::string_view state) { return lookup(kStateLabels, state); }
std::string_view workflow_label(std::string_view workflow) {
    return lookup(kWorkflowLabels, workflow);
}
std::string_view kind_label(std::string_view kind) { return lookup(kKindLabels, kind); }
std::string_view role_label(std::string_view role) { return lookup(kRoleLabels, role); }
std::string_view field_label(std::string_view field) { return lookup(kFieldLabels, field); }
std::string_view goal_label(std::string_view goal) { return lookup(kGoalLabels, goal); }
std::string_view reason_label(std::string_view reason) { return lookup(kReasonLabels, reason); }
std::string_view status_label(std::string_view status) { return lookup(kStatusLabels, status); }
std::string_view deadline_kind_label(std::string_view kind) { return lookup(kDeadlineKinds, kind); }

std::span<const Label> kind_labels() { return kKindLabels; }
std::span<const Label> goal_labels() { return kGoalLabels; }
std::span<const Label> reason_labels() { return kReasonLabels; }

}  // namespace ui

}  // namespace tilsyn::http
