// What a workflow knows of itself besides its transition table: its steps, its events, the
// notices its transitions send, and its own rules. Each workflow header (quality_report.hpp,
// learning_dialogue.hpp, supervision.hpp) writes its description next to its MSM table; this
// header holds only the shapes and the look-ups, without Boost.MSM, so every room of the
// engine and the adapters can ask. Outside workflows/, no code names a step or an event in a
// branch: it asks these descriptions.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "engine/role.hpp"

namespace tilsyn::workflows {

/// The events the engine records itself: a cycle started, a supervision case opened.
inline constexpr std::string_view kCycleOpenedEvent = "cycle_opened";
inline constexpr std::string_view kCaseOpenedEvent = "case_opened";

/// How a payload field is read and checked (engine/event_payload.cpp). `institution` names a
/// tilbud by its id (forms offer the tilbud by name).
enum class FieldType {
    text,
    date,
    clock_time,  // "HH:MM", 00:00-23:59
    url,
    flag,
    development_points,
    supervision_points,
    focus_areas,
    institution,
    goal,         // an effect goal (kEffectGoals)
    theme,        // a political theme's id (engine/theme.hpp), of the cycle's period and band
    actions,      // a plan's action per point of its conversation: [{"point","action"}]
    assessments,  // earlier points assessed: [{"point","result","note"}]
};

struct FieldDescription {
    std::string_view name;  // the JSON key
    FieldType type = FieldType::text;
    bool required = false;
};

/// What a step asks of the people who act on it, as a week's workload counts it: a task with a
/// deadline, or a meeting of one of these kinds.
enum class StepActivity { task, conversation, observation, one_to_one };

/// A step of a workflow's timeline: what a deadline is for.
struct StepDescription {
    std::string_view id;             // as the YAML timeline and the database name it
    std::string_view title;          // Danish (glossary.md): every screen, mail and feed
    std::vector<Role> responsible;   // who acts on it (their calendar feeds hold it)
    std::vector<Role> reminded;      // who gets its reminders
    bool per_round = false;          // repeats in every round of a workflow with rounds
    bool recurring = false;          // due `follow_up.every` after its own last completion,
                                     // the first time after the step before it
    bool political_on_time = false;  // the political report counts it as on time or late
    bool observer_acts = false;      // the observing institution's leader acts on it and is
                                     // reminded, never the observed institution's
    bool assignable = false;         // a cycle's config may name who acts on it and is
                                     // reminded instead (`by:` beside its due expression)
    StepActivity activity = StepActivity::task;  // what `workload` counts it as
    bool feeds_political_report = false;         // a conversation whose points the political report
                                                 // reads: `check` warns when it falls due after the
                                                 // deadline of the report meant to use it
};

/// An event as people send it (or, with `by_system`, as the engine records it).
struct EventDescription {
    std::string_view id;
    std::string_view title;   // Danish, past tense, for the history ("Udviklingsplan godkendt")
    std::string_view action;  // Danish, for the button that sends it ("Godkend udviklingsplan")
    std::vector<Role> senders;
    std::vector<FieldDescription> fields;
    bool needs_one_text = false;         // at least one of the text fields must be non-empty
    bool by_system = false;              // recorded by the engine (cycle opened), never sent
    bool destructive = false;            // undoes work or ends the cycle: forms ask for care
    bool records_points = false;         // its payload holds the conversation's points (reports)
    bool records_board_signals = false;  // its payload holds the board's signals (reports)
    bool assigns_observer = false;       // names the observing institution (another one; it exists)
    bool from_observer = false;          // sent by the observing institution's leader only
    std::vector<Role> proxies;           // may send it only on another's behalf, saying so
    std::string_view proxy_field;        // with this flag field true (the history shows it)
    std::string_view acts_on;        // the assignable step it does: a cycle's `by:` for that step
                                     // names its senders instead of `senders`
    bool for_many = false;           // may be recorded once for every tilbud of a kind in a round
                                     // (the data package forvaltningen makes per kind)
    bool carries_documents = false;  // documents may be attached to it (engine/documents.hpp)
    std::string_view pins_documents_of;  // the event whose latest documents it pins (approving
                                         // a plan pins the plan's file: what is published)
    bool publishes = false;              // its pinned documents are published (the public page)
    bool withdraws = false;  // ends what the instance published (a cancelled cycle's plan)
};

/// A meeting an event schedules on its payload's `date`, at its `time` (or `default_start`)
/// and `place`, if given: the notice carries an RFC 5546 invitation to it from the organiser,
/// with the notice's recipients as attendees. The meeting keeps one UID per instance and step;
/// sending the event again moves it (a higher SEQUENCE).
struct MeetingDescription {
    std::string_view step;              // the step the meeting is; its title names it
    Role organizer = Role::area_chief;  // who invites, of the institution; replies go to them
    int default_start = 9 * 60;         // minutes after midnight, local time
    int length_minutes = 2 * 60;        // how long it lasts
};

/// Who is told of a transition, and with which mail template (config/templates/<mail>.txt).
struct NotificationDescription {
    std::string_view event;     // the event (or the system event) whose transition sends it
    std::string_view mail;      // template name, e.g. "plan_returned"
    std::vector<Role> to = {};  // of the instance's institution
    bool to_observer = false;   // also the leader of the institution observing it
                                // (CaseService::observer_of), who is no role of the institution
    std::optional<MeetingDescription> meeting = std::nullopt;  // the mail invites to it
};

struct WorkflowDescription {
    std::string_view id;                 // as the YAML's `workflow:` and the database name it
    std::string_view title;              // Danish ("Kvalitetsrapport")
    std::vector<StepDescription> steps;  // in the order they happen
    std::vector<EventDescription> events;
    std::vector<NotificationDescription> notifications;
    bool repeats_in_rounds = false;  // its per-round steps repeat per round (anchor `round`)
    bool is_case = false;  // a supervision case: opened by a supervision point, not by a start
    std::string_view opens_cases;   // the workflow its supervision points open, or empty
    std::string_view points_title;  // Danish heading of the points its conversations give

    const StepDescription* find_step(std::string_view step) const;
    const EventDescription* find_event(std::string_view event) const;
    /// Index of a step in `steps`, or -1.
    int step_index(std::string_view step) const;
};

/// Every workflow the engine knows, each described once.
std::span<const WorkflowDescription* const> all_workflows();

/// The workflow of supervision cases (the one with is_case).
const WorkflowDescription& case_workflow();

/// nullptr for an unknown workflow id.
const WorkflowDescription* find_workflow(std::string_view id);

/// The description of a step of any workflow (step ids are unique across workflows), or nullptr.
const StepDescription* find_step(std::string_view step);

/// The description of an event of any workflow (an event id that two workflows share, such as
/// cycle_cancelled, is described alike in both), or nullptr.
const EventDescription* find_event(std::string_view event);

/// The Danish title of a step, the one every screen, mail and feed shows; the id itself for a
/// step no workflow knows (a timeline of an older version).
std::string_view step_title(std::string_view step);

/// The Danish title of an event for the history; the id itself for an unknown one.
std::string_view event_title(std::string_view event);

/// The Danish title of a workflow; the id itself for an unknown one.
std::string_view workflow_title(std::string_view workflow);

/// The notices of a workflow's event (or system event), in order; empty when none.
std::vector<const NotificationDescription*> notifications_of(std::string_view workflow,
                                                             std::string_view event);

}  // namespace tilsyn::workflows
