// The quality report cycle (domain.md workflow 1) as a Boost.MSM front-end: events, states,
// guards and actions declared above one transition table. Only workflows/machines.cpp
// instantiates the back-end; everything else uses workflows/workflow.hpp.
//
// Actions do not touch the world: they append the effects the case service must carry out
// (close deadlines, arm the next step, open supervision cases) to the machine's `effects_`.
#pragma once

#include <boost/mpl/vector.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>
#include <boost/msm/front/states.hpp>
#include <string>
#include <utility>
#include <vector>

#include "workflows/description.hpp"
#include "workflows/front_support.hpp"
#include "workflows/workflow.hpp"

namespace tilsyn::workflows::qr_events {

// clang-format off
struct report_submitted          { static constexpr const char* name = "report_submitted";          EventFacts facts; };
struct board_statement_submitted { static constexpr const char* name = "board_statement_submitted"; EventFacts facts; };
struct board_statement_missing   { static constexpr const char* name = "board_statement_missing";   EventFacts facts; };
struct conversation_scheduled    { static constexpr const char* name = "conversation_scheduled";    EventFacts facts; };
struct conversation_held         { static constexpr const char* name = "conversation_held";         EventFacts facts; };
struct plan_submitted            { static constexpr const char* name = "plan_submitted";            EventFacts facts; };
struct plan_returned             { static constexpr const char* name = "plan_returned";             EventFacts facts; };
struct plan_approved             { static constexpr const char* name = "plan_approved";             EventFacts facts; };
struct plan_published            { static constexpr const char* name = "plan_published";            EventFacts facts; };
struct cycle_cancelled           { static constexpr const char* name = "cycle_cancelled";           EventFacts facts; };
// clang-format on

}  // namespace tilsyn::workflows::qr_events

namespace tilsyn::workflows::qr {

// States: `name` is what the database stores (never rename one); `step` is the timeline step
// the state waits for, empty in a final state; `title` is what people read (Danish). No entry
// or exit actions: a machine is restored to a state by name without running any.
// clang-format off
struct ReportInPreparation    : boost::msm::front::state<> { static constexpr const char* name = "ReportInPreparation";    static constexpr const char* step = "quality_report";  static constexpr const char* title = "Kvalitetsrapport under udarbejdelse"; };
struct AwaitingBoardStatement : boost::msm::front::state<> { static constexpr const char* name = "AwaitingBoardStatement"; static constexpr const char* step = "board_statement";  static constexpr const char* title = "Afventer bestyrelsens udtalelse"; };
struct AwaitingConversation   : boost::msm::front::state<> { static constexpr const char* name = "AwaitingConversation";   static constexpr const char* step = "quality_conversation";  static constexpr const char* title = "Afventer kvalitetssamtale"; };
struct ConversationScheduled  : boost::msm::front::state<> { static constexpr const char* name = "ConversationScheduled";  static constexpr const char* step = "quality_conversation";  static constexpr const char* title = "Kvalitetssamtale planlagt"; };
struct PlanInPreparation      : boost::msm::front::state<> { static constexpr const char* name = "PlanInPreparation";      static constexpr const char* step = "development_plan";  static constexpr const char* title = "Udviklingsplan under udarbejdelse"; };
struct PlanAwaitingApproval   : boost::msm::front::state<> { static constexpr const char* name = "PlanAwaitingApproval";   static constexpr const char* step = "plan_approval";  static constexpr const char* title = "Udviklingsplan afventer godkendelse"; };
struct AwaitingPublication    : boost::msm::front::state<> { static constexpr const char* name = "AwaitingPublication";    static constexpr const char* step = "publication";  static constexpr const char* title = "Afventer offentliggørelse"; };
struct Completed              : boost::msm::front::state<> { static constexpr const char* name = "Completed";              static constexpr const char* step = "";  static constexpr const char* title = "Afsluttet"; };
struct Cancelled              : boost::msm::front::state<> { static constexpr const char* name = "Cancelled";              static constexpr const char* step = "";  static constexpr const char* title = "Annulleret"; };
// clang-format on

// Guards.

/// The conversation gave at least one development point (domain.md: "one or more").
struct has_development_point {
    template <class Event, class Fsm, class Source, class Target>
    bool operator()(const Event& event, Fsm&, Source&, Target&) const {
        return event.facts.development_points > 0;
    }
};

// Actions: each appends, in order, the effects written in its comment.

/// complete(quality_report), arm(board_statement)
struct submit_report {
    template <class Event, class Fsm, class Source, class Target>
    void operator()(const Event&, Fsm& fsm, Source&, Target&) const {
        detail::emit(fsm, Effect::Kind::complete, "quality_report");
        detail::emit(fsm, Effect::Kind::arm, "board_statement");
    }
};

/// close(board_statement), arm(quality_conversation): the area chief records that the board
/// gave no statement, so the cycle goes on
struct skip_board_statement {
    template <class Event, class Fsm, class Source, class Target>
    void operator()(const Event&, Fsm& fsm, Source&, Target&) const {
        detail::emit(fsm, Effect::Kind::close, "board_statement");
        detail::emit(fsm, Effect::Kind::arm, "quality_conversation");
    }
};

/// complete(board_statement), arm(quality_conversation)
struct submit_board_statement {
    template <class Event, class Fsm, class Source, class Target>
    void operator()(const Event&, Fsm& fsm, Source&, Target&) const {
        detail::emit(fsm, Effect::Kind::complete, "board_statement");
        detail::emit(fsm, Effect::Kind::arm, "quality_conversation");
    }
};

/// complete(quality_conversation), open_cases (only when the conversation gave supervision
/// points: each one opens a supervision case), arm(development_plan)
struct hold_conversation {
    template <class Event, class Fsm, class Source, class Target>
    void operator()(const Event& event, Fsm& fsm, Source&, Target&) const {
        detail::emit(fsm, Effect::Kind::complete, "quality_conversation");
        if (event.facts.supervision_points > 0) detail::emit(fsm, Effect::Kind::open_cases);
        detail::emit(fsm, Effect::Kind::arm, "development_plan");
    }
};

/// complete(development_plan), arm(plan_approval)
struct submit_plan {
    template <class Event, class Fsm, class Source, class Target>
    void operator()(const Event&, Fsm& fsm, Source&, Target&) const {
        detail::emit(fsm, Effect::Kind::complete, "development_plan");
        detail::emit(fsm, Effect::Kind::arm, "plan_approval");
    }
};

/// close(plan_approval), revise(development_plan)
struct return_plan {
    template <class Event, class Fsm, class Source, class Target>
    void operator()(const Event&, Fsm& fsm, Source&, Target&) const {
        detail::emit(fsm, Effect::Kind::close, "plan_approval");
        detail::emit(fsm, Effect::Kind::revise, "development_plan");
    }
};

/// complete(plan_approval), arm(publication)
struct approve_plan {
    template <class Event, class Fsm, class Source, class Target>
    void operator()(const Event&, Fsm& fsm, Source&, Target&) const {
        detail::emit(fsm, Effect::Kind::complete, "plan_approval");
        detail::emit(fsm, Effect::Kind::arm, "publication");
    }
};

/// complete(publication), close_all
struct publish_plan {
    template <class Event, class Fsm, class Source, class Target>
    void operator()(const Event&, Fsm& fsm, Source&, Target&) const {
        detail::emit(fsm, Effect::Kind::complete, "publication");
        detail::emit(fsm, Effect::Kind::close_all);
    }
};

/// close_all
struct cancel_cycle {
    template <class Event, class Fsm, class Source, class Target>
    void operator()(const Event&, Fsm& fsm, Source&, Target&) const {
        detail::emit(fsm, Effect::Kind::close_all);
    }
};

using boost::msm::front::none;
using boost::msm::front::Row;

/// What the quality report cycle is, for everything but its machine: steps, events, notices.
inline const WorkflowDescription& describe() {
    using F = FieldType;
    static const WorkflowDescription description{
        .id = "quality_report",
        .title = "Kvalitetsrapport",
        .steps =
            {
                {"quality_report", "Kvalitetsrapport", {Role::leader}, {Role::leader}},
                {"board_statement",
                 "Bestyrelsens udtalelse",
                 {Role::board, Role::leader},
                 {Role::board, Role::leader}},
                // The leader takes part (its feed holds the date); the area chief, who
                // schedules and holds it, is reminded.
                {.id = "quality_conversation",
                 .title = "Kvalitetssamtale",
                 .responsible = {Role::area_chief, Role::leader},
                 .reminded = {Role::area_chief},
                 .activity = StepActivity::conversation,
                 .feeds_political_report = true},
                {"development_plan", "Lokal udviklingsplan", {Role::leader}, {Role::leader}},
                {.id = "plan_approval",
                 .title = "Godkendelse af udviklingsplan",
                 .responsible = {Role::area_chief},
                 .reminded = {Role::area_chief},
                 .political_on_time = true},
                {"publication",
                 "Offentliggørelse af udviklingsplan",
                 {Role::leader},
                 {Role::leader}},
            },
        .events =
            {
                {.id = "report_submitted",
                 .title = "Kvalitetsrapport indsendt",
                 .action = "Indsend kvalitetsrapport",
                 .senders = {Role::leader},
                 .fields = {{"url", F::url, false}},
                 .carries_documents = true},
                {.id = "board_statement_submitted",
                 .title = "Bestyrelsens udtalelse indsendt",
                 .action = "Indsend bestyrelsens udtalelse",
                 .senders = {Role::leader, Role::board},
                 .fields = {{"assessment", F::text, false},
                            {"interpretation", F::text, false},
                            {"signals_local", F::text, false},
                            {"signals_political", F::text, false},
                            {"signals_goal", F::goal, false},
                            {"signals_theme", F::theme, false},
                            {"on_behalf_of_board", F::flag, false}},
                 .needs_one_text = true,
                 .records_board_signals = true,
                 .proxies = {Role::leader},
                 .proxy_field = "on_behalf_of_board",
                 .carries_documents = true},
                {.id = "board_statement_missing",
                 .title = "Ingen udtalelse fra bestyrelsen",
                 .action = "Registrér at bestyrelsen ikke har afgivet udtalelse",
                 .senders = {Role::area_chief},
                 .fields = {{"reason", F::text, true}}},
                {.id = "conversation_scheduled",
                 .title = "Kvalitetssamtale planlagt",
                 .action = "Planlæg kvalitetssamtale",
                 .senders = {Role::area_chief},
                 .fields = {{"date", F::date, true},
                            {"time", F::clock_time, false},
                            {"place", F::text, false}}},
                {.id = "conversation_held",
                 .title = "Kvalitetssamtale afholdt",
                 .action = "Registrér afholdt kvalitetssamtale",
                 .senders = {Role::area_chief},
                 // Seed 002: the board is represented (named here; optional so that API
                 // clients of the first version keep working); the minutes follow its four
                 // questions.
                 .fields = {{"board_representative", F::text, false},
                            {"participants", F::text, false},
                            {"minutes_status", F::text, false},
                            {"minutes_development", F::text, false},
                            {"minutes_goals", F::text, false},
                            {"minutes_focus", F::text, false},
                            {"assessments", F::assessments, false},
                            {"development_points", F::development_points, true},
                            {"supervision_points", F::supervision_points, false}},
                 .records_points = true},
                {.id = "plan_submitted",
                 .title = "Udviklingsplan indsendt",
                 .action = "Indsend udviklingsplan",
                 .senders = {Role::leader},
                 // An action for every point of the conversation, and how staff and board
                 // took part (seed 002). Both optional, so that API clients of the first
                 // version keep working; actions given must answer every point.
                 .fields = {{"url", F::url, false},
                            {"text", F::text, false},
                            {"actions", F::actions, false},
                            {"involvement", F::text, false}},
                 .carries_documents = true},
                {.id = "plan_returned",
                 .title = "Udviklingsplan sendt retur",
                 .action = "Send udviklingsplanen retur",
                 .senders = {Role::area_chief},
                 .fields = {{"comment", F::text, true}},
                 .destructive = true},
                {.id = "plan_approved",
                 .title = "Udviklingsplan godkendt",
                 .action = "Godkend udviklingsplan",
                 .senders = {Role::area_chief},
                 .pins_documents_of = "plan_submitted",
                 .publishes = true},
                {.id = "plan_published",
                 .title = "Udviklingsplan offentliggjort",
                 .action = "Registrér offentliggørelse",
                 .senders = {Role::leader},
                 .fields = {{"url", F::url, true}}},
                common::cycle_cancelled(),
                common::cycle_opened(),
            },
        .notifications =
            {
                {.event = "conversation_scheduled",
                 .mail = "conversation_scheduled",
                 .to = {Role::leader, Role::board},
                 .meeting = MeetingDescription{.step = "quality_conversation"}},
                {"plan_returned", "plan_returned", {Role::leader}},
                {"plan_approved", "plan_approved", {Role::leader, Role::board}},
            },
        .opens_cases = "supervision",
        .points_title = "Punkter fra kvalitetssamtalen",
    };
    return description;
}

/// The front-end. The back-end (boost::msm::back::state_machine<QualityReport>) lives in
/// workflows/machines.cpp only.
struct QualityReport : boost::msm::front::state_machine_def<QualityReport> {
    static constexpr const char* workflow = "quality_report";
    static const WorkflowDescription& description() { return describe(); }

    using initial_state = ReportInPreparation;
    using no_exception_thrown = int;  // let exceptions propagate instead of exception_caught
    using no_message_queue = int;     // actions never post events

    // clang-format off
    struct transition_table : boost::mpl::vector<
        //    Start                   Event                                 Next                    Action                  Guard
        Row < ReportInPreparation   , qr_events::report_submitted         , AwaitingBoardStatement, submit_report         , none                  >,
        Row < ReportInPreparation   , qr_events::cycle_cancelled          , Cancelled             , cancel_cycle          , none                  >,

        Row < AwaitingBoardStatement, qr_events::board_statement_submitted, AwaitingConversation  , submit_board_statement, none                  >,
        Row < AwaitingBoardStatement, qr_events::board_statement_missing  , AwaitingConversation  , skip_board_statement  , none                  >,
        Row < AwaitingBoardStatement, qr_events::cycle_cancelled          , Cancelled             , cancel_cycle          , none                  >,

        Row < AwaitingConversation  , qr_events::conversation_scheduled   , ConversationScheduled , none                  , none                  >,
        Row < AwaitingConversation  , qr_events::conversation_held        , PlanInPreparation     , hold_conversation     , has_development_point >,
        Row < AwaitingConversation  , qr_events::cycle_cancelled          , Cancelled             , cancel_cycle          , none                  >,

        Row < ConversationScheduled , qr_events::conversation_scheduled   , ConversationScheduled , none                  , none                  >,
        Row < ConversationScheduled , qr_events::conversation_held        , PlanInPreparation     , hold_conversation     , has_development_point >,
        Row < ConversationScheduled , qr_events::cycle_cancelled          , Cancelled             , cancel_cycle          , none                  >,

        Row < PlanInPreparation     , qr_events::plan_submitted           , PlanAwaitingApproval  , submit_plan           , none                  >,
        Row < PlanInPreparation     , qr_events::cycle_cancelled          , Cancelled             , cancel_cycle          , none                  >,

        Row < PlanAwaitingApproval  , qr_events::plan_returned            , PlanInPreparation     , return_plan           , none                  >,
        Row < PlanAwaitingApproval  , qr_events::plan_approved            , AwaitingPublication   , approve_plan          , none                  >,
        Row < PlanAwaitingApproval  , qr_events::cycle_cancelled          , Cancelled             , cancel_cycle          , none                  >,

        Row < AwaitingPublication   , qr_events::plan_published           , Completed             , publish_plan          , none                  >,
        Row < AwaitingPublication   , qr_events::cycle_cancelled          , Cancelled             , cancel_cycle          , none                  >
        // Completed and Cancelled are final: no rows leave them.
    > {};
    // clang-format on

    /// MSM calls this for an event no row of the current state handles (not for a guard that
    /// refuses: then process_event returns HANDLED_GUARD_REJECT). Record it instead of
    /// MSM's default BOOST_ASSERT(false).
    template <class Fsm, class Event>
    void no_transition(const Event&, Fsm&, int) {
        not_accepted_ = true;
    }

    std::vector<Effect> effects_;  // what the transition being processed asks for, in order
    bool not_accepted_ = false;    // set by no_transition
};

}  // namespace tilsyn::workflows::qr
