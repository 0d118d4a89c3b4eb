// A supervision case (domain.md: a supervision point opens one; the area chief tracks it until
// it is resolved) as a Boost.MSM front-end: events, states and actions declared above one
// transition table. Only workflows/machines.cpp instantiates the back-end; everything else
// uses workflows/workflow.hpp.
//
// Actions do not touch the world: they append the effects the case service must carry out to
// the machine's `effects_`.
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

namespace tilsyn::workflows::sup_events {

// clang-format off
struct action_plan_submitted { static constexpr const char* name = "action_plan_submitted"; EventFacts facts; };
struct follow_up_held        { static constexpr const char* name = "follow_up_held";        EventFacts facts; };
struct supervision_resolved  { static constexpr const char* name = "supervision_resolved";  EventFacts facts; };
struct support_agreed        { static constexpr const char* name = "support_agreed";        EventFacts facts; };
// clang-format on

}  // namespace tilsyn::workflows::sup_events

namespace tilsyn::workflows::sup {

// States: `name` is what the database stores (never rename one); `step` is the timeline step
// the state waits for, empty in a final state; `title` is what people read (Danish). No entry
// or exit actions: a machine is restored to a state by name without running any.
// clang-format off
struct ActionPlanDue : boost::msm::front::state<> { static constexpr const char* name = "ActionPlanDue"; static constexpr const char* step = "action_plan";  static constexpr const char* title = "Afventer handleplan"; };
struct FollowUp      : boost::msm::front::state<> { static constexpr const char* name = "FollowUp";      static constexpr const char* step = "follow_up";  static constexpr const char* title = "Styrket opfølgning"; };
struct Resolved      : boost::msm::front::state<> { static constexpr const char* name = "Resolved";      static constexpr const char* step = "";  static constexpr const char* title = "Tilsynssag afsluttet"; };
// clang-format on

// Actions: each appends, in order, the effects written in its comment.

/// complete(action_plan), arm(follow_up)
struct submit_action_plan {
    template <class Event, class Fsm, class Source, class Target>
    void operator()(const Event&, Fsm& fsm, Source&, Target&) const {
        detail::emit(fsm, Effect::Kind::complete, "action_plan");
        detail::emit(fsm, Effect::Kind::arm, "follow_up");
    }
};

/// complete(follow_up), arm(follow_up): the next follow-up
struct hold_follow_up {
    template <class Event, class Fsm, class Source, class Target>
    void operator()(const Event&, Fsm& fsm, Source&, Target&) const {
        detail::emit(fsm, Effect::Kind::complete, "follow_up");
        detail::emit(fsm, Effect::Kind::arm, "follow_up");
    }
};

/// complete(resolution), close_all
struct resolve_case {
    template <class Event, class Fsm, class Source, class Target>
    void operator()(const Event&, Fsm& fsm, Source&, Target&) const {
        detail::emit(fsm, Effect::Kind::complete, "resolution");
        detail::emit(fsm, Effect::Kind::close_all);
    }
};

using boost::msm::front::none;
using boost::msm::front::Row;

/// What a supervision case is, for everything but its machine: steps, events, notices.
inline const WorkflowDescription& describe() {
    using F = FieldType;
    static const WorkflowDescription description{
        .id = "supervision",
        .title = "Tilsynssag",
        .steps =
            {
                {"action_plan", "Handleplan", {Role::leader}, {Role::leader}},
                {.id = "follow_up",
                 .title = "Opfølgning i tilsynssag",
                 .responsible = {Role::area_chief},
                 .reminded = {Role::area_chief},
                 .recurring = true},
                {"resolution", "Afslutning af tilsynssag", {Role::area_chief}, {Role::area_chief}},
            },
        .events =
            {
                {.id = "action_plan_submitted",
                 .title = "Handleplan indsendt",
                 .action = "Indsend handleplan",
                 .senders = {Role::leader},
                 .fields = {{"url", F::url, false}, {"text", F::text, false}},
                 .carries_documents = true},
                {.id = "follow_up_held",
                 .title = "Opfølgning afholdt",
                 .action = "Registrér opfølgning",
                 .senders = {Role::area_chief},
                 .fields = {{"note", F::text, true}},
                 .carries_documents = true},
                {.id = "supervision_resolved",
                 .title = "Tilsynssag afsluttet",
                 .action = "Afslut tilsynssagen",
                 .senders = {Role::area_chief},
                 .fields = {{"note", F::text, true}},
                 // Resolving pins the latest action plan's files: what is published when
                 // `publication.supervision_cases` is set.
                 .pins_documents_of = "action_plan_submitted",
                 .publishes = true},
                // The support the seed promises beside the follow-up: what, from whom, by when.
                {.id = "support_agreed",
                 .title = "Understøttelse aftalt",
                 .action = "Registrér aftalt understøttelse",
                 .senders = {Role::area_chief},
                 .fields = {{"support", F::text, true},
                            {"provided_by", F::text, true},
                            {"by_date", F::date, true}}},
                {.id = kCaseOpenedEvent, .title = "Tilsynssag åbnet", .by_system = true},
            },
        .notifications =
            {
                {kCaseOpenedEvent, "case_opened", {Role::leader, Role::board}},
                {"supervision_resolved", "case_resolved", {Role::leader, Role::board}},
                {"support_agreed", "support_agreed", {Role::leader}},
            },
        .is_case = true,
    };
    return description;
}

/// The front-end. The back-end (boost::msm::back::state_machine<Supervision>) lives in
/// workflows/machines.cpp only.
struct Supervision : boost::msm::front::state_machine_def<Supervision> {
    static constexpr const char* workflow = "supervision";
    static const WorkflowDescription& description() { return describe(); }

    using initial_state = ActionPlanDue;
    using no_exception_thrown = int;  // let exceptions propagate instead of exception_caught
    using no_message_queue = int;     // actions never post events

    // clang-format off
    struct transition_table : boost::mpl::vector<
        //    Start          Event                              Next           Action              Guard
        Row < ActionPlanDue, sup_events::action_plan_submitted, FollowUp     , submit_action_plan, none >,
        Row < ActionPlanDue, sup_events::supervision_resolved , Resolved     , resolve_case      , none >,
        Row < ActionPlanDue, sup_events::support_agreed       , ActionPlanDue, none              , none >,

        Row < FollowUp     , sup_events::follow_up_held       , FollowUp     , hold_follow_up    , none >,
        Row < FollowUp     , sup_events::supervision_resolved , Resolved     , resolve_case      , none >,
        Row < FollowUp     , sup_events::support_agreed       , FollowUp     , none              , none >
        // Resolved is final: no rows leave it.
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

}  // namespace tilsyn::workflows::sup
