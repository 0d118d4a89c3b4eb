// The workflows' state machines behind a small interface without Boost.MSM headers, so only
// one translation unit pays for MSM. Machines are pure: a transition returns the effects the
// engine must carry out (close deadlines, arm the next step, open supervision cases); it
// touches no storage, clock or mail itself.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tilsyn::workflows {

/// What a transition asks the case service to do, in order.
struct Effect {
    enum class Kind {
        complete,    // the step is done: close its deadlines; its completion anchors later steps
        close,       // close the step's deadlines without completing it (a plan returned)
        arm,         // arm the step's deadlines from the cycle's timeline
        revise,      // arm the step again for a revision (development_plan after plan_returned)
        open_cases,  // open one supervision case per supervision point in the payload
        close_all,   // close every open deadline of the instance (cancelled, resolved)
        next_round,  // move the instance's "round" anchor to the next round's start
    };
    Kind kind;
    std::string step;  // empty for open_cases and close_all
    friend bool operator==(const Effect&, const Effect&) = default;
};

/// Facts of an event's payload that guards look at (the case service validated the payload).
struct EventFacts {
    int development_points = 0;  // for a learning conversation: its focus areas
    int supervision_points = 0;
    bool last_round = false;  // learning_dialogue: the instance is in its last round
    bool step_open = false;   // the step the event acts on (EventDescription::acts_on) is
                              // armed and not done yet
};

struct Transition {
    bool accepted = false;  // false: not allowed in this state (or a guard refused); no change
    std::string from;       // state names
    std::string to;
    std::vector<Effect> effects;
};

/// Called once per accepted transition: (from, event, to).
using TransitionObserver =
    std::function<void(std::string_view from, std::string_view event, std::string_view to)>;

class Machine {
  public:
    virtual ~Machine() = default;

    virtual std::string_view workflow() const = 0;
    /// The current state's stable name (what the database stores).
    virtual std::string_view state() const = 0;
    virtual bool is_final() const = 0;
    /// The step the current state waits for; empty in a final state.
    virtual std::string_view current_step() const = 0;
    /// Event names the transition table allows in the current state, in table order, without
    /// duplicates (guards are not evaluated).
    virtual std::vector<std::string> allowed_events() const = 0;
    /// Processes an event by name. An unknown event, one the state does not allow or one a
    /// guard refuses gives accepted=false and leaves the state unchanged.
    virtual Transition fire(std::string_view event, const EventFacts& facts) = 0;
    virtual void set_observer(TransitionObserver observer) = 0;
};

/// A machine of `workflow` ("quality_report", "learning_dialogue" or "supervision") in its initial
/// state, or, when `state` is given, restored to that state by name without running any entry
/// action. nullptr for an unknown workflow or state name.
std::unique_ptr<Machine> make_machine(std::string_view workflow, std::string_view state = {});

/// The initial state's name; empty for an unknown workflow.
std::string initial_state(std::string_view workflow);

/// What people read for a state ("Afventer kvalitetssamtale"); the name itself when unknown.
std::string_view state_title(std::string_view workflow, std::string_view state);

/// Every state name of a workflow, and every event name its table uses.
std::vector<std::string> state_names(std::string_view workflow);
std::vector<std::string> event_names(std::string_view workflow);

}  // namespace tilsyn::workflows
