#include "engine/case_service.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

#include "danish_words.hpp"
#include "engine/audit.hpp"
#include "engine/case_view.hpp"
#include "workflow_fixture.hpp"
#include "workflows/workflow.hpp"

namespace {

using tilsyn::ApplyStatus;
using tilsyn::ErrorCode;
using tilsyn::testing::at;
using tilsyn::testing::WorkflowWorld;

constexpr const char* kHeld =
    R"({"board_representative":"Maja Formand",
        "development_points":[{"title":"Læsning i indskolingen","goal":"learning"}]})";
// A plan for kHeld: an action for its one development point.
constexpr const char* kPlan =
    R"({"actions":[{"point":"development:1","action":"Læsebånd hver morgen"}],
        "involvement":"Drøftet i MED-udvalget og i bestyrelsen."})";
constexpr const char* kHeldWithPoint =
    R"({"board_representative":"Maja Formand",
        "development_points":[{"title":"Trivsel","goal":"wellbeing"}],
        "supervision_points":[{"title":"Fravær over grænsen","reason":"law","goal":"wellbeing"}]})";

void open_cycle(WorkflowWorld& w) {
    auto report = w.scheduler->tick(at("2026-08-03"));
    REQUIRE(report.cycles_opened == 1);
}

void expect_ok(const tilsyn::ApplyResult& result, const char* state) {
    INFO(result.message);
    REQUIRE(result.status == ApplyStatus::ok);
    CHECK(result.state_after == state);
}

}  // namespace

TEST_CASE("one institution goes from cycle start to a published plan", "[case][workflow]") {
    WorkflowWorld w;
    open_cycle(w);
    CHECK(w.state(w.cycle) == "ReportInPreparation");
    REQUIRE(w.open_deadlines(w.cycle, "due").size() == 1);
    CHECK(tilsyn::format_date(w.open_deadlines(w.cycle, "due")[0].due_on) == "2026-10-12");

    expect_ok(w.send(w.cycle, "report_submitted", w.leader, "{}", "2026-10-01"),
              "AwaitingBoardStatement");
    // quality_report met: its deadlines closed; board_statement due 4 weeks after completion.
    auto due = w.open_deadlines(w.cycle, "due");
    REQUIRE(due.size() == 1);
    CHECK(due[0].step == "board_statement");
    CHECK(tilsyn::format_date(due[0].due_on) == "2026-10-29");

    expect_ok(w.send(w.cycle, "board_statement_submitted", w.board,
                     R"({"signals_political":"Flere pædagoger"})", "2026-10-20"),
              "AwaitingConversation");
    expect_ok(w.send(w.cycle, "conversation_scheduled", w.chief, R"({"date":"2026-11-20"})",
                     "2026-10-21"),
              "ConversationScheduled");
    expect_ok(w.send(w.cycle, "conversation_held", w.chief, kHeld, "2026-11-20"),
              "PlanInPreparation");
    expect_ok(w.send(w.cycle, "plan_submitted", w.leader, kPlan, "2027-01-05"),
              "PlanAwaitingApproval");
    expect_ok(
        w.send(w.cycle, "plan_returned", w.chief, R"({"comment":"Mere om læsning"})", "2027-01-07"),
        "PlanInPreparation");
    // The revision is due 10 workdays after the return (Jan 21), later than the original due
    // date (conversation Nov 20 + 8 weeks = Jan 15).
    due = w.open_deadlines(w.cycle, "due");
    REQUIRE(due.size() == 1);
    CHECK(due[0].step == "development_plan");
    CHECK(tilsyn::format_date(due[0].due_on) == "2027-01-21");
    // The timeline: the plan written on time, then its new deadline, not done (with no date).
    const auto detail = tilsyn::cycle_detail(*w.store, *w.cases, w.cycle, &w.chief,
                                             *tilsyn::parse_date("2027-01-08"));
    REQUIRE(detail);
    std::vector<const tilsyn::DeadlineView*> plans;
    for (const auto& view : detail->deadlines) {
        if (view.deadline.kind == "due" && view.deadline.step == "development_plan") {
            plans.push_back(&view);
        }
    }
    REQUIRE(plans.size() == 2);
    std::sort(plans.begin(), plans.end(),
              [](auto* a, auto* b) { return a->deadline.id < b->deadline.id; });
    CHECK(plans[0]->status == "met");
    CHECK(plans[0]->completed_on == tilsyn::parse_date("2027-01-05"));
    CHECK(plans[1]->status == "coming");
    CHECK(plans[1]->completed_on == std::nullopt);
    expect_ok(w.send(w.cycle, "plan_submitted", w.leader, kPlan, "2027-01-14"),
              "PlanAwaitingApproval");
    expect_ok(w.send(w.cycle, "plan_approved", w.chief, "{}", "2027-01-18"), "AwaitingPublication");
    expect_ok(w.send(w.cycle, "plan_published", w.leader,
                     R"({"url":"https://frydenlund.example.dk/plan"})", "2027-01-19"),
              "Completed");
    for (const auto& d : w.store->deadlines(w.cycle)) CHECK(d.done);

    auto audit = tilsyn::verify_audit(*w.store);
    CHECK(audit.intact);
    CHECK(audit.events == 10);  // cycle_opened + nine events
    auto events = w.store->events(w.cycle);
    REQUIRE(events.size() == 10);
    CHECK(events[1].event == "report_submitted");
    CHECK(events[1].actor == "leder@frydenlund.example.dk");
    CHECK(events[1].state_before == "ReportInPreparation");
    CHECK(events[1].state_after == "AwaitingBoardStatement");
}

TEST_CASE("a returned plan tells the leader with the comment; an approved one leader and board",
          "[case][workflow][notice]") {
    WorkflowWorld w;
    open_cycle(w);
    expect_ok(w.send(w.cycle, "report_submitted", w.leader, "{}", "2026-10-01"),
              "AwaitingBoardStatement");
    expect_ok(w.send(w.cycle, "board_statement_submitted", w.board,
                     R"({"signals_political":"Flere pædagoger"})", "2026-10-20"),
              "AwaitingConversation");
    expect_ok(w.send(w.cycle, "conversation_held", w.chief, kHeld, "2026-11-20"),
              "PlanInPreparation");
    auto mails_to = [&](std::string_view subject_start) {
        std::vector<tilsyn::OutboxMessage> found;
        for (auto& m : w.store->outbox("pending", 1000)) {
            if (m.subject.rfind(subject_start, 0) == 0) found.push_back(m);
        }
        return found;
    };
    for (int round = 1; round <= 2; ++round) {
        expect_ok(w.send(w.cycle, "plan_submitted", w.leader, kPlan, "2027-01-05"),
                  "PlanAwaitingApproval");
        const auto returned = w.send(w.cycle, "plan_returned", w.chief,
                                     R"({"comment":"Mere om læsning"})", "2027-01-07");
        expect_ok(returned, "PlanInPreparation");
        CHECK(returned.mails_queued == 1);
        // Each return is its own decision: the second one is a second mail, not a duplicate.
        const auto mails = mails_to("Udviklingsplan sendt retur");
        REQUIRE(mails.size() == static_cast<std::size_t>(round));
        CHECK(mails.back().recipient == "Lene Leder <leder@frydenlund.example.dk>");
        CHECK(mails.back().body.find("Mere om læsning") != std::string::npos);
        // The mail says by when the revised plan is due (the deadline the return armed).
        const auto due = w.open_deadlines(w.cycle, "due");
        REQUIRE(due.size() == 1);
        CHECK(mails.back().body.find("indsende den igen senest " +
                                     tilsyn::danish_date(due[0].due_on) + ".") !=
              std::string::npos);
    }
    expect_ok(w.send(w.cycle, "plan_submitted", w.leader, kPlan, "2027-01-14"),
              "PlanAwaitingApproval");
    const auto approved = w.send(w.cycle, "plan_approved", w.chief, "{}", "2027-01-18");
    expect_ok(approved, "AwaitingPublication");
    CHECK(approved.mails_queued == 2);
    std::vector<std::string> to;
    for (const auto& m : mails_to("Udviklingsplan godkendt")) to.push_back(m.recipient);
    std::sort(to.begin(), to.end());
    CHECK(to == std::vector<std::string>{"Lene Leder <leder@frydenlund.example.dk>",
                                         "bestyrelse@frydenlund.example.dk"});
    // It names the next step and its due date, which no reminder may tell in time.
    const auto publication = w.open_deadlines(w.cycle, "due");
    REQUIRE(publication.size() == 1);
    CHECK(mails_to("Udviklingsplan godkendt")
              .front()
              .body.find("Næste trin: Offentliggørelse af udviklingsplan. Planen offentliggøres "
                         "på tilbuddets hjemmeside senest " +
                         tilsyn::danish_date(publication[0].due_on)) != std::string::npos);
}

TEST_CASE(
    "an event the state does not allow is refused with the allowed events and changes "
    "nothing",
    "[case][workflow]") {
    WorkflowWorld w;
    open_cycle(w);
    const auto before = w.snapshot(w.cycle);
    auto result = w.send(w.cycle, "plan_approved", w.chief, "{}", "2026-09-01");
    CHECK(result.status == ApplyStatus::conflict);
    CHECK(result.code == ErrorCode::not_allowed_in_state);
    CHECK(result.field == "event");
    CHECK(result.allowed_events == std::vector<std::string>{"report_submitted", "cycle_cancelled"});
    // In the words of the descriptions, and what the area chief can do instead: nothing now.
    CHECK(result.message ==
          "»Godkend udviklingsplan« er ikke muligt nu, hvor forløbet står i »Kvalitetsrapport "
          "under udarbejdelse«. Lige nu er der ingen handlinger for dig i forløbet.");
    CHECK_DANISH(result.message);
    result = w.send(w.cycle, "plan_approved", w.admin, "{}", "2026-09-01");
    CHECK(result.code == ErrorCode::role_not_allowed);
    CHECK(result.message.find("Du kan nu vælge »Annullér forløbet«.") != std::string::npos);
    CHECK(w.snapshot(w.cycle) == before);
}

TEST_CASE(
    "every event is refused in every state that does not allow it, leaving the tables as "
    "they were",
    "[case][workflow]") {
    WorkflowWorld w;
    open_cycle(w);
    struct Step {
        const char* event;
        const tilsyn::Actor* actor;
        const char* payload;
    };
    const std::vector<Step> path = {
        {"report_submitted", &w.leader, "{}"},
        {"board_statement_submitted", &w.board, R"({"assessment":"God"})"},
        {"conversation_scheduled", &w.chief, R"({"date":"2026-11-20"})"},
        {"conversation_held", &w.chief, kHeld},
        {"plan_submitted", &w.leader, kPlan},
        {"plan_approved", &w.chief, "{}"},
        {"plan_published", &w.leader, R"({"url":"https://x.example.dk/p"})"},
    };
    // Valid payloads for every event, sent by a role allowed to send it.
    const std::vector<Step> all = {
        {"report_submitted", &w.leader, "{}"},
        {"board_statement_submitted", &w.board, R"({"assessment":"God"})"},
        {"conversation_scheduled", &w.chief, R"({"date":"2026-11-20"})"},
        {"conversation_held", &w.chief, kHeld},
        {"plan_submitted", &w.leader, kPlan},
        {"plan_returned", &w.chief, R"({"comment":"Nej"})"},
        {"plan_approved", &w.chief, "{}"},
        {"plan_published", &w.leader, R"({"url":"https://x.example.dk/p"})"},
        {"cycle_cancelled", &w.admin, R"({"reason":"Lukket"})"},
    };
    for (std::size_t i = 0;; ++i) {
        const std::string state = w.state(w.cycle);
        const auto allowed =
            tilsyn::workflows::make_machine("quality_report", state)->allowed_events();
        for (const auto& step : all) {
            if (std::find(allowed.begin(), allowed.end(), step.event) != allowed.end()) continue;
            INFO(state << " / " << step.event);
            const auto before = w.snapshot(w.cycle);
            auto result = w.send(w.cycle, step.event, *step.actor, step.payload, "2026-10-01");
            CHECK(result.status == ApplyStatus::conflict);
            CHECK(result.code == ErrorCode::not_allowed_in_state);
            CHECK_DANISH(result.message);
            CHECK(result.allowed_events == allowed);
            CHECK(w.snapshot(w.cycle) == before);
        }
        if (i == path.size()) break;
        expect_ok(w.send(w.cycle, path[i].event, *path[i].actor, path[i].payload, "2026-10-01"),
                  tilsyn::workflows::make_machine("quality_report", state)
                      ->fire(path[i].event, {1, 0})
                      .to.c_str());
    }
    CHECK(w.state(w.cycle) == "Completed");
}

TEST_CASE("a wrong role is forbidden and another area's chief does not see the cycle",
          "[case][workflow]") {
    WorkflowWorld w;
    open_cycle(w);
    const auto before = w.snapshot(w.cycle);
    auto result = w.send(w.cycle, "report_submitted", w.chief, "{}", "2026-09-01");
    CHECK(result.status == ApplyStatus::forbidden);
    CHECK(result.code == ErrorCode::role_not_allowed);
    CHECK(result.message ==
          "»Indsend kvalitetsrapport« er en opgave for Leder, og du er logget ind som "
          "Områdechef. Lige nu er der ingen handlinger for dig i forløbet.");
    CHECK_DANISH(result.message);
    result = w.send(w.cycle, "report_submitted", w.board, "{}", "2026-09-01");
    CHECK(result.status == ApplyStatus::forbidden);
    CHECK(result.code == ErrorCode::role_not_allowed);
    CHECK_DANISH(result.message);

    result = w.send(w.cycle, "conversation_scheduled", w.other_chief, R"({"date":"2026-11-20"})",
                    "2026-09-01");
    CHECK(result.status == ApplyStatus::not_found);
    CHECK(result.code == ErrorCode::not_found);
    CHECK(result.message == tilsyn::kNotFoundMessage);
    CHECK_DANISH(result.message);
    tilsyn::Actor other_leader{"leder@solsikken.example.dk", tilsyn::Role::leader, "", "solsikken"};
    CHECK(w.send(w.cycle, "report_submitted", other_leader, "{}", "2026-09-01").status ==
          ApplyStatus::not_found);
    CHECK(w.send("no/such/cycle", "report_submitted", w.leader, "{}", "2026-09-01").status ==
          ApplyStatus::not_found);
    CHECK(w.snapshot(w.cycle) == before);
}

TEST_CASE("a bad payload names the field and changes nothing", "[case][workflow]") {
    WorkflowWorld w;
    open_cycle(w);
    w.send(w.cycle, "report_submitted", w.leader, "{}", "2026-10-01");
    w.send(w.cycle, "board_statement_submitted", w.board, R"({"assessment":"ok"})", "2026-10-02");
    const auto before = w.snapshot(w.cycle);
    auto result = w.send(w.cycle, "conversation_held", w.chief,
                         R"({"development_points":[{"title":"x","goal":"fun"}]})", "2026-10-03");
    CHECK(result.status == ApplyStatus::bad_payload);
    CHECK(result.code == ErrorCode::bad_value);
    CHECK(result.field == "development_points[0].goal");
    CHECK_DANISH(result.message);
    result = w.send(w.cycle, "conversation_held", w.chief, "{not json", "2026-10-03");
    CHECK(result.status == ApplyStatus::bad_payload);
    CHECK(result.code == ErrorCode::bad_json);
    CHECK_DANISH(result.message);
    result = w.send(w.cycle, "no_such_event", w.chief, "{}", "2026-10-03");
    CHECK(result.status == ApplyStatus::bad_payload);
    CHECK(result.code == ErrorCode::unknown_event);
    CHECK(result.field == "event");
    CHECK(result.message ==
          "Den handling findes ikke for »Kvalitetsrapport«. Du kan nu vælge »Planlæg "
          "kvalitetssamtale« eller »Registrér afholdt kvalitetssamtale«.");
    CHECK_DANISH(result.message);
    CHECK(w.snapshot(w.cycle) == before);
}

TEST_CASE("a supervision point opens a case with its own deadlines and a notice",
          "[case][workflow]") {
    WorkflowWorld w;
    open_cycle(w);
    w.send(w.cycle, "report_submitted", w.leader, "{}", "2026-10-01");
    w.send(w.cycle, "board_statement_submitted", w.board, R"({"assessment":"ok"})", "2026-10-02");
    auto result = w.send(w.cycle, "conversation_held", w.chief, kHeldWithPoint, "2026-11-02");
    expect_ok(result, "PlanInPreparation");
    REQUIRE(result.opened_cases == std::vector<std::string>{w.cycle + "/tilsyn-1"});
    const std::string case_id = result.opened_cases[0];
    auto record = w.store->find_cycle(case_id);
    REQUIRE(record);
    CHECK(record->workflow == "supervision");
    CHECK(record->state == "ActionPlanDue");
    CHECK(record->parent_id == w.cycle);
    auto due = w.open_deadlines(case_id, "due");
    REQUIRE(due.size() == 2);
    // given Nov 2 + 3 weeks = Nov 23; + 6 months = May 2 2027 (a Sunday) -> May 3.
    CHECK(tilsyn::format_date(due[0].due_on) == "2026-11-23");
    CHECK(due[0].step == "action_plan");
    CHECK(tilsyn::format_date(due[1].due_on) == "2027-05-03");
    CHECK(w.store->events(case_id).front().event == "case_opened");
    // The point is told to the leader and the board (the area chief gave it).
    CHECK(result.mails_queued == 2);
    std::vector<std::string> told;
    for (const auto& m : w.store->outbox("pending", 1000)) {
        if (m.subject != "Tilsynspunkt givet: Frydenlund Skole – Fravær over grænsen") continue;
        CHECK(m.body.find("Frydenlund Skole har fået et tilsynspunkt: »Fravær over grænsen«.") !=
              std::string::npos);
        CHECK(m.body.find("handleplan med frist mandag den 23. november 2026") !=
              std::string::npos);
        CHECK(m.body.find("http://127.0.0.1:8080/cycles/" + case_id) != std::string::npos);
        told.push_back(m.recipient);
    }
    std::sort(told.begin(), told.end());
    CHECK(told == std::vector<std::string>{"Lene Leder <leder@frydenlund.example.dk>",
                                           "bestyrelse@frydenlund.example.dk"});

    // The case runs its own workflow through the same service.
    expect_ok(
        w.send(case_id, "action_plan_submitted", w.leader, R"({"text":"Plan"})", "2026-11-20"),
        "FollowUp");
    CHECK(w.open_deadlines(case_id, "due").size() == 2);  // follow-up + resolution
    expect_ok(w.send(case_id, "follow_up_held", w.chief, R"({"note":"Bedre"})", "2026-12-18"),
              "FollowUp");
    const auto resolved = w.send(case_id, "supervision_resolved", w.chief,
                                 R"({"note":"Fraværet er halveret."})", "2027-02-01");
    expect_ok(resolved, "Resolved");
    CHECK(w.open_deadlines(case_id, "due").empty());
    CHECK(tilsyn::verify_audit(*w.store).intact);
    // The resolution is told to the leader and the board, with the chief's note.
    CHECK(resolved.mails_queued == 2);
    std::vector<std::string> to;
    for (const auto& m : w.store->outbox("pending", 1000)) {
        if (m.subject != "Tilsynssag afsluttet: Frydenlund Skole") continue;
        CHECK(m.body.find("Fraværet er halveret.") != std::string::npos);
        to.push_back(m.recipient);
    }
    std::sort(to.begin(), to.end());
    CHECK(to == std::vector<std::string>{"Lene Leder <leder@frydenlund.example.dk>",
                                         "bestyrelse@frydenlund.example.dk"});
}

TEST_CASE("a running cycle keeps the timeline it started with when the config changes",
          "[case][workflow]") {
    WorkflowWorld w;
    open_cycle(w);
    // The administrator gives board statements 8 weeks instead of 4.
    w.config.cycles[0].steps[1] =
        tilsyn::testing::step("board_statement", "quality_report + 8 weeks", 25);
    w.rebuild();
    w.send(w.cycle, "report_submitted", w.leader, "{}", "2026-10-01");
    auto due = w.open_deadlines(w.cycle, "due");
    REQUIRE(due.size() == 1);
    CHECK(tilsyn::format_date(due[0].due_on) == "2026-10-29");  // still + 4 weeks
}

TEST_CASE("an audit trail that was tampered with names the first broken link", "[audit]") {
    WorkflowWorld w;
    open_cycle(w);
    w.send(w.cycle, "report_submitted", w.leader, "{}", "2026-10-01");
    w.send(w.cycle, "board_statement_submitted", w.board, R"({"assessment":"ok"})", "2026-10-02");
    auto events = w.store->events_after(0, 100);
    REQUIRE(events.size() == 3);
    auto check = tilsyn::verify_audit(*w.store);
    CHECK(check.intact);
    CHECK(check.events == 3);
    // A forged event whose hash does not cover its content.
    tilsyn::EventRecord forged = events.back();
    forged.prev_hash = events.back().hash;
    forged.payload = R"({"assessment":"forfalsket"})";
    forged.hash = events.back().hash;
    w.store->append_event(forged);
    check = tilsyn::verify_audit(*w.store);
    CHECK_FALSE(check.intact);
    CHECK(check.broken_seq == forged.seq);
    CHECK(check.problem.find("was changed after it was recorded") != std::string::npos);
}

TEST_CASE("the board gives its statement; a leader records it only on the board's behalf",
          "[case][workflow][board]") {
    WorkflowWorld w;
    open_cycle(w);
    expect_ok(w.send(w.cycle, "report_submitted", w.leader, "{}", "2026-10-01"),
              "AwaitingBoardStatement");
    const auto before = w.snapshot(w.cycle);
    const auto refused = w.send(w.cycle, "board_statement_submitted", w.leader,
                                R"({"assessment":"Fin rapport"})", "2026-10-02");
    CHECK(refused.status == ApplyStatus::forbidden);
    CHECK(refused.code == ErrorCode::on_behalf_required);
    CHECK(refused.field == "on_behalf_of_board");
    CHECK(refused.message ==
          "Som Leder kan du kun gøre dette på vegne af Bestyrelse, og det skal fremgå: sæt "
          "flueben ved »Registreret af lederen på bestyrelsens vegne«.");
    CHECK_DANISH(refused.message);
    CHECK(w.snapshot(w.cycle) == before);
    const auto bad = w.send(w.cycle, "board_statement_submitted", w.leader,
                            R"({"assessment":"Fin","on_behalf_of_board":"ja"})", "2026-10-02");
    CHECK(bad.status == ApplyStatus::bad_payload);
    CHECK(bad.field == "on_behalf_of_board");
    CHECK(w.snapshot(w.cycle) == before);
    expect_ok(w.send(w.cycle, "board_statement_submitted", w.leader,
                     R"({"assessment":"Fin rapport","on_behalf_of_board":true})", "2026-10-02"),
              "AwaitingConversation");
    const auto events = w.store->events(w.cycle);
    CHECK(events.back().actor == "leder@frydenlund.example.dk");
    CHECK(events.back().payload.find(R"("on_behalf_of_board":true)") != std::string::npos);
}

TEST_CASE("the area chief records that no board statement came, and the cycle goes on",
          "[case][workflow][board]") {
    WorkflowWorld w;
    open_cycle(w);
    expect_ok(w.send(w.cycle, "report_submitted", w.leader, "{}", "2026-10-01"),
              "AwaitingBoardStatement");
    const auto before = w.snapshot(w.cycle);
    CHECK(w.send(w.cycle, "board_statement_missing", w.chief, "{}", "2026-11-02").field ==
          "reason");
    CHECK(w.send(w.cycle, "board_statement_missing", w.leader, R"({"reason":"x"})", "2026-11-02")
              .status == ApplyStatus::forbidden);
    CHECK(w.snapshot(w.cycle) == before);
    expect_ok(w.send(w.cycle, "board_statement_missing", w.chief,
                     R"({"reason":"Bestyrelsen har ikke mødtes i perioden."})", "2026-11-02"),
              "AwaitingConversation");
    const auto due = w.open_deadlines(w.cycle, "due");
    REQUIRE(due.size() == 1);
    CHECK(due[0].step == "quality_conversation");
}

namespace {

// An iCalendar text's content lines unfolded (RFC 5545 §3.1), one a line, LF-separated.
std::string unfold_ics(const std::string& ics) {
    std::string out;
    for (std::size_t i = 0; i < ics.size(); ++i) {
        if (ics.compare(i, 3, "\r\n ") == 0) {
            i += 2;
        } else if (ics.compare(i, 2, "\r\n") == 0) {
            out += '\n';
            ++i;
        } else {
            out += ics[i];
        }
    }
    return out;
}

// The queued mails whose subject starts so, in the order they were queued.
std::vector<tilsyn::OutboxMessage> queued(WorkflowWorld& w, std::string_view subject_start) {
    std::vector<tilsyn::OutboxMessage> found;
    for (auto& m : w.store->outbox("pending", 1000)) {
        if (m.subject.rfind(subject_start, 0) == 0) found.push_back(m);
    }
    return found;
}

void reach_conversation(WorkflowWorld& w) {
    open_cycle(w);
    expect_ok(w.send(w.cycle, "report_submitted", w.leader, "{}", "2026-10-01"),
              "AwaitingBoardStatement");
    expect_ok(w.send(w.cycle, "board_statement_submitted", w.board, R"({"assessment":"ok"})",
                     "2026-10-02"),
              "AwaitingConversation");
}

}  // namespace

TEST_CASE("a scheduled conversation invites the leader and the board; a new date updates it",
          "[case][workflow][notice][invitation]") {
    WorkflowWorld w;
    reach_conversation(w);
    const auto scheduled = w.send(
        w.cycle, "conversation_scheduled", w.chief,
        R"({"date":"2026-11-20","time":"13:30","place":"Frydenlund Skole, personalerummet"})",
        "2026-10-20");
    expect_ok(scheduled, "ConversationScheduled");
    CHECK(scheduled.mails_queued == 2);
    const auto first = queued(w, "Kvalitetssamtale: Frydenlund Skole");
    REQUIRE(first.size() == 2);
    std::vector<std::string> to;
    for (const auto& m : first) {
        to.push_back(m.recipient);
        CHECK(m.subject == "Kvalitetssamtale: Frydenlund Skole – 20.11.2026 kl. 13:30");
        CHECK(m.body.find("Kvalitetssamtalen for Frydenlund Skole er planlagt til fredag den 20. "
                          "november 2026 fra kl. 13:30 til 15:30.") != std::string::npos);
        CHECK(m.body.find("Sted: Frydenlund Skole, personalerummet") != std::string::npos);
        CHECK(m.body.find("Samtalen holdes med Søren Chef") != std::string::npos);
        CHECK(m.body.find("http://127.0.0.1:8080/cycles/" + w.cycle) != std::string::npos);
        CHECK(m.calendar == first[0].calendar);  // one invitation, every attendee listed
    }
    std::sort(to.begin(), to.end());
    CHECK(to == std::vector<std::string>{"Lene Leder <leder@frydenlund.example.dk>",
                                         "bestyrelse@frydenlund.example.dk"});
    const std::string ics = unfold_ics(first[0].calendar);
    const std::string uid =
        "UID:quality-report-6-18/frydenlund/2026-08-03/quality_conversation@127.0.0.1\n";
    CHECK(ics.find("METHOD:REQUEST\n") != std::string::npos);
    CHECK(ics.find(uid) != std::string::npos);
    CHECK(ics.find("SEQUENCE:0\n") != std::string::npos);
    CHECK(ics.find("DTSTART;TZID=Europe/Copenhagen:20261120T133000\n") != std::string::npos);
    CHECK(ics.find("DTEND;TZID=Europe/Copenhagen:20261120T153000\n") != std::string::npos);
    CHECK(ics.find("SUMMARY;LANGUAGE=da:Kvalitetssamtale: Frydenlund Skole\n") !=
          std::string::npos);
    CHECK(ics.find("LOCATION;LANGUAGE=da:Frydenlund Skole\\, personalerummet\n") !=
          std::string::npos);
    CHECK(ics.find("ORGANIZER;CN=\"Søren Chef\":mailto:chef.syd@example.dk\n") !=
          std::string::npos);
    CHECK(ics.find("RSVP=TRUE;CN=\"Lene Leder\":mailto:leder@frydenlund.example.dk\n") !=
          std::string::npos);
    CHECK(ics.find("RSVP=TRUE:mailto:bestyrelse@frydenlund.example.dk\n") != std::string::npos);

    // A new date, without a time: the same meeting moved, at 09:00, a second mail each.
    const auto moved = w.send(w.cycle, "conversation_scheduled", w.chief,
                              R"({"date":"2026-11-27"})", "2026-10-22");
    expect_ok(moved, "ConversationScheduled");
    CHECK(moved.mails_queued == 2);
    const auto all = queued(w, "Kvalitetssamtale: Frydenlund Skole");
    REQUIRE(all.size() == 4);
    for (std::size_t i = 2; i < 4; ++i) {
        const auto& m = all[i];
        CHECK(m.subject == "Kvalitetssamtale: Frydenlund Skole – 27.11.2026 kl. 09:00");
        CHECK(m.body.find("fredag den 27. november 2026 fra kl. 09:00 til 11:00.") !=
              std::string::npos);
        CHECK(m.body.find("Sted: aftales nærmere") != std::string::npos);
        CHECK(m.message_id != all[0].message_id);
        CHECK(m.message_id != all[1].message_id);
        const std::string update = unfold_ics(m.calendar);
        CHECK(update.find(uid) != std::string::npos);
        CHECK(update.find("SEQUENCE:1\n") != std::string::npos);
        CHECK(update.find("DTSTART;TZID=Europe/Copenhagen:20261127T090000\n") != std::string::npos);
        CHECK(update.find("LOCATION") == std::string::npos);
    }
    // A third date: SEQUENCE 2.
    expect_ok(w.send(w.cycle, "conversation_scheduled", w.chief,
                     R"({"date":"2026-12-01","time":"08:15"})", "2026-10-23"),
              "ConversationScheduled");
    const auto third = queued(w, "Kvalitetssamtale: Frydenlund Skole – 01.12.2026 kl. 08:15");
    REQUIRE(third.size() == 2);
    CHECK(unfold_ics(third[0].calendar).find("SEQUENCE:2\n") != std::string::npos);
    // Other mails carry no invitation.
    for (const auto& m : w.store->outbox("pending", 1000)) {
        if (m.subject.rfind("Kvalitetssamtale:", 0) != 0) CHECK(m.calendar.empty());
    }
}

TEST_CASE("a malformed time is refused with a Danish message and changes nothing",
          "[case][workflow][invitation]") {
    WorkflowWorld w;
    reach_conversation(w);
    auto refuse_all = [&] {
        const auto before = w.snapshot(w.cycle);
        for (const char* bad : {R"("9.30")", R"("9:30")", R"("24:00")", R"("")", "930"}) {
            INFO(bad);
            const auto result = w.send(
                w.cycle, "conversation_scheduled", w.chief,
                fmt::format(R"({{"date":"2026-11-20","time":{}}})", bad).c_str(), "2026-10-20");
            CHECK(result.status == ApplyStatus::bad_payload);
            CHECK(result.code == ErrorCode::bad_value);
            CHECK(result.field == "time");
            CHECK(result.message ==
                  "Skriv »Klokkeslæt« som et klokkeslæt på formen TT:MM (fx 09:30).");
        }
        CHECK(w.snapshot(w.cycle) == before);
    };
    refuse_all();
    // Moving a scheduled conversation is refused alike: no mail, the invitation stays.
    expect_ok(w.send(w.cycle, "conversation_scheduled", w.chief, R"({"date":"2026-11-20"})",
                     "2026-10-20"),
              "ConversationScheduled");
    refuse_all();
    CHECK(queued(w, "Kvalitetssamtale:").size() == 2);
}
