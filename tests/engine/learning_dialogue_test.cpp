// The learning dialogue (domain.md workflow 2) through the case service on a real SQLite
// store: one daycare through its full two years (four rounds), and the observer rules.
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <tuple>

#include "danish_words.hpp"
#include "engine/calendar_feed.hpp"
#include "engine/case_view.hpp"
#include "engine/theme.hpp"
#include "workflow_fixture.hpp"
#include "workflows/workflow.hpp"

using namespace tilsyn;
using tilsyn::testing::at;
using tilsyn::testing::step;

namespace {

const std::string kDialogue = "learning-dialogue/solsikken/2026-09-07";

// The small configuration plus a learning dialogue for daycare, Frydenlund observing
// Solsikken.
struct DialogueWorld : testing::WorkflowWorld {
    Actor solsikken_leader{"leder@solsikken.example.dk", Role::leader, "", "solsikken"};

    DialogueWorld() {
        CycleConfig cycle;
        cycle.id = "learning-dialogue";
        cycle.workflow = "learning_dialogue";
        cycle.institutions.kinds = {InstitutionKind::daycare};
        cycle.starts.first = *parse_date("2026-09-07");
        cycle.starts.every = {2, Unit::year};
        cycle.rounds = Rounds{4, {6, Unit::month}};
        cycle.observers = {{"solsikken", "frydenlund"}};
        cycle.steps = {step("data_package", "round + 2 weeks", 40),
                       step("observation", "data_package + 6 weeks", 41),
                       step("learning_conversation", "observation + 2 weeks", 42),
                       step("one_to_one", "learning_conversation + 4 weeks", 43)};
        cycle.reminders = {{-5, Unit::workday}};
        cycle.escalation = {{{2, Unit::workday}, {Role::area_chief}, {"test.yaml", 45, 9}}};
        cycle.supervision = config.cycles[0].supervision;
        config.cycles.push_back(cycle);
        rebuild();
    }

    ApplyResult send_on(const char* event, const Actor& actor, const std::string& payload,
                        Date day) {
        return cases->apply(kDialogue, event, actor, payload,
                            zone.to_instant(day, std::chrono::hours{10}));
    }
};

std::string feedback(const char* observer) {
    return fmt::format(
        R"({{"observer_institution":"{}","feedback":"Rolig stemning, tydelig struktur."}})",
        observer);
}

}  // namespace

TEST_CASE("a daycare goes through a two-year learning dialogue, four rounds", "[ld][workflow]") {
    DialogueWorld w;
    // The dialogue, and Frydenlund's quality report of the running period.
    REQUIRE(w.scheduler->tick(at("2026-09-07", 9)).cycles_opened == 2);
    REQUIRE(w.state(kDialogue) == "AwaitingDataPackage");
    const Date start = *parse_date("2026-09-07");
    for (int round = 1; round <= 4; ++round) {
        INFO("round " << round);
        const Date round_start = add_months(start, 6 * (round - 1));
        auto due = w.open_deadlines(kDialogue, "due");
        REQUIRE(due.size() == 1);
        CHECK(due[0].step == "data_package");
        CHECK(due[0].round == round);
        CHECK(due[0].due_on == w.calendar.next_working_day(round_start + std::chrono::days{14}));

        REQUIRE(
            w.send_on("data_package_published", w.admin, "{}", round_start + std::chrono::days{7})
                .status == ApplyStatus::ok);
        // The observed institution's own leader may not give the feedback.
        auto own = w.send_on("observation_feedback_submitted", w.solsikken_leader,
                             feedback("solsikken"), round_start + std::chrono::days{20});
        CHECK(own.status == ApplyStatus::forbidden);
        CHECK(own.code == ErrorCode::not_observer);
        CHECK_DANISH(own.message);
        REQUIRE(w.send_on("observation_feedback_submitted", w.leader, feedback("frydenlund"),
                          round_start + std::chrono::days{30})
                    .status == ApplyStatus::ok);
        const std::string points =
            round == 2
                ? R"(,"supervision_points":[{"title":"Sprogvurderinger mangler","reason":"law","goal":"learning"}])"
                : "";
        auto held = w.send_on(
            "learning_conversation_held", w.chief,
            R"({"focus_areas":[{"title":"Sprog og leg","goal":"learning"}])" + points + "}",
            round_start + std::chrono::days{40});
        REQUIRE(held.status == ApplyStatus::ok);
        CHECK(held.opened_cases.size() == (round == 2 ? 1u : 0u));
        // The 1:1 follows the conversation beside the rounds: the next round starts at once,
        // and only the last round waits for its 1:1.
        CHECK(held.state_after == (round < 4 ? "AwaitingDataPackage" : "AwaitingOneToOne"));
        std::map<std::string, int> open;
        for (const auto& d : w.open_deadlines(kDialogue, "due")) open[d.step] = d.round;
        if (round < 4) {
            CHECK(open ==
                  std::map<std::string, int>{{"data_package", round + 1}, {"one_to_one", round}});
        } else {
            CHECK(open == std::map<std::string, int>{{"one_to_one", 4}});
        }
        // The area chief holds the 1:1 (the leader is the one followed up on).
        CHECK(w.send_on("one_to_one_held", w.solsikken_leader, R"({"note":"x"})",
                        round_start + std::chrono::days{50})
                  .status == ApplyStatus::forbidden);
        auto one = w.send_on("one_to_one_held", w.chief, R"({"note":"Opfølgning på sprog."})",
                             round_start + std::chrono::days{60});
        REQUIRE(one.status == ApplyStatus::ok);
        CHECK(one.state_after == (round < 4 ? "AwaitingDataPackage" : "DialogueCompleted"));
        // A second 1:1 with none due is refused.
        if (round < 4) {
            CHECK(w.send_on("one_to_one_held", w.chief, R"({"note":"igen"})",
                            round_start + std::chrono::days{61})
                      .status == ApplyStatus::conflict);
        }
    }
    CHECK(w.open_deadlines(kDialogue, "due").empty());
    CHECK(w.open_deadlines(kDialogue, "reminder").empty());
    // Deadlines of all four rounds were armed, each with its round number.
    std::set<int> rounds;
    for (const auto& d : w.store->deadlines(kDialogue)) rounds.insert(d.round);
    CHECK(rounds == std::set<int>{1, 2, 3, 4});
    CHECK(w.store->child_cases(kDialogue).size() == 1);
    CHECK(w.send_on("data_package_published", w.admin, "{}", *parse_date("2028-09-01")).status ==
          ApplyStatus::conflict);
    // The history has every event: opened + 4 rounds x 4 steps.
    CHECK(w.store->events(kDialogue).size() == 1 + 16);
}

TEST_CASE("learning dialogue observers: assigned, never themselves, only they give feedback",
          "[ld][workflow]") {
    DialogueWorld w;
    // The dialogue, and Frydenlund's quality report of the running period.
    REQUIRE(w.scheduler->tick(at("2026-09-07", 9)).cycles_opened == 2);
    const Date day = *parse_date("2026-09-20");
    REQUIRE(w.send_on("data_package_published", w.admin, "{}", day).status == ApplyStatus::ok);

    const std::string before = w.snapshot(kDialogue);
    auto self =
        w.send_on("observer_assigned", w.chief, R"({"observer_institution":"solsikken"})", day);
    CHECK(self.status == ApplyStatus::bad_payload);
    CHECK(self.field == "observer_institution");
    CHECK(self.message.find("Et tilbud kan ikke observere sig selv.") == 0);
    CHECK_DANISH(self.message);
    CHECK(w.send_on("observer_assigned", w.chief, R"({"observer_institution":"atlantis"})", day)
              .status == ApplyStatus::bad_payload);
    CHECK(w.send_on("observer_assigned", w.other_chief, R"({"observer_institution":"frydenlund"})",
                    day)
              .status == ApplyStatus::not_found);
    CHECK(w.send_on("observer_assigned", w.leader, R"({"observer_institution":"frydenlund"})", day)
              .status == ApplyStatus::not_found);  // frydenlund's leader cannot see solsikken
    // Feedback naming another institution than the sender's.
    auto wrong = w.send_on("observation_feedback_submitted", w.leader, feedback("solsikken"), day);
    CHECK(wrong.status == ApplyStatus::bad_payload);
    CHECK(wrong.code == ErrorCode::not_observer);
    CHECK(wrong.field == "observer_institution");
    CHECK_DANISH(wrong.message);
    CHECK(w.snapshot(kDialogue) == before);

    // The area chief assigns another observer: the configured one no longer reaches it.
    Institution other = w.config.institutions[0];
    other.id = "engen";
    other.name = "Engen";
    other.leader.email = "leder@engen.example.dk";
    w.config.institutions.push_back(other);
    w.store->sync_directory(w.config);
    w.rebuild();
    REQUIRE(w.send_on("observer_assigned", w.chief, R"({"observer_institution":"engen"})", day)
                .status == ApplyStatus::ok);
    CHECK(w.cases->observer_of(*w.store->find_cycle(kDialogue)) == "engen");
    CHECK(
        w.send_on("observation_feedback_submitted", w.leader, feedback("frydenlund"), day).status ==
        ApplyStatus::not_found);
    Actor engen{"leder@engen.example.dk", Role::leader, "", "engen"};
    CHECK(w.send_on("observation_feedback_submitted", engen, feedback("engen"), day).status ==
          ApplyStatus::ok);
    CHECK(w.state(kDialogue) == "AwaitingLearningConversation");
    // A conversation without focus areas is refused.
    CHECK(w.send_on("learning_conversation_held", w.chief, R"({"focus_areas":[]})", day).status ==
          ApplyStatus::bad_payload);
}

namespace {

/// Recipients of the pending mails whose subject or body names a step's title.
std::set<std::string> mailed_about(testing::WorkflowWorld& w, std::string_view title) {
    std::set<std::string> to;
    for (const auto& m : w.store->outbox("pending", 10000)) {
        if (m.subject.find(title) != std::string::npos || m.body.find(title) != std::string::npos) {
            to.insert(m.recipient);
        }
    }
    return to;
}

}  // namespace

TEST_CASE("the observation's reminders and escalations go to the observer, never the observed",
          "[ld][workflow][observer]") {
    DialogueWorld w;
    REQUIRE(w.scheduler->tick(at("2026-09-07", 9)).cycles_opened == 2);
    REQUIRE(w.send_on("data_package_published", w.admin, "{}", *parse_date("2026-09-10")).status ==
            ApplyStatus::ok);
    // Observation due 2026-10-22: the reminder -5 workdays, the escalation +2 workdays.
    w.scheduler->tick(at("2026-10-15", 9));
    w.scheduler->tick(at("2026-10-27", 9));
    const auto to = mailed_about(w, "Læringsmiljøobservation");
    CHECK(to.count("Lene Leder <leder@frydenlund.example.dk>") == 1);  // the observer's leader
    CHECK(to.count("Bo Leder <leder@solsikken.example.dk>") == 0);     // not the observed one's
    CHECK(to.count("Søren Chef <chef.syd@example.dk>") == 1);          // the escalation
}

TEST_CASE("without an observer, the observation's reminder goes to the area chief who assigns one",
          "[ld][workflow][observer]") {
    DialogueWorld w;
    w.config.cycles.back().observers.clear();
    w.rebuild();
    REQUIRE(w.scheduler->tick(at("2026-09-07", 9)).cycles_opened == 2);
    REQUIRE(w.send_on("data_package_published", w.admin, "{}", *parse_date("2026-09-10")).status ==
            ApplyStatus::ok);
    w.scheduler->tick(at("2026-10-16", 9));  // the reminder only
    const auto to = mailed_about(w, "Læringsmiljøobservation");
    CHECK(to == std::set<std::string>{"Søren Chef <chef.syd@example.dk>"});
}

TEST_CASE("only the observer is offered the feedback; the area chief may record it as not held",
          "[ld][workflow][observer]") {
    DialogueWorld w;
    REQUIRE(w.scheduler->tick(at("2026-09-07", 9)).cycles_opened == 2);
    REQUIRE(w.send_on("data_package_published", w.admin, "{}", *parse_date("2026-09-10")).status ==
            ApplyStatus::ok);
    const auto record = *w.store->find_cycle(kDialogue);
    const auto allowed = workflows::make_machine(record.workflow, record.state)->allowed_events();
    CHECK(w.cases->events_for(record, allowed, w.solsikken_leader).empty());
    CHECK(w.cases->events_for(record, allowed, w.leader) ==
          std::vector<std::string>{"observation_feedback_submitted"});
    // The observer reaches the dialogue's page; another institution's leader does not.
    const Date today = *parse_date("2026-09-11");
    CHECK(cycle_detail(*w.store, *w.cases, kDialogue, &w.leader, today).has_value());
    const Actor stranger{"x@example.dk", Role::leader, "", "ukendt"};
    CHECK_FALSE(cycle_detail(*w.store, *w.cases, kDialogue, &stranger, today).has_value());

    // Not held, with a reason: refused without one, then the conversation can go ahead.
    const auto before = w.snapshot(kDialogue);
    auto refused = w.send_on("observation_not_held", w.chief, "{}", today);
    CHECK(refused.status == ApplyStatus::bad_payload);
    CHECK(refused.field == "reason");
    CHECK(w.snapshot(kDialogue) == before);
    CHECK(w.send_on("observation_not_held", w.solsikken_leader, R"({"reason":"Syg"})", today)
              .status == ApplyStatus::forbidden);
    const auto skipped =
        w.send_on("observation_not_held", w.chief, R"({"reason":"Observatøren blev syg."})", today);
    REQUIRE(skipped.status == ApplyStatus::ok);
    CHECK(skipped.state_after == "AwaitingLearningConversation");
    auto due = w.open_deadlines(kDialogue, "due");
    REQUIRE(due.size() == 1);
    CHECK(due[0].step == "learning_conversation");
}

TEST_CASE("the observed institution's calendar feed does not hold its observation",
          "[ld][observer][feed]") {
    CHECK_FALSE(step_concerns(Role::leader, nullptr, "observation"));
    CHECK_FALSE(step_concerns(Role::board, nullptr, "observation"));
    CHECK(step_concerns(Role::area_chief, nullptr, "observation"));
    CHECK(step_concerns(Role::leader, nullptr, "learning_conversation"));
}

TEST_CASE(
    "the cycle's config names who holds the 1:1 and makes the data package; reminders "
    "follow",
    "[ld][workflow][by]") {
    DialogueWorld w;
    auto& steps = w.config.cycles.back().steps;
    steps[0].by = {Role::area_chief};  // data_package
    steps[3].by = {Role::director};    // one_to_one
    w.rebuild();
    REQUIRE(w.scheduler->tick(at("2026-09-07", 9)).cycles_opened == 2);
    // Data package due 2026-09-21: its reminder (-5 workdays) goes to the area chief now.
    w.scheduler->tick(at("2026-09-14", 9));
    CHECK(mailed_about(w, "Datapakke") ==
          std::set<std::string>{"Søren Chef <chef.syd@example.dk>"});
    const Date day = *parse_date("2026-09-15");
    CHECK(w.send_on("data_package_published", w.admin, "{}", day).status == ApplyStatus::forbidden);
    REQUIRE(w.send_on("data_package_published", w.chief, "{}", day).status == ApplyStatus::ok);
    REQUIRE(w.send_on("observation_not_held", w.chief, R"({"reason":"Syg"})", day).status ==
            ApplyStatus::ok);
    REQUIRE(w.send_on("learning_conversation_held", w.chief,
                      R"({"focus_areas":[{"title":"Sprog","goal":"learning"}]})", day)
                .status == ApplyStatus::ok);
    const auto before = w.snapshot(kDialogue);
    CHECK(w.send_on("one_to_one_held", w.chief, R"({"note":"x"})", day).status ==
          ApplyStatus::forbidden);
    CHECK(w.snapshot(kDialogue) == before);
    CHECK(w.send_on("one_to_one_held", w.director, R"({"note":"x"})", day).status ==
          ApplyStatus::ok);
}

TEST_CASE(
    "forvaltningen is reminded of the data package and records it for all daycares of a "
    "round at once",
    "[ld][workflow][many]") {
    DialogueWorld w;
    w.config.organisation.administration = {"Forvaltningen", "forvaltning@example.dk", {}};
    Institution engen = w.config.institutions[1];
    engen.id = "engen";
    engen.name = "Engen";
    engen.leader.email = "leder@engen.example.dk";
    w.config.institutions.push_back(engen);
    w.store->sync_directory(w.config);
    w.rebuild();
    REQUIRE(w.scheduler->tick(at("2026-09-07", 9)).cycles_opened == 3);
    w.scheduler->tick(at("2026-09-14", 9));
    CHECK(mailed_about(w, "Datapakke") ==
          std::set<std::string>{"Forvaltningen <forvaltning@example.dk>"});

    const Instant now = at("2026-09-15", 10);
    const std::string engen_dialogue = "learning-dialogue/engen/2026-09-07";
    const auto before = w.snapshot(kDialogue) + w.snapshot(engen_dialogue);
    auto refused = [&](InstitutionKind kind, int round, const char* event, const Actor& actor,
                       const char* payload, const char* code) {
        const auto result =
            w.cases->apply_to_many("learning-dialogue", kind, round, event, actor, payload, now);
        INFO(result.message);
        CHECK(result.status != ApplyStatus::ok);
        CHECK(error_code_name(result.code) == code);
        CHECK(result.recorded.empty());
        CHECK_DANISH(result.message);
    };
    refused(InstitutionKind::school, 1, "data_package_published", w.admin, "{}", "bad_value");
    refused(InstitutionKind::daycare, 5, "data_package_published", w.admin, "{}", "bad_value");
    refused(InstitutionKind::daycare, 0, "data_package_published", w.admin, "{}", "bad_value");
    refused(InstitutionKind::daycare, 2, "data_package_published", w.admin, "{}",
            "nothing_waiting");
    refused(InstitutionKind::daycare, 1, "observation_not_held", w.admin, R"({"reason":"x"})",
            "not_for_many");
    refused(InstitutionKind::daycare, 1, "data_package_published", w.chief, "{}",
            "role_not_allowed");
    refused(InstitutionKind::daycare, 1, "data_package_published", w.admin, R"({"url":"ftp://x"})",
            "bad_value");
    const auto unknown = w.cases->apply_to_many("ukendt", InstitutionKind::daycare, 1,
                                                "data_package_published", w.admin, "{}", now);
    CHECK(unknown.code == ErrorCode::not_found);
    CHECK(unknown.field == "cycle");
    CHECK(w.snapshot(kDialogue) + w.snapshot(engen_dialogue) == before);

    const auto all = w.cases->apply_to_many("learning-dialogue", InstitutionKind::daycare, 1,
                                            "data_package_published", w.admin,
                                            R"({"url":"https://lis.example.dk/dagtilbud"})", now);
    REQUIRE(all.status == ApplyStatus::ok);
    CHECK(all.recorded == std::vector<std::string>{engen_dialogue, kDialogue});
    CHECK(w.state(kDialogue) == "AwaitingObservation");
    CHECK(w.state(engen_dialogue) == "AwaitingObservation");
    CHECK(w.store->events(kDialogue).back().actor == "admin@example.dk");
    // Once more: every daycare of the round has it already.
    const auto again = w.cases->apply_to_many("learning-dialogue", InstitutionKind::daycare, 1,
                                              "data_package_published", w.admin, "{}", now);
    CHECK(again.code == ErrorCode::nothing_waiting);
    CHECK(again.already == 2);
    CHECK(again.message.find("allerede") != std::string::npos);
}

TEST_CASE("the observer's leader finds the observation among its own tasks and in its feed",
          "[ld][observer][feed]") {
    DialogueWorld w;
    REQUIRE(w.scheduler->tick(at("2026-09-07", 9)).cycles_opened == 2);
    const Date today = *parse_date("2026-09-11");
    auto observing = [&](const Actor& actor) {
        std::vector<std::string> ids;
        for (const auto& s : list_cycles(*w.store, *w.cases, {}, &actor, today)) {
            if (s.observing) ids.push_back(s.row.cycle.id);
        }
        return ids;
    };
    // Before the data package the observation does not wait yet.
    CHECK(observing(w.leader).empty());
    REQUIRE(w.send_on("data_package_published", w.admin, "{}", *parse_date("2026-09-10")).status ==
            ApplyStatus::ok);
    CHECK(observing(w.leader) == std::vector<std::string>{kDialogue});
    CHECK(observing(w.solsikken_leader).empty());  // the observed leader observes nobody
    CHECK(observing(w.board).empty());             // nor does a board

    StoredUser observer;
    observer.email = w.leader.email;
    observer.role = "leader";
    observer.institution_id = w.leader.institution_id;
    std::string feed = calendar_feed(*w.store, *w.cases, observer, at("2026-09-11", 9));
    for (auto fold = feed.find("\r\n "); fold != std::string::npos; fold = feed.find("\r\n ")) {
        feed.erase(fold, 3);  // unfold RFC 5545 lines
    }
    CHECK(feed.find("Læringsmiljøobservation") != std::string::npos);
    CHECK(feed.find("Børnehuset Solsikken") != std::string::npos);
    StoredUser observed = observer;
    observed.email = w.solsikken_leader.email;
    observed.institution_id = "solsikken";
    CHECK(calendar_feed(*w.store, *w.cases, observed, at("2026-09-11", 9))
              .find("Læringsmiljøobservation") == std::string::npos);

    // Once the feedback is in, the task leaves the observer's list.
    REQUIRE(w.send_on("observation_feedback_submitted", w.leader, feedback("frydenlund"), today)
                .status == ApplyStatus::ok);
    CHECK(observing(w.leader).empty());
}

TEST_CASE("an assigned observer's leader is told what to observe, in which round and by when",
          "[ld][workflow][observer][notice]") {
    DialogueWorld w;
    w.config.cycles.back().observers.clear();
    Institution engen = w.config.institutions[0];
    engen.id = "engen";
    engen.name = "Engen";
    engen.leader = {"Erik Engen", "leder@engen.example.dk", {}};
    engen.board = {"", "bestyrelse@engen.example.dk", {}};
    w.config.institutions.push_back(engen);
    w.store->sync_directory(w.config);
    w.rebuild();
    REQUIRE(w.scheduler->tick(at("2026-09-07", 9)).cycles_opened == 3);
    auto told = [&] {
        std::vector<OutboxMessage> found;
        for (const auto& m : w.store->outbox("pending", 1000)) {
            if (m.subject.rfind("Læringsmiljøobservation i ", 0) == 0) found.push_back(m);
        }
        return found;
    };

    // Before the data package: the observation's due date as planned (data package due
    // 2026-09-21, + 6 weeks).
    const auto assigned =
        w.send_on("observer_assigned", w.chief, R"({"observer_institution":"frydenlund"})",
                  *parse_date("2026-09-08"));
    REQUIRE(assigned.status == ApplyStatus::ok);
    CHECK(assigned.mails_queued == 1);
    auto mails = told();
    REQUIRE(mails.size() == 1);
    CHECK(mails[0].recipient == "Lene Leder <leder@frydenlund.example.dk>");
    CHECK(mails[0].subject ==
          "Læringsmiljøobservation i Børnehuset Solsikken (runde 1) – frist 02.11.2026");
    CHECK(mails[0].body.find("Frydenlund Skole er udpeget til at observere læringsmiljøet i "
                             "Børnehuset Solsikken i runde 1 af læringsdialogen.") !=
          std::string::npos);
    CHECK(mails[0].body.find("Fristen er efter planen mandag den 2. november 2026") !=
          std::string::npos);
    CHECK(mails[0].body.find("http://127.0.0.1:8080/cycles/" + kDialogue) != std::string::npos);
    CHECK(mails[0].calendar.empty());

    // After the data package (2026-09-10): the observation's own deadline (+ 6 weeks). The
    // new observer is told; the observed institution never is.
    REQUIRE(w.send_on("data_package_published", w.admin, "{}", *parse_date("2026-09-10")).status ==
            ApplyStatus::ok);
    REQUIRE(w.send_on("observer_assigned", w.chief, R"({"observer_institution":"engen"})",
                      *parse_date("2026-09-11"))
                .status == ApplyStatus::ok);
    mails = told();
    REQUIRE(mails.size() == 2);
    CHECK(mails[1].recipient == "Erik Engen <leder@engen.example.dk>");
    CHECK(mails[1].subject ==
          "Læringsmiljøobservation i Børnehuset Solsikken (runde 1) – frist 22.10.2026");
    CHECK(mails[1].body.find("Engen er udpeget til at observere") != std::string::npos);
    for (const auto& m : w.store->outbox("pending", 1000)) {
        CHECK(m.recipient.find("solsikken") == std::string::npos);
    }
}

TEST_CASE("the observer's page: observing, its round and observer; the chief chooses among tilbud",
          "[ld][observer][view]") {
    DialogueWorld w;
    // Two more daycares and a school: the chief chooses among the daycares (and the school
    // the configuration named), never the observed one itself.
    for (auto [id, name, kind] : {std::tuple{"engen", "Engen", InstitutionKind::daycare},
                                  std::tuple{"aaen", "Åen", InstitutionKind::daycare},
                                  std::tuple{"bakken", "Bakkeskolen", InstitutionKind::school}}) {
        Institution other = w.config.institutions[1];
        other.id = id;
        other.name = name;
        other.kind = kind;
        other.leader.email = fmt::format("leder@{}.example.dk", id);
        w.config.institutions.push_back(other);
    }
    w.store->sync_directory(w.config);
    w.rebuild();
    REQUIRE(w.scheduler->tick(at("2026-09-07", 9)).cycles_opened > 0);
    const Date day = *parse_date("2026-09-20");
    REQUIRE(w.send_on("data_package_published", w.admin, "{}", day).status == ApplyStatus::ok);
    const auto record = *w.store->find_cycle(kDialogue);
    std::vector<std::string> choices;
    for (const Institution* inst : w.cases->observer_choices(record)) choices.push_back(inst->id);
    CHECK(choices == std::vector<std::string>{"engen", "frydenlund", "aaen"});  // by name

    auto chief = cycle_detail(*w.store, *w.cases, kDialogue, &w.chief, day);
    REQUIRE(chief);
    CHECK_FALSE(chief->summary.observing);
    CHECK(chief->round == 1);
    CHECK(chief->observer.id == "frydenlund");
    CHECK(chief->observer.name == "Frydenlund Skole");
    REQUIRE(chief->observer_choices.size() == 3);
    CHECK(chief->observer_choices[0].name == "Engen");

    auto observer = cycle_detail(*w.store, *w.cases, kDialogue, &w.leader, day);
    REQUIRE(observer);
    CHECK(observer->summary.observing);
    CHECK(observer->actor_events == std::vector<std::string>{"observation_feedback_submitted"});
    CHECK(observer->observer_choices.empty());  // the observer names nobody
    auto observed = cycle_detail(*w.store, *w.cases, kDialogue, &w.solsikken_leader, day);
    REQUIRE(observed);
    CHECK_FALSE(observed->summary.observing);
    CHECK(observed->actor_events.empty());
}

TEST_CASE(
    "a focus area names one of the period's published themes; the next round assesses it and "
    "sees the written feedback",
    "[ld][workflow][theme][continuity]") {
    DialogueWorld w;
    REQUIRE(w.scheduler->tick(at("2026-09-07", 9)).cycles_opened == 2);
    auto record = [&](const char* id, int period, const char* band) {
        ThemeRecord theme;
        theme.id = id;
        theme.period = period;
        theme.age_band = band;
        theme.title = std::string("Tema ") + id;
        REQUIRE_FALSE(record_theme(*w.store, theme));
        publish_themes(*w.store, w.config, period, band, at("2026-09-08"));
    };
    record("sprog", 2026, "0-6");
    record("naeste", 2028, "0-6");
    record("skole", 2026, "6-18");
    Date day = *parse_date("2026-09-15");
    REQUIRE(w.send_on("data_package_published", w.admin, "{}", day).status == ApplyStatus::ok);
    REQUIRE(
        w.send_on("observation_feedback_submitted", w.leader, feedback("frydenlund"), day).status ==
        ApplyStatus::ok);
    const auto before = w.snapshot(kDialogue);
    auto held = [&](const char* theme) {
        const std::string field = theme ? fmt::format(R"(,"theme":"{}")", theme) : "";
        return w.send_on(
            "learning_conversation_held", w.chief,
            R"({"focus_areas":[{"title":"Sprog og leg","goal":"learning")" + field + "}]}", day);
    };
    // The period has themes: a focus area must name one, of its period and age band.
    auto result = held(nullptr);
    CHECK(result.status == ApplyStatus::bad_payload);
    CHECK(result.code == ErrorCode::field_required);
    CHECK(result.field == "focus_areas[0].theme");
    CHECK(result.message ==
          "Vælg det politisk besluttede tema, fokusområdet knytter sig til (periode 2026-2027).");
    result = held("findes-ikke");
    CHECK(result.code == ErrorCode::bad_value);
    CHECK(result.field == "focus_areas[0].theme");
    result = held("naeste");
    CHECK(result.field == "focus_areas[0].theme");
    CHECK(result.message.find("hører til perioden 2028-2029") != std::string::npos);
    result = held("skole");  // the schools' theme, not the daycares'
    CHECK(result.message.find("for de 6-18-årige") != std::string::npos);
    CHECK_DANISH(result.message);
    CHECK(w.snapshot(kDialogue) == before);
    REQUIRE(held("sprog").status == ApplyStatus::ok);

    // Round 2: the dashboard's view shows the focus area and the written feedback, and the
    // conversation assesses it.
    day = *parse_date("2027-03-20");
    REQUIRE(w.send_on("data_package_published", w.admin, "{}", day).status == ApplyStatus::ok);
    REQUIRE(w.send_on("observation_not_held", w.chief, R"({"reason":"Syg"})", day).status ==
            ApplyStatus::ok);
    auto detail = cycle_detail(*w.store, *w.cases, kDialogue, &w.chief, day);
    REQUIRE(detail);
    REQUIRE(detail->continuity.points.size() == 1);
    const auto& point = detail->continuity.points[0];
    CHECK(point.title == "Sprog og leg");
    CHECK(point.theme == "sprog");
    CHECK(detail->continuity.feedback == "Rolig stemning, tydelig struktur.");
    REQUIRE(detail->theme_choices.size() == 1);
    CHECK(detail->theme_choices[0].name == "Tema sprog");
    const std::string payload =
        R"({"assessments":[{"point":")" + point.key +
        R"(","result":"not_achieved","note":"Ikke nået"}],"focus_areas":[{"title":"Sprog igen",)"
        R"("goal":"learning","theme":"sprog"}]})";
    REQUIRE(w.send_on("learning_conversation_held", w.chief, payload, day).status ==
            ApplyStatus::ok);
    const auto after = continuity_of(*w.store, "solsikken");
    REQUIRE(after.points.size() == 2);
    REQUIRE(after.points[0].assessment);
    CHECK(after.points[0].assessment->result == "not_achieved");
}
