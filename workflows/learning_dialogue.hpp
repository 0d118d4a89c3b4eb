// The learning dialogue (domain.md workflow 2, seeds 001/003) as a Boost.MSM front-end: four
// rounds over two years (the count and spacing come from the configuration); each round has
// a data package (made by forvaltningen), a learning-environment observation by the leader of
// another institution with written feedback, and the learning conversation (focus areas, and
// supervision points that open the same supervision case as the quality report). Beside the
// rounds, never between them, the area chief's 1:1 management follow-up ("udover
// læringssamtalerne", seed 003) is armed by each conversation and may be held whenever it is
// due; only the last round's 1:1 closes the dialogue. Only workflows/machines.cpp instantiates
// the back-end.
//
// Actions do not touch the world: they append the effects the case service must carry out to
// the machine's `effects_`. The case service tells the machine whether the instance is in its
// last round (EventFacts::last_round) and whether a 1:1 is due (EventFacts::step_open); the
// round itself lives in the instance's anchors.
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

namespace tilsyn::workflows::ld_events {

// clang-format off
struct data_package_published         { static constexpr const char* name = "data_package_published";         EventFacts facts; };
struct observer_assigned              { static constexpr const char* name = "observer_assigned";              EventFacts facts; };
struct observation_feedback_submitted { static constexpr const char* name = "observation_feedback_submitted"; EventFacts facts; };
struct learning_conversation_held     { static constexpr const char* name = "learning_conversation_held";     EventFacts facts; };
struct one_to_one_held                { static constexpr const char* name = "one_to_one_held";                EventFacts facts; };
struct observation_not_held           { static constexpr const char* name = "observation_not_held";           EventFacts facts; };
struct cycle_cancelled                { static constexpr const char* name = "cycle_cancelled";                EventFacts facts; };
// clang-format on

}  // namespace tilsyn::workflows::ld_events

namespace tilsyn::workflows::ld {

// States: `name` is what the database stores (never rename one); `step` is the timeline step
// the state waits for, empty in a final state; `title` is what people read (Danish). No entry
// or exit actions.
// clang-format off
struct AwaitingDataPackage          : boost::msm::front::state<> { static constexpr const char* name = "AwaitingDataPackage";          static constexpr const char* step = "data_package";  static constexpr const char* title = "Afventer datapakke"; };
struct AwaitingObservation          : boost::msm::front::state<> { static constexpr const char* name = "AwaitingObservation";          static constexpr const char* step = "observation";  static constexpr const char* title = "Afventer læringsmiljøobservation"; };
struct AwaitingLearningConversation : boost::msm::front::state<> { static constexpr const char* name = "AwaitingLearningConversation"; static constexpr const char* step = "learning_conversation";  static constexpr const char* title = "Afventer læringssamtale"; };
struct AwaitingOneToOne             : boost::msm::front::state<> { static constexpr const char* name = "AwaitingOneToOne";             static constexpr const char* step = "one_to_one";  static constexpr const char* title = "Afventer sidste 1:1 ledelsesopfølgning"; };
struct DialogueCompleted            : boost::msm::front::state<> { static constexpr const char* name = "DialogueCompleted";            static constexpr const char* step = "";  static constexpr const char* title = "Læringsdialog afsluttet"; };
struct DialogueCancelled            : boost::msm::front::state<> { static constexpr const char* name = "DialogueCancelled";            static constexpr const char* step = "";  static constexpr const char* title = "Læringsdialog annulleret"; };
// clang-format on

// Guards.

/// A 1:1 is armed and not held yet (the one the last conversation armed).
struct step_is_open {
    template <class Event, class Fsm, class Source, class Target>
    bool operator()(const Event& event, Fsm&, Source&, Target&) const {
        return event.facts.step_open;
    }
};

/// A conversation with focus areas in a round before the last.
struct conversation_before_last_round {
    template <class Event, class Fsm, class Source, class Target>
    bool operator()(const Event& event, Fsm&, Source&, Target&) const {
        return event.facts.development_points > 0 && !event.facts.last_round;
    }
};

/// A conversation with focus areas in the last round.
struct conversation_in_last_round {
    template <class Event, class Fsm, class Source, class Target>
    bool operator()(const Event& event, Fsm&, Source&, Target&) const {
        return event.facts.development_points > 0 && event.facts.last_round;
    }
};

struct is_last_round {
    template <class Event, class Fsm, class Source, class Target>
    bool operator()(const Event& event, Fsm&, Source&, Target&) const {
        return event.facts.last_round;
    }
};

struct is_not_last_round {
    template <class Event, class Fsm, class Source, class Target>
    bool operator()(const Event& event, Fsm&, Source&, Target&) const {
        return !event.facts.last_round;
    }
};

// Actions: each appends, in order, the effects written in its comment.

/// complete(data_package), arm(observation)
struct publish_data_package {
    template <class Event, class Fsm, class Source, class Target>
    void operator()(const Event&, Fsm& fsm, Source&, Target&) const {
        detail::emit(fsm, Effect::Kind::complete, "data_package");
        detail::emit(fsm, Effect::Kind::arm, "observation");
    }
};

/// complete(observation), arm(learning_conversation)
struct submit_feedback {
    template <class Event, class Fsm, class Source, class Target>
    void operator()(const Event&, Fsm& fsm, Source&, Target&) const {
        detail::emit(fsm, Effect::Kind::complete, "observation");
        detail::emit(fsm, Effect::Kind::arm, "learning_conversation");
    }
};

/// close(observation), arm(learning_conversation): the area chief records that the observation
/// was not held, so the conversation can go ahead
struct skip_observation {
    template <class Event, class Fsm, class Source, class Target>
    void operator()(const Event&, Fsm& fsm, Source&, Target&) const {
        detail::emit(fsm, Effect::Kind::close, "observation");
        detail::emit(fsm, Effect::Kind::arm, "learning_conversation");
    }
};

/// complete(learning_conversation), open_cases (when it gave supervision points),
/// close(one_to_one), arm(one_to_one): the last round's conversation; its 1:1 ends the dialogue
struct hold_last_conversation {
    template <class Event, class Fsm, class Source, class Target>
    void operator()(const Event& event, Fsm& fsm, Source&, Target&) const {
        detail::emit(fsm, Effect::Kind::complete, "learning_conversation");
        if (event.facts.supervision_points > 0) detail::emit(fsm, Effect::Kind::open_cases);
        detail::emit(fsm, Effect::Kind::close, "one_to_one");
        detail::emit(fsm, Effect::Kind::arm, "one_to_one");
    }
};

/// hold_last_conversation's effects, then next_round, arm(data_package): the round's 1:1
/// follows the conversation beside the next round (an earlier 1:1 not held is superseded)
struct hold_learning_conversation {
    template <class Event, class Fsm, class Source, class Target>
    void operator()(const Event& event, Fsm& fsm, Source& source, Target& target) const {
        hold_last_conversation{}(event, fsm, source, target);
        detail::emit(fsm, Effect::Kind::next_round);
        detail::emit(fsm, Effect::Kind::arm, "data_package");
    }
};

/// complete(one_to_one): a 1:1 held beside the rounds; the round goes on as it was
struct hold_one_to_one {
    template <class Event, class Fsm, class Source, class Target>
    void operator()(const Event&, Fsm& fsm, Source&, Target&) const {
        detail::emit(fsm, Effect::Kind::complete, "one_to_one");
    }
};

/// complete(one_to_one), next_round, arm(data_package): a dialogue stored in AwaitingOneToOne
/// before the 1:1 moved beside the rounds, in a round before its last
struct start_next_round {
    template <class Event, class Fsm, class Source, class Target>
    void operator()(const Event&, Fsm& fsm, Source&, Target&) const {
        detail::emit(fsm, Effect::Kind::complete, "one_to_one");
        detail::emit(fsm, Effect::Kind::next_round);
        detail::emit(fsm, Effect::Kind::arm, "data_package");
    }
};

/// complete(one_to_one), close_all
struct finish_dialogue {
    template <class Event, class Fsm, class Source, class Target>
    void operator()(const Event&, Fsm& fsm, Source&, Target&) const {
        detail::emit(fsm, Effect::Kind::complete, "one_to_one");
        detail::emit(fsm, Effect::Kind::close_all);
    }
};

/// close_all
struct cancel_dialogue {
    template <class Event, class Fsm, class Source, class Target>
    void operator()(const Event&, Fsm& fsm, Source&, Target&) const {
        detail::emit(fsm, Effect::Kind::close_all);
    }
};

/// What the learning dialogue is, for everything but its machine: steps, events, notices, and
/// its observer rule (events flagged assigns_observer and from_observer).
inline const WorkflowDescription& describe() {
    using F = FieldType;
    static const WorkflowDescription description{
        .id = "learning_dialogue",
        .title = "Læringsdialog",
        .steps =
            {
                {.id = "data_package",
                 .title = "Datapakke",
                 .responsible = {Role::admin},
                 .reminded = {Role::admin},
                 .per_round = true,
                 .assignable = true},
                {.id = "observation",
                 .title = "Læringsmiljøobservation",
                 .responsible = {Role::leader},
                 .reminded = {Role::leader},
                 .per_round = true,
                 .observer_acts = true,
                 .activity = StepActivity::observation},
                {.id = "learning_conversation",
                 .title = "Læringssamtale",
                 .responsible = {Role::area_chief, Role::leader},
                 .reminded = {Role::area_chief, Role::leader},
                 .per_round = true,
                 .activity = StepActivity::conversation,
                 .feeds_political_report = true},
                {.id = "one_to_one",
                 .title = "1:1 ledelsesopfølgning",
                 .responsible = {Role::area_chief, Role::leader},
                 .reminded = {Role::area_chief},  // who holds it; the leader takes part
                 .per_round = true,
                 .assignable = true,
                 .activity = StepActivity::one_to_one},
            },
        .events =
            {
                {.id = "data_package_published",
                 .title = "Datapakke klar",
                 .action = "Registrér at datapakken er klar",
                 .senders = {Role::admin},
                 .fields = {{"url", F::url, false}},
                 .acts_on = "data_package",
                 .for_many = true},
                {.id = "observer_assigned",
                 .title = "Observatør udpeget",
                 .action = "Udpeg observatør",
                 .senders = {Role::admin, Role::area_chief},
                 .fields = {{"observer_institution", F::institution, true}},
                 .assigns_observer = true},
                {.id = "observation_feedback_submitted",
                 .title = "Observation afgivet",
                 .action = "Indsend skriftlig feedback",
                 .senders = {Role::leader},
                 .fields = {{"observer_institution", F::institution, true},
                            {"feedback", F::text, true}},
                 .from_observer = true,
                 .carries_documents = true},
                {.id = "observation_not_held",
                 .title = "Observation ikke gennemført",
                 .action = "Registrér at observationen ikke blev gennemført",
                 .senders = {Role::area_chief},
                 .fields = {{"reason", F::text, true}}},
                {.id = "learning_conversation_held",
                 .title = "Læringssamtale afholdt",
                 .action = "Registrér afholdt læringssamtale",
                 .senders = {Role::area_chief},
                 .fields = {{"participants", F::text, false},
                            {"minutes_status", F::text, false},
                            {"minutes_development", F::text, false},
                            {"minutes_goals", F::text, false},
                            {"minutes_focus", F::text, false},
                            {"assessments", F::assessments, false},
                            {"focus_areas", F::focus_areas, true},
                            {"supervision_points", F::supervision_points, false}},
                 .records_points = true},
                {.id = "one_to_one_held",
                 .title = "1:1 ledelsesopfølgning afholdt",
                 .action = "Registrér 1:1 ledelsesopfølgning",
                 .senders = {Role::area_chief, Role::director},
                 .fields = {{"note", F::text, true}},
                 .acts_on = "one_to_one"},
                common::cycle_cancelled(),
                common::cycle_opened(),
            },
        .notifications = {{.event = "observer_assigned",
                           .mail = "observer_assigned",
                           .to_observer = true}},
        .repeats_in_rounds = true,
        .opens_cases = "supervision",
        .points_title = "Fra den seneste læringssamtale",
    };
    return description;
}

using boost::msm::front::none;
using boost::msm::front::Row;

struct LearningDialogue : boost::msm::front::state_machine_def<LearningDialogue> {
    static constexpr const char* workflow = "learning_dialogue";
    static const WorkflowDescription& description() { return describe(); }

    using initial_state = AwaitingDataPackage;
    using no_exception_thrown = int;
    using no_message_queue = int;

    // clang-format off
    struct transition_table : boost::mpl::vector<
        //    Start                         Event                                     Next                          Action                      Guard
        // The 1:1 is held beside the rounds (any state of a running round takes it while one is
        // due); AwaitingOneToOne waits only for the last round's 1:1.
        Row < AwaitingDataPackage         , ld_events::data_package_published        , AwaitingObservation         , publish_data_package      , none                          >,
        Row < AwaitingDataPackage         , ld_events::observer_assigned             , AwaitingDataPackage         , none                      , none                          >,
        Row < AwaitingDataPackage         , ld_events::one_to_one_held               , AwaitingDataPackage         , hold_one_to_one           , step_is_open                  >,
        Row < AwaitingDataPackage         , ld_events::cycle_cancelled               , DialogueCancelled           , cancel_dialogue           , none                          >,

        Row < AwaitingObservation         , ld_events::observer_assigned             , AwaitingObservation         , none                      , none                          >,
        Row < AwaitingObservation         , ld_events::observation_feedback_submitted, AwaitingLearningConversation, submit_feedback           , none                          >,
        Row < AwaitingObservation         , ld_events::observation_not_held          , AwaitingLearningConversation, skip_observation          , none                          >,
        Row < AwaitingObservation         , ld_events::one_to_one_held               , AwaitingObservation         , hold_one_to_one           , step_is_open                  >,
        Row < AwaitingObservation         , ld_events::cycle_cancelled               , DialogueCancelled           , cancel_dialogue           , none                          >,

        Row < AwaitingLearningConversation, ld_events::learning_conversation_held    , AwaitingDataPackage         , hold_learning_conversation, conversation_before_last_round>,
        Row < AwaitingLearningConversation, ld_events::learning_conversation_held    , AwaitingOneToOne            , hold_last_conversation    , conversation_in_last_round    >,
        Row < AwaitingLearningConversation, ld_events::one_to_one_held               , AwaitingLearningConversation, hold_one_to_one           , step_is_open                  >,
        Row < AwaitingLearningConversation, ld_events::cycle_cancelled               , DialogueCancelled           , cancel_dialogue           , none                          >,

        Row < AwaitingOneToOne            , ld_events::one_to_one_held               , AwaitingDataPackage         , start_next_round          , is_not_last_round             >,
        Row < AwaitingOneToOne            , ld_events::one_to_one_held               , DialogueCompleted           , finish_dialogue           , is_last_round                 >,
        Row < AwaitingOneToOne            , ld_events::cycle_cancelled               , DialogueCancelled           , cancel_dialogue           , none                          >
        // DialogueCompleted and DialogueCancelled are final: no rows leave them.
    > {};
    // clang-format on

    template <class Fsm, class Event>
    void no_transition(const Event&, Fsm&, int) {
        not_accepted_ = true;
    }

    std::vector<Effect> effects_;
    bool not_accepted_ = false;
};

}  // namespace tilsyn::workflows::ld
