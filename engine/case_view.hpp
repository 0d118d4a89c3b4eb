// Read models of the workflow instances: what `status`, the HTTP API and the dashboard show.
// One place decides what "overdue", "sharpened follow-up" and a deadline's status mean, and
// which instances a caller may see.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/case_service.hpp"
#include "engine/continuity.hpp"
#include "engine/store.hpp"
#include "engine/theme.hpp"

namespace tilsyn {

/// A workflow instance as listed: the store's row plus what the engine concludes from it.
struct CycleSummary {
    CycleStatusRow row;
    std::string kind;          // the institution's kind (school, daycare, youth)
    std::string current_step;  // the step the state waits for; empty when final
    bool final = false;
    bool overdue = false;    // the next deadline has passed (from the day after it)
    bool sharpened = false;  // the institution has an open supervision case
    bool observing = false;  // another tilbud's dialogue that the asking leader's institution
                             // observes: listed while it waits for the observation (the
                             // observer's task), and so shown on its page
    /// Who acts on the current step (who_acts.hpp): the people the configuration names for its
    /// roles at the tilbud, the observing tilbud's leader for an observer's step. Empty when
    /// final.
    std::vector<Person> responsible;
    bool awaits_actor = false;  // the asking actor is among those who act on the current step
};

struct CycleFilter {
    std::string area;
    std::string institution;
    std::string state;
    std::string kind;      // institution kind
    std::string workflow;  // quality_report, learning_dialogue, supervision
    std::string step;      // the current step
    std::string name;      // a part of the tilbud's name, in any case (search_folded)
    bool overdue_only = false;
    bool include_final = false;
};

/// `text` for a search that ignores case: A-Z and Latin-1's capitals (Æ Ø Å …) made small.
std::string search_folded(std::string_view text);

/// Whether a listed instance passes `filter` (final ones only with include_final or a state).
bool matches(const CycleSummary& summary, const CycleFilter& filter);

/// Instances matching `filter` that `actor` may see (nullptr: everything), institutions under
/// sharpened follow-up first, then overdue ones, then by next deadline. A leader also gets the
/// dialogues its institution observes while they wait for the observation (`observing`).
std::vector<CycleSummary> list_cycles(Store& store, const CaseService& cases,
                                      const CycleFilter& filter, const Actor* actor, Date today);

/// A deadline as the timeline shows it.
struct DeadlineView {
    DeadlineRecord deadline;
    /// "due" rows: "met" (done on or before the due date), "late" (done after it), "done" (done,
    /// an earlier time of a step done again: its date is not kept), "closed" (closed without
    /// the step being completed), "overdue" or "coming".
    /// Reminders and escalations: "sent" or "pending" (or "closed" when no longer needed).
    std::string status;
    std::optional<Date> completed_on;  // for a completed step
};

/// A tilbud as a choice in a form: its id (what the form sends) and its name (what people read).
struct InstitutionChoice {
    std::string id;
    std::string name;
};

struct CycleDetail {
    CycleSummary summary;
    int round = 0;  // the round of the step the state waits for (workflows with rounds)
    std::vector<std::string> allowed_events;  // in the current state, for any role
    std::vector<std::string> actor_events;    // of those, the ones the asking actor may send
    std::vector<DeadlineView> deadlines;
    std::vector<EventRecord> history;       // the audit events of the instance, in order
    std::vector<StoredDocument> documents;  // attached to its events, by event then position
    std::vector<CycleRecord> cases;         // supervision cases opened from it
    std::vector<std::string> case_points;   // the title of the point that opened each case
    InstitutionChoice observer;             // the observing tilbud, when one is named
    std::vector<InstitutionChoice> observer_choices;  // when the actor may name the observer
    std::string development_points = "[]";  // JSON arrays, from the last conversation held
    std::string supervision_points = "[]";
    std::vector<ThemeRecord> themes;               // every theme recorded (the history names them)
    std::vector<InstitutionChoice> theme_choices;  // the published themes of the cycle's period
                                                   // and age band, as forms offer them
    Continuity continuity;  // the tilbud's earlier points and observation feedback (not cases)
    std::vector<EarlierPoint> plan_points;  // the last conversation's points a plan answers
    DocumentSettings document_settings;     // the types and limits its forms offer
    /// The events whose documents become public, with the event that publishes them (a plan's
    /// files once it is approved; an action plan's once the case is resolved, when cases are
    /// published): their forms say so before anything is attached.
    std::vector<std::pair<std::string, std::string>> published_by;
};

/// Everything about one instance, or nullopt when it does not exist or `actor` may not see it
/// (the API answers both with 404).
std::optional<CycleDetail> cycle_detail(Store& store, const CaseService& cases, std::string_view id,
                                        const Actor* actor, Date today);

/// What a person reads when a tilbud does not exist or is outside their reach (the same).
inline constexpr std::string_view kInstitutionNotFoundMessage =
    "Tilbuddet findes ikke, eller du har ikke adgang til det.";

/// Everything about one tilbud (the dashboard's institution page): its cycles and the
/// supervision cases they opened, each as cycle_detail gives it, by start date with a case
/// after the cycle that opened it.
struct InstitutionView {
    const Institution* institution = nullptr;  // from the configuration
    std::vector<CycleDetail> cycles;
};

/// The tilbud `id`, or nullopt when the configuration has no such tilbud or `actor` may not
/// see it (an observer reaches the dialogue it observes, not the tilbud).
std::optional<InstitutionView> institution_view(Store& store, const CaseService& cases,
                                                std::string_view id, const Actor* actor,
                                                Date today);

}  // namespace tilsyn
