// The workflows' Boost.MSM back-ends behind workflows/workflow.hpp. This is the only
// translation unit that instantiates boost::msm::back::state_machine.
//
// MPL limits. CMake compiles everything with BOOST_MPL_CFG_NO_PREPROCESSED_HEADERS and
// BOOST_MPL_LIMIT_VECTOR_SIZE=30: that is what a transition table of up to 30 rows needs (the
// table is an mpl::vector literal). Nothing else has to be raised for larger tables: MSM builds
// its state set, state-id map, event set and dispatch chains with mpl::fold/insert/push_back,
// which are not bounded by BOOST_MPL_LIMIT_MAP_SIZE/SET_SIZE (those only bound the mpl::map<>
// and mpl::set<> literals), and the state list is a variadic fusion::set. Checked with a
// 30-row table under these flags. Beyond 30 rows raise BOOST_MPL_LIMIT_VECTOR_SIZE in CMake
// (a multiple of 10), not here: it has to match in every translation unit.
#include <algorithm>
#include <boost/mpl/for_each.hpp>
#include <boost/msm/back/metafunctions.hpp>
#include <boost/msm/back/state_machine.hpp>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "workflows/learning_dialogue.hpp"
#include "workflows/quality_report.hpp"
#include "workflows/supervision.hpp"
#include "workflows/workflow.hpp"

namespace tilsyn::workflows {
namespace {

namespace msmb = boost::msm::back;

/// An mpl::for_each transform that hands over a type without constructing it (no nested
/// `type`, so MPL's lambda keeps tag<T> itself).
template <class T>
struct tag {};

/// Everything the adapter knows about one workflow, derived once from its transition table.
template <class Front>
class Table {
  public:
    using Backend = msmb::state_machine<Front>;
    using Stt = typename Backend::stt;  // the back-end's table: MSM's state ids come from it
    using Fire = msmb::HandledEnum (*)(Backend&, const EventFacts&);

    static_assert(Backend::nr_regions::value == 1, "the adapter assumes one region");

    static const Table& get() {
        static const Table table;
        return table;
    }

    /// By MSM state id (which never leaves this file).
    std::vector<std::string_view> state_names;
    std::vector<std::string_view> state_steps;
    std::vector<std::string_view> state_titles;
    std::vector<std::vector<std::string>> allowed_events;  // rows leaving the state, table order
    std::vector<std::string> event_names;                  // table order, no duplicates
    std::map<std::string, Fire, std::less<>> fire;         // event name -> process_event
    int initial_id = 0;

    int state_id(std::string_view name) const {
        for (std::size_t id = 0; id < state_names.size(); ++id) {
            if (state_names[id] == name) return static_cast<int>(id);
        }
        return -1;
    }

  private:
    template <class Event>
    static msmb::HandledEnum process(Backend& machine, const EventFacts& facts) {
        return machine.process_event(Event{facts});
    }

    Table() {
        using States = typename msmb::generate_state_set<Stt>::type;
        const auto count = static_cast<std::size_t>(boost::mpl::size<States>::value);
        state_names.resize(count);
        state_steps.resize(count);
        state_titles.resize(count);
        allowed_events.resize(count);
        boost::mpl::for_each<States, tag<boost::mpl::placeholders::_1>>(
            [this]<class State>(tag<State>) {
                const int id = msmb::get_state_id<Stt, State>::value;
                state_names[id] = State::name;
                state_steps[id] = State::step;
                state_titles[id] = State::title;
            });
        initial_id = msmb::get_state_id<Stt, typename Front::initial_state>::value;

        // The front-end's rows, in table order (the back-end's stt wraps them).
        using Rows = typename Front::transition_table;
        boost::mpl::for_each<Rows, tag<boost::mpl::placeholders::_1>>([this]<class Row>(tag<Row>) {
            using Event = typename Row::Evt;
            const std::string name = Event::name;
            auto& allowed = allowed_events[msmb::get_state_id<Stt, typename Row::Source>::value];
            if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
                allowed.push_back(name);
            }
            if (fire.emplace(name, &Table::process<Event>).second) event_names.push_back(name);
        });

        // Names are the only identity outside this file: two types with one name would make
        // one of them unreachable or a stored state ambiguous.
        using Events = typename msmb::generate_event_set<Stt>::type;
        const std::set<std::string_view> distinct_states(state_names.begin(), state_names.end());
        if (event_names.size() != boost::mpl::size<Events>::value ||
            distinct_states.size() != count) {
            throw std::logic_error(std::string(Front::workflow) +
                                   ": two states or two events share a name");
        }
        check_description();
    }

    /// The description beside the table must tell of exactly the table's events and of every
    /// step a state waits for; anything else is a programming error caught at first use.
    void check_description() const {
        const WorkflowDescription& description = Front::description();
        const auto fail = [](std::string what) {
            throw std::logic_error(std::string(Front::workflow) + ": " + what);
        };
        if (description.id != Front::workflow) fail("the description has another id");
        for (const auto& event : event_names) {
            const EventDescription* described = description.find_event(event);
            if (!described || described->by_system) fail("event " + event + " is not described");
        }
        for (const auto& event : description.events) {
            const bool in_table =
                std::find(event_names.begin(), event_names.end(), event.id) != event_names.end();
            if (in_table == event.by_system) {
                fail("described event " + std::string(event.id) +
                     (event.by_system ? " is in the table" : " is not in the table"));
            }
        }
        for (std::string_view step : state_steps) {
            if (!step.empty() && !description.find_step(step)) {
                fail("step " + std::string(step) + " is not described");
            }
        }
    }
};

/// Sets the active state of a started one-region machine without running any action.
///
/// Boost.MSM has no public setter: the active state ids live in the back-end's private
/// `int m_states[nr_regions]` (its serialize() writes them, but needs Boost.Serialization).
/// current_state() returns a pointer into that array of the non-const machine we own, so
/// writing through a const_cast is well-defined. Our states have no entry/exit actions, so
/// nothing is skipped; the caller only passes ids of this machine's states.
template <class Backend>
void set_active_state(Backend& machine, int id) {
    const_cast<int*>(machine.current_state())[0] = id;
}

template <class Front>
class MsmMachine final : public Machine {
  public:
    using Tab = Table<Front>;

    /// In the initial state, or restored to `state_id` (an id from the table).
    explicit MsmMachine(int state_id) {
        machine_.start();
        set_active_state(machine_, state_id);
    }

    std::string_view workflow() const override { return Front::workflow; }
    std::string_view state() const override { return table().state_names[id()]; }
    bool is_final() const override { return table().allowed_events[id()].empty(); }
    std::string_view current_step() const override { return table().state_steps[id()]; }
    std::vector<std::string> allowed_events() const override {
        return table().allowed_events[id()];
    }

    Transition fire(std::string_view event, const EventFacts& facts) override {
        Transition result;
        result.from = std::string(state());
        result.to = result.from;
        const auto it = table().fire.find(event);
        if (it == table().fire.end()) return result;  // not an event of this workflow

        machine_.effects_.clear();
        machine_.not_accepted_ = false;
        // HANDLED_FALSE: no row (MSM called no_transition); HANDLED_GUARD_REJECT: every
        // guard of the state's rows for this event refused (no_transition is NOT called).
        const msmb::HandledEnum handled = it->second(machine_, facts);
        if (handled != msmb::HANDLED_TRUE || machine_.not_accepted_) {
            machine_.effects_.clear();
            return result;
        }
        result.accepted = true;
        result.to = std::string(state());
        result.effects = std::move(machine_.effects_);
        machine_.effects_.clear();
        if (observer_) observer_(result.from, event, result.to);
        return result;
    }

    void set_observer(TransitionObserver observer) override { observer_ = std::move(observer); }

  private:
    static const Tab& table() { return Tab::get(); }
    int id() const { return machine_.current_state()[0]; }

    typename Tab::Backend machine_;
    TransitionObserver observer_;
};

/// Calls `visit(tag<Front>{})` with the front-end of the workflow called `name`, or returns
/// `fallback` for an unknown workflow.
template <class Result, class Visit>
Result visit_workflow(std::string_view name, Result fallback, Visit visit) {
    if (name == qr::QualityReport::workflow) return visit(tag<qr::QualityReport>{});
    if (name == sup::Supervision::workflow) return visit(tag<sup::Supervision>{});
    if (name == ld::LearningDialogue::workflow) return visit(tag<ld::LearningDialogue>{});
    return fallback;
}

}  // namespace

std::unique_ptr<Machine> make_machine(std::string_view workflow, std::string_view state) {
    const auto make = [state]<class Front>(tag<Front>) -> std::unique_ptr<Machine> {
        const auto& table = Table<Front>::get();
        const int id = state.empty() ? table.initial_id : table.state_id(state);
        if (id < 0) return nullptr;
        return std::make_unique<MsmMachine<Front>>(id);
    };
    return visit_workflow(workflow, std::unique_ptr<Machine>(), make);
}

std::string initial_state(std::string_view workflow) {
    return visit_workflow(workflow, std::string(), []<class Front>(tag<Front>) {
        const auto& table = Table<Front>::get();
        return std::string(table.state_names[table.initial_id]);
    });
}

std::vector<std::string> state_names(std::string_view workflow) {
    return visit_workflow(workflow, std::vector<std::string>(), []<class Front>(tag<Front>) {
        const auto& names = Table<Front>::get().state_names;
        return std::vector<std::string>(names.begin(), names.end());
    });
}

std::string_view state_title(std::string_view workflow, std::string_view state) {
    return visit_workflow(workflow, state, [state]<class Front>(tag<Front>) {
        const auto& table = Table<Front>::get();
        const int id = table.state_id(state);
        return id < 0 ? state : table.state_titles[id];
    });
}

std::vector<std::string> event_names(std::string_view workflow) {
    return visit_workflow(workflow, std::vector<std::string>(),
                          []<class Front>(tag<Front>) { return Table<Front>::get().event_names; });
}

}  // namespace tilsyn::workflows

// The descriptions (workflows/description.hpp), each written beside its table.
namespace tilsyn::workflows {

const StepDescription* WorkflowDescription::find_step(std::string_view step) const {
    for (const auto& s : steps) {
        if (s.id == step) return &s;
    }
    return nullptr;
}

const EventDescription* WorkflowDescription::find_event(std::string_view event) const {
    for (const auto& e : events) {
        if (e.id == event) return &e;
    }
    return nullptr;
}

int WorkflowDescription::step_index(std::string_view step) const {
    for (std::size_t i = 0; i < steps.size(); ++i) {
        if (steps[i].id == step) return static_cast<int>(i);
    }
    return -1;
}

std::span<const WorkflowDescription* const> all_workflows() {
    static const WorkflowDescription* const all[] = {
        &qr::QualityReport::description(),
        &ld::LearningDialogue::description(),
        &sup::Supervision::description(),
    };
    return all;
}

const WorkflowDescription* find_workflow(std::string_view id) {
    for (const WorkflowDescription* workflow : all_workflows()) {
        if (workflow->id == id) return workflow;
    }
    return nullptr;
}

const WorkflowDescription& case_workflow() { return sup::Supervision::description(); }

const StepDescription* find_step(std::string_view step) {
    for (const WorkflowDescription* workflow : all_workflows()) {
        if (const StepDescription* found = workflow->find_step(step)) return found;
    }
    return nullptr;
}

const EventDescription* find_event(std::string_view event) {
    for (const WorkflowDescription* workflow : all_workflows()) {
        if (const EventDescription* found = workflow->find_event(event)) return found;
    }
    return nullptr;
}

std::string_view step_title(std::string_view step) {
    const StepDescription* found = find_step(step);
    return found ? found->title : step;
}

std::string_view event_title(std::string_view event) {
    const EventDescription* found = find_event(event);
    return found ? found->title : event;
}

std::string_view workflow_title(std::string_view workflow) {
    const WorkflowDescription* found = find_workflow(workflow);
    return found ? found->title : workflow;
}

std::vector<const NotificationDescription*> notifications_of(std::string_view workflow,
                                                             std::string_view event) {
    std::vector<const NotificationDescription*> found;
    if (const WorkflowDescription* description = find_workflow(workflow)) {
        for (const auto& notification : description->notifications) {
            if (notification.event == event) found.push_back(&notification);
        }
    }
    return found;
}

}  // namespace tilsyn::workflows
