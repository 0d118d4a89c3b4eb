// Tests workflows/machines.cpp through workflows/workflow.hpp, and the guards and actions of
// workflows/quality_report.hpp and workflows/supervision.hpp on their own (those headers pull in
// only MSM's front-end; the back-end stays in machines.cpp).
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "workflows/quality_report.hpp"
#include "workflows/supervision.hpp"
#include "workflows/workflow.hpp"

namespace Catch {
template <>
struct StringMaker<tilsyn::workflows::Effect> {
    static std::string convert(const tilsyn::workflows::Effect& effect) {
        static const char* const kinds[] = {"complete",   "close",     "arm",       "revise",
                                            "open_cases", "close_all", "next_round"};
        std::string text = kinds[static_cast<int>(effect.kind)];
        if (!effect.step.empty()) text += "(" + effect.step + ")";
        return text;
    }
};
}  // namespace Catch

namespace {

using tilsyn::workflows::Effect;
using tilsyn::workflows::EventFacts;
using tilsyn::workflows::Machine;
using tilsyn::workflows::make_machine;
using tilsyn::workflows::Transition;
using Kind = tilsyn::workflows::Effect::Kind;
using Effects = std::vector<Effect>;
using Names = std::vector<std::string>;

Effect complete(const char* step) { return {Kind::complete, step}; }
Effect close(const char* step) { return {Kind::close, step}; }
Effect arm(const char* step) { return {Kind::arm, step}; }
Effect revise(const char* step) { return {Kind::revise, step}; }
const Effect kOpenCases{Kind::open_cases, ""};
const Effect kCloseAll{Kind::close_all, ""};

EventFacts facts(int development_points = 0, int supervision_points = 0) {
    EventFacts result;
    result.development_points = development_points;
    result.supervision_points = supervision_points;
    return result;
}

/// One conversation's facts that every guard accepts.
const EventFacts kAnyFacts = facts(2, 1);

/// Fires an event that must be accepted and checks where it leads and what it asks for.
void step(Machine& machine, const char* event, const EventFacts& event_facts, const char* to,
          const Effects& effects) {
    INFO("event " << event << " in " << machine.state());
    const std::string from(machine.state());
    const Transition t = machine.fire(event, event_facts);
    REQUIRE(t.accepted);
    CHECK(t.from == from);
    CHECK(t.to == to);
    CHECK(machine.state() == to);
    CHECK(t.effects == effects);
}

/// Fires an event that must be refused without any change.
void refused(Machine& machine, const std::string& event, const EventFacts& event_facts) {
    INFO("event " << event << " in " << machine.state());
    const std::string before(machine.state());
    const Transition t = machine.fire(event, event_facts);
    CHECK_FALSE(t.accepted);
    CHECK(t.from == before);
    CHECK(t.to == before);
    CHECK(t.effects.empty());
    CHECK(machine.state() == before);
}

// The specification the tables must implement, written out by hand (state -> allowed events in
// table order; state -> step).
const std::map<std::string, Names> kQualityReportAllowed = {
    {"ReportInPreparation", {"report_submitted", "cycle_cancelled"}},
    {"AwaitingBoardStatement",
     {"board_statement_submitted", "board_statement_missing", "cycle_cancelled"}},
    {"AwaitingConversation", {"conversation_scheduled", "conversation_held", "cycle_cancelled"}},
    {"ConversationScheduled", {"conversation_scheduled", "conversation_held", "cycle_cancelled"}},
    {"PlanInPreparation", {"plan_submitted", "cycle_cancelled"}},
    {"PlanAwaitingApproval", {"plan_returned", "plan_approved", "cycle_cancelled"}},
    {"AwaitingPublication", {"plan_published", "cycle_cancelled"}},
    {"Completed", {}},
    {"Cancelled", {}},
};
const std::map<std::string, std::string> kQualityReportSteps = {
    {"ReportInPreparation", "quality_report"},
    {"AwaitingBoardStatement", "board_statement"},
    {"AwaitingConversation", "quality_conversation"},
    {"ConversationScheduled", "quality_conversation"},
    {"PlanInPreparation", "development_plan"},
    {"PlanAwaitingApproval", "plan_approval"},
    {"AwaitingPublication", "publication"},
    {"Completed", ""},
    {"Cancelled", ""},
};
const std::map<std::string, Names> kSupervisionAllowed = {
    {"ActionPlanDue", {"action_plan_submitted", "supervision_resolved", "support_agreed"}},
    {"FollowUp", {"follow_up_held", "supervision_resolved", "support_agreed"}},
    {"Resolved", {}},
};
const std::map<std::string, std::string> kSupervisionSteps = {
    {"ActionPlanDue", "action_plan"},
    {"FollowUp", "follow_up"},
    {"Resolved", ""},
};

const std::map<std::string, Names>& allowed_spec(const std::string& workflow) {
    return workflow == "quality_report" ? kQualityReportAllowed : kSupervisionAllowed;
}
const std::map<std::string, std::string>& step_spec(const std::string& workflow) {
    return workflow == "quality_report" ? kQualityReportSteps : kSupervisionSteps;
}

Names keys(const std::map<std::string, Names>& map) {
    Names result;
    for (const auto& [key, value] : map) result.push_back(key);
    return result;
}
Names sorted(Names names) {
    std::sort(names.begin(), names.end());
    return names;
}

/// A stand-in for the back-end: actions only need `effects_`.
struct FakeFsm {
    std::vector<Effect> effects_;
};

template <class Action, class Event>
Effects run_action(const Event& event) {
    FakeFsm fsm;
    int source = 0;
    int target = 0;
    Action{}(event, fsm, source, target);
    return fsm.effects_;
}

}  // namespace

TEST_CASE("the workflows list their states and events from the tables", "[workflow]") {
    using tilsyn::workflows::event_names;
    using tilsyn::workflows::initial_state;
    using tilsyn::workflows::state_names;

    CHECK(initial_state("quality_report") == "ReportInPreparation");
    CHECK(initial_state("supervision") == "ActionPlanDue");
    CHECK(sorted(state_names("quality_report")) == keys(kQualityReportAllowed));
    CHECK(sorted(state_names("supervision")) == keys(kSupervisionAllowed));
    CHECK(state_names("quality_report").front() == "ReportInPreparation");
    CHECK(event_names("quality_report") ==
          Names{"report_submitted", "cycle_cancelled", "board_statement_submitted",
                "board_statement_missing", "conversation_scheduled", "conversation_held",
                "plan_submitted", "plan_returned", "plan_approved", "plan_published"});
    CHECK(event_names("supervision") == Names{"action_plan_submitted", "supervision_resolved",
                                              "support_agreed", "follow_up_held"});
}

TEST_CASE("an unknown workflow or state name gives no machine", "[workflow]") {
    CHECK(make_machine("political_report") == nullptr);
    CHECK(make_machine("learning_dialogue", "ReportInPreparation") == nullptr);
    CHECK(make_machine("") == nullptr);
    CHECK(make_machine("quality_report", "NoSuchState") == nullptr);
    CHECK(make_machine("quality_report", "FollowUp") == nullptr);  // a supervision state
    CHECK(make_machine("supervision", "Completed") == nullptr);    // a quality_report state
    CHECK(make_machine("quality_report", "reportinpreparation") == nullptr);  // names are exact
    CHECK(tilsyn::workflows::initial_state("nope").empty());
    CHECK(tilsyn::workflows::state_names("nope").empty());
    CHECK(tilsyn::workflows::event_names("nope").empty());
}

TEST_CASE("a new quality report cycle starts in ReportInPreparation", "[workflow]") {
    const auto machine = make_machine("quality_report");
    REQUIRE(machine);
    CHECK(machine->workflow() == "quality_report");
    CHECK(machine->state() == "ReportInPreparation");
    CHECK(machine->current_step() == "quality_report");
    CHECK_FALSE(machine->is_final());
}

TEST_CASE("the quality report cycle runs through every state to Completed", "[workflow]") {
    auto machine = make_machine("quality_report");
    REQUIRE(machine);
    step(*machine, "report_submitted", {}, "AwaitingBoardStatement",
         {complete("quality_report"), arm("board_statement")});
    CHECK(machine->current_step() == "board_statement");
    step(*machine, "board_statement_submitted", {}, "AwaitingConversation",
         {complete("board_statement"), arm("quality_conversation")});
    CHECK(machine->current_step() == "quality_conversation");
    step(*machine, "conversation_scheduled", {}, "ConversationScheduled", {});
    CHECK(machine->current_step() == "quality_conversation");
    step(*machine, "conversation_scheduled", {}, "ConversationScheduled", {});  // rescheduled
    step(*machine, "conversation_held", facts(2, 0), "PlanInPreparation",
         {complete("quality_conversation"), arm("development_plan")});
    CHECK(machine->current_step() == "development_plan");
    step(*machine, "plan_submitted", {}, "PlanAwaitingApproval",
         {complete("development_plan"), arm("plan_approval")});
    CHECK(machine->current_step() == "plan_approval");
    step(*machine, "plan_approved", {}, "AwaitingPublication",
         {complete("plan_approval"), arm("publication")});
    CHECK(machine->current_step() == "publication");
    step(*machine, "plan_published", {}, "Completed", {complete("publication"), kCloseAll});
    CHECK(machine->is_final());
    CHECK(machine->current_step().empty());
    CHECK(machine->allowed_events().empty());
}

TEST_CASE("a conversation may be held without being scheduled first", "[workflow]") {
    auto machine = make_machine("quality_report", "AwaitingConversation");
    REQUIRE(machine);
    step(*machine, "conversation_held", facts(1, 0), "PlanInPreparation",
         {complete("quality_conversation"), arm("development_plan")});
}

TEST_CASE("a returned plan is revised and submitted again", "[workflow]") {
    auto machine = make_machine("quality_report", "PlanInPreparation");
    REQUIRE(machine);
    step(*machine, "plan_submitted", {}, "PlanAwaitingApproval",
         {complete("development_plan"), arm("plan_approval")});
    step(*machine, "plan_returned", {}, "PlanInPreparation",
         {close("plan_approval"), revise("development_plan")});
    CHECK(machine->current_step() == "development_plan");
    step(*machine, "plan_submitted", {}, "PlanAwaitingApproval",
         {complete("development_plan"), arm("plan_approval")});
    step(*machine, "plan_returned", {}, "PlanInPreparation",
         {close("plan_approval"), revise("development_plan")});
    step(*machine, "plan_submitted", {}, "PlanAwaitingApproval",
         {complete("development_plan"), arm("plan_approval")});
    step(*machine, "plan_approved", {}, "AwaitingPublication",
         {complete("plan_approval"), arm("publication")});
}

TEST_CASE("a cycle can be cancelled from every non-final state", "[workflow]") {
    int cancelled = 0;
    for (const auto& state : tilsyn::workflows::state_names("quality_report")) {
        auto machine = make_machine("quality_report", state);
        REQUIRE(machine);
        if (machine->is_final()) continue;
        INFO("from " << state);
        step(*machine, "cycle_cancelled", {}, "Cancelled", {kCloseAll});
        CHECK(machine->is_final());
        CHECK(machine->current_step().empty());
        ++cancelled;
    }
    CHECK(cancelled == 7);
}

TEST_CASE("supervision points open supervision cases, none without them", "[workflow]") {
    for (const char* state : {"AwaitingConversation", "ConversationScheduled"}) {
        INFO("from " << state);
        auto with = make_machine("quality_report", state);
        REQUIRE(with);
        step(*with, "conversation_held", facts(1, 2), "PlanInPreparation",
             {complete("quality_conversation"), kOpenCases, arm("development_plan")});

        auto without = make_machine("quality_report", state);
        REQUIRE(without);
        step(*without, "conversation_held", facts(3, 0), "PlanInPreparation",
             {complete("quality_conversation"), arm("development_plan")});
    }
}

TEST_CASE("a conversation without a development point is refused", "[workflow]") {
    for (const char* state : {"AwaitingConversation", "ConversationScheduled"}) {
        auto machine = make_machine("quality_report", state);
        REQUIRE(machine);
        int observed = 0;
        machine->set_observer(
            [&](std::string_view, std::string_view, std::string_view) { ++observed; });
        refused(*machine, "conversation_held", facts(0, 0));
        refused(*machine, "conversation_held", facts(0, 3));  // supervision points alone
        CHECK(observed == 0);
        CHECK(machine->state() == state);
        // The machine still works after a refusal.
        step(*machine, "conversation_held", facts(1, 0), "PlanInPreparation",
             {complete("quality_conversation"), arm("development_plan")});
        CHECK(observed == 1);
    }
}

TEST_CASE("a supervision case runs from its action plan through follow-ups to Resolved",
          "[workflow]") {
    auto machine = make_machine("supervision");
    REQUIRE(machine);
    CHECK(machine->workflow() == "supervision");
    CHECK(machine->state() == "ActionPlanDue");
    CHECK(machine->current_step() == "action_plan");
    step(*machine, "action_plan_submitted", {}, "FollowUp",
         {complete("action_plan"), arm("follow_up")});
    CHECK(machine->current_step() == "follow_up");
    step(*machine, "follow_up_held", {}, "FollowUp", {complete("follow_up"), arm("follow_up")});
    step(*machine, "follow_up_held", {}, "FollowUp", {complete("follow_up"), arm("follow_up")});
    step(*machine, "supervision_resolved", {}, "Resolved", {complete("resolution"), kCloseAll});
    CHECK(machine->is_final());
    CHECK(machine->current_step().empty());
}

TEST_CASE("a supervision case can be resolved before its action plan", "[workflow]") {
    auto machine = make_machine("supervision");
    REQUIRE(machine);
    step(*machine, "supervision_resolved", {}, "Resolved", {complete("resolution"), kCloseAll});
}

TEST_CASE("every event the table does not allow in a state is refused without change",
          "[workflow]") {
    int tried = 0;
    for (const std::string workflow : {"quality_report", "supervision"}) {
        const auto& spec = allowed_spec(workflow);
        for (const auto& state : tilsyn::workflows::state_names(workflow)) {
            const Names& allowed = spec.at(state);
            for (const auto& event : tilsyn::workflows::event_names(workflow)) {
                if (std::find(allowed.begin(), allowed.end(), event) != allowed.end()) continue;
                auto machine = make_machine(workflow, state);
                REQUIRE(machine);
                int observed = 0;
                machine->set_observer(
                    [&](std::string_view, std::string_view, std::string_view) { ++observed; });
                refused(*machine, event, kAnyFacts);
                CHECK(observed == 0);
                CHECK(machine->allowed_events() == allowed);
                ++tried;
            }
        }
    }
    // quality_report: 9 states x 10 events - 18 rows; supervision: 3 x 4 - 6.
    CHECK(tried == 90 - 18 + 12 - 6);
}

TEST_CASE("an unknown event or one of another workflow is refused", "[workflow]") {
    auto cycle = make_machine("quality_report");
    REQUIRE(cycle);
    refused(*cycle, "no_such_event", kAnyFacts);
    refused(*cycle, "", kAnyFacts);
    refused(*cycle, "REPORT_SUBMITTED", kAnyFacts);
    refused(*cycle, "supervision_resolved", kAnyFacts);
    auto supervision = make_machine("supervision");
    REQUIRE(supervision);
    refused(*supervision, "cycle_cancelled", kAnyFacts);
}

TEST_CASE("restoring a machine by state name gives that state and its step", "[workflow]") {
    for (const std::string workflow : {"quality_report", "supervision"}) {
        const auto& steps = step_spec(workflow);
        for (const auto& state : tilsyn::workflows::state_names(workflow)) {
            INFO(workflow << " " << state);
            const auto machine = make_machine(workflow, state);
            REQUIRE(machine);
            CHECK(machine->workflow() == workflow);
            CHECK(machine->state() == state);
            CHECK(machine->current_step() == steps.at(state));
            CHECK(machine->is_final() == machine->current_step().empty());
            CHECK(machine->is_final() == machine->allowed_events().empty());
        }
    }
}

TEST_CASE("a restored machine continues from the restored state", "[workflow]") {
    auto machine = make_machine("quality_report", "AwaitingPublication");
    REQUIRE(machine);
    step(*machine, "plan_published", {}, "Completed", {complete("publication"), kCloseAll});
    auto follow_up = make_machine("supervision", "FollowUp");
    REQUIRE(follow_up);
    step(*follow_up, "follow_up_held", {}, "FollowUp", {complete("follow_up"), arm("follow_up")});
}

TEST_CASE("allowed events follow the table per state, in table order", "[workflow]") {
    for (const std::string workflow : {"quality_report", "supervision"}) {
        for (const auto& [state, allowed] : allowed_spec(workflow)) {
            INFO(workflow << " " << state);
            const auto machine = make_machine(workflow, state);
            REQUIRE(machine);
            CHECK(machine->allowed_events() == allowed);
        }
    }
    const auto approval = make_machine("quality_report", "PlanAwaitingApproval");
    REQUIRE(approval);
    CHECK(approval->allowed_events() == Names{"plan_returned", "plan_approved", "cycle_cancelled"});
}

TEST_CASE("allowed events do not evaluate guards", "[workflow]") {
    const auto machine = make_machine("quality_report", "AwaitingConversation");
    REQUIRE(machine);
    const Names allowed = machine->allowed_events();
    CHECK(std::find(allowed.begin(), allowed.end(), "conversation_held") != allowed.end());
}

TEST_CASE("every allowed event with satisfied guards is accepted", "[workflow]") {
    for (const std::string workflow : {"quality_report", "supervision"}) {
        for (const auto& [state, allowed] : allowed_spec(workflow)) {
            for (const auto& event : allowed) {
                INFO(workflow << " " << state << " " << event);
                auto machine = make_machine(workflow, state);
                REQUIRE(machine);
                CHECK(machine->fire(event, kAnyFacts).accepted);
            }
        }
    }
}

TEST_CASE("the observer sees each accepted transition once and no refused one", "[workflow]") {
    auto machine = make_machine("quality_report");
    REQUIRE(machine);
    std::vector<std::tuple<std::string, std::string, std::string>> seen;
    machine->set_observer([&](std::string_view from, std::string_view event, std::string_view to) {
        seen.emplace_back(from, event, to);
    });
    machine->fire("plan_approved", {});               // not allowed
    machine->fire("no_such_event", {});               // unknown
    machine->fire("report_submitted", {});            // accepted
    machine->fire("board_statement_submitted", {});   // accepted
    machine->fire("conversation_scheduled", {});      // accepted
    machine->fire("conversation_scheduled", {});      // accepted: rescheduled
    machine->fire("conversation_held", facts(0, 1));  // guard refuses
    machine->fire("conversation_held", facts(1, 1));  // accepted
    machine->fire("conversation_held", facts(1, 1));  // not allowed any more
    using Seen = std::tuple<std::string, std::string, std::string>;
    CHECK(seen ==
          std::vector<Seen>{
              {"ReportInPreparation", "report_submitted", "AwaitingBoardStatement"},
              {"AwaitingBoardStatement", "board_statement_submitted", "AwaitingConversation"},
              {"AwaitingConversation", "conversation_scheduled", "ConversationScheduled"},
              {"ConversationScheduled", "conversation_scheduled", "ConversationScheduled"},
              {"ConversationScheduled", "conversation_held", "PlanInPreparation"},
          });

    machine->set_observer({});  // an empty observer is allowed
    CHECK(machine->fire("plan_submitted", {}).accepted);
    CHECK(seen.size() == 5);
}

TEST_CASE("machines are independent of each other", "[workflow]") {
    auto first = make_machine("quality_report");
    auto second = make_machine("quality_report");
    REQUIRE(first);
    REQUIRE(second);
    CHECK(first->fire("report_submitted", {}).accepted);
    CHECK(first->state() == "AwaitingBoardStatement");
    CHECK(second->state() == "ReportInPreparation");
}

TEST_CASE("the guard has_development_point needs at least one development point", "[workflow]") {
    namespace qr = tilsyn::workflows::qr;
    namespace ev = tilsyn::workflows::qr_events;
    FakeFsm fsm;
    qr::AwaitingConversation source;
    qr::PlanInPreparation target;
    const qr::has_development_point guard;
    CHECK(guard(ev::conversation_held{facts(1, 0)}, fsm, source, target));
    CHECK(guard(ev::conversation_held{facts(4, 2)}, fsm, source, target));
    CHECK_FALSE(guard(ev::conversation_held{facts(0, 0)}, fsm, source, target));
    CHECK_FALSE(guard(ev::conversation_held{facts(0, 2)}, fsm, source, target));
    CHECK_FALSE(guard(ev::conversation_held{facts(-1, 0)}, fsm, source, target));
}

TEST_CASE("the quality report actions append their effects in order", "[workflow]") {
    namespace qr = tilsyn::workflows::qr;
    namespace ev = tilsyn::workflows::qr_events;
    CHECK(run_action<qr::submit_report>(ev::report_submitted{}) ==
          Effects{complete("quality_report"), arm("board_statement")});
    CHECK(run_action<qr::submit_board_statement>(ev::board_statement_submitted{}) ==
          Effects{complete("board_statement"), arm("quality_conversation")});
    CHECK(run_action<qr::hold_conversation>(ev::conversation_held{facts(1, 0)}) ==
          Effects{complete("quality_conversation"), arm("development_plan")});
    CHECK(run_action<qr::hold_conversation>(ev::conversation_held{facts(1, 3)}) ==
          Effects{complete("quality_conversation"), kOpenCases, arm("development_plan")});
    CHECK(run_action<qr::submit_plan>(ev::plan_submitted{}) ==
          Effects{complete("development_plan"), arm("plan_approval")});
    CHECK(run_action<qr::return_plan>(ev::plan_returned{}) ==
          Effects{close("plan_approval"), revise("development_plan")});
    CHECK(run_action<qr::approve_plan>(ev::plan_approved{}) ==
          Effects{complete("plan_approval"), arm("publication")});
    CHECK(run_action<qr::publish_plan>(ev::plan_published{}) ==
          Effects{complete("publication"), kCloseAll});
    CHECK(run_action<qr::cancel_cycle>(ev::cycle_cancelled{}) == Effects{kCloseAll});
}

TEST_CASE("the supervision actions append their effects in order", "[workflow]") {
    namespace sup = tilsyn::workflows::sup;
    namespace ev = tilsyn::workflows::sup_events;
    CHECK(run_action<sup::submit_action_plan>(ev::action_plan_submitted{}) ==
          Effects{complete("action_plan"), arm("follow_up")});
    CHECK(run_action<sup::hold_follow_up>(ev::follow_up_held{}) ==
          Effects{complete("follow_up"), arm("follow_up")});
    CHECK(run_action<sup::resolve_case>(ev::supervision_resolved{}) ==
          Effects{complete("resolution"), kCloseAll});
}

TEST_CASE("event and state names are unique and stable", "[workflow]") {
    namespace qr = tilsyn::workflows::qr;
    namespace ev = tilsyn::workflows::qr_events;
    // The database stores these names: renaming one breaks stored cycles.
    CHECK(std::string(qr::ReportInPreparation::name) == "ReportInPreparation");
    CHECK(std::string(qr::PlanAwaitingApproval::name) == "PlanAwaitingApproval");
    CHECK(std::string(ev::conversation_held::name) == "conversation_held");
    for (const std::string workflow : {"quality_report", "supervision"}) {
        Names states = sorted(tilsyn::workflows::state_names(workflow));
        CHECK(std::adjacent_find(states.begin(), states.end()) == states.end());
        Names events = sorted(tilsyn::workflows::event_names(workflow));
        CHECK(std::adjacent_find(events.begin(), events.end()) == events.end());
    }
}

TEST_CASE("the learning dialogue runs its rounds and ends after the last one", "[workflow][ld]") {
    auto m = make_machine("learning_dialogue");
    REQUIRE(m);
    CHECK(m->state() == "AwaitingDataPackage");
    CHECK(m->current_step() == "data_package");
    const Effect next_round{Kind::next_round, ""};
    EventFacts middle = kAnyFacts;
    EventFacts last = kAnyFacts;
    last.last_round = true;
    step(*m, "observer_assigned", middle, "AwaitingDataPackage", {});
    refused(*m, "observation_feedback_submitted", middle);
    step(*m, "data_package_published", middle, "AwaitingObservation",
         {complete("data_package"), arm("observation")});
    step(*m, "observation_feedback_submitted", middle, "AwaitingLearningConversation",
         {complete("observation"), arm("learning_conversation")});
    refused(*m, "learning_conversation_held", facts(0, 0));  // no focus area
    // The 1:1 goes beside the rounds: the conversation arms it and starts the next round.
    step(*m, "learning_conversation_held", facts(1, 1), "AwaitingDataPackage",
         {complete("learning_conversation"), kOpenCases, close("one_to_one"), arm("one_to_one"),
          next_round, arm("data_package")});
    EventFacts one_due = middle;
    one_due.step_open = true;
    refused(*m, "one_to_one_held", middle);  // none due
    step(*m, "one_to_one_held", one_due, "AwaitingDataPackage", {complete("one_to_one")});
    step(*m, "data_package_published", middle, "AwaitingObservation",
         {complete("data_package"), arm("observation")});
    step(*m, "one_to_one_held", one_due, "AwaitingObservation", {complete("one_to_one")});
    step(*m, "observation_feedback_submitted", middle, "AwaitingLearningConversation",
         {complete("observation"), arm("learning_conversation")});
    step(*m, "one_to_one_held", one_due, "AwaitingLearningConversation", {complete("one_to_one")});
    // The last round's conversation waits for its 1:1, which ends the dialogue.
    EventFacts last_conversation = facts(1, 0);
    last_conversation.last_round = true;
    step(*m, "learning_conversation_held", last_conversation, "AwaitingOneToOne",
         {complete("learning_conversation"), close("one_to_one"), arm("one_to_one")});
    step(*m, "one_to_one_held", last, "DialogueCompleted", {complete("one_to_one"), kCloseAll});
    CHECK(m->is_final());
    for (const auto& event : tilsyn::workflows::event_names("learning_dialogue")) {
        refused(*m, event, last);
    }
    auto cancelled = make_machine("learning_dialogue", "AwaitingOneToOne");
    REQUIRE(cancelled);
    step(*cancelled, "cycle_cancelled", middle, "DialogueCancelled", {kCloseAll});
    // A dialogue stored waiting for a 1:1 before it moved beside the rounds goes on.
    auto stored = make_machine("learning_dialogue", "AwaitingOneToOne");
    step(*stored, "one_to_one_held", middle, "AwaitingDataPackage",
         {complete("one_to_one"), next_round, arm("data_package")});
}

TEST_CASE("every workflow describes exactly its table's events and the steps its states wait for",
          "[workflow][description]") {
    for (const auto* description : tilsyn::workflows::all_workflows()) {
        INFO(description->id);
        // Building a machine checks the description against the table (a logic_error if not).
        REQUIRE_NOTHROW(make_machine(description->id));
        for (const auto& state : tilsyn::workflows::state_names(description->id)) {
            auto machine = make_machine(description->id, state);
            REQUIRE(machine);
            const std::string step(machine->current_step());
            if (!step.empty()) CHECK(description->find_step(step));
            CHECK(tilsyn::workflows::state_title(description->id, state) != state);
        }
        for (const auto& step : description->steps) {
            CHECK_FALSE(step.title.empty());
            CHECK_FALSE(step.reminded.empty());
            CHECK(tilsyn::workflows::step_title(step.id) == step.title);
        }
        for (const auto& event : description->events) {
            CHECK_FALSE(event.title.empty());
            CHECK(event.by_system == event.senders.empty());
            if (!event.by_system) CHECK_FALSE(event.action.empty());
        }
    }
}

TEST_CASE("the supervision case's follow-up is a described step with a Danish title",
          "[workflow][description]") {
    const auto* step = tilsyn::workflows::find_step("follow_up");
    REQUIRE(step);
    CHECK(step->recurring);
    CHECK(step->title == "Opfølgning i tilsynssag");
    CHECK(step->reminded == std::vector<tilsyn::Role>{tilsyn::Role::area_chief});
    CHECK(tilsyn::workflows::step_title("no_such_step") == "no_such_step");
}
