#include "engine/scheduler.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

#include "engine/messages.hpp"
#include "workflow_fixture.hpp"

namespace {

using tilsyn::testing::at;
using tilsyn::testing::WorkflowWorld;

constexpr const char* kHeldWithPoint =
    R"({"board_representative":"Maja Formand","development_points":[{"title":"Trivsel","goal":"wellbeing"}],
        "supervision_points":[{"title":"Fravær","reason":"law","goal":"wellbeing"}]})";

}  // namespace

TEST_CASE("a tick opens exactly one cycle per covered institution and period", "[scheduler]") {
    WorkflowWorld w;
    CHECK(w.scheduler->tick(at("2026-08-02")).cycles_opened == 0);  // before the start
    CHECK(w.scheduler->tick(at("2026-08-03", 0)).cycles_opened == 1);
    CHECK(w.scheduler->tick(at("2026-08-03", 0)).cycles_opened == 0);
    CHECK(w.scheduler->tick(at("2026-09-01")).cycles_opened == 0);
    // The daycare is not covered by the 6-18 cycle.
    CHECK(w.store->find_cycle(w.cycle));
    CHECK_FALSE(w.store->find_cycle("quality-report-6-18/solsikken/2026-08-03"));
    // The next period two years later.
    CHECK(w.scheduler->tick(at("2028-08-03")).cycles_opened == 1);
    CHECK(w.store->find_cycle("quality-report-6-18/frydenlund/2028-08-03"));
}

TEST_CASE("reminders fire once, at send time, to the people who act on the step", "[scheduler]") {
    WorkflowWorld w;
    w.scheduler->tick(at("2026-08-03"));
    // -14 days: Sep 28 at 08:00 local.
    auto report = w.scheduler->tick(at("2026-09-28", 7));
    CHECK(report.reminders == 0);
    report = w.scheduler->tick(at("2026-09-28", 8));
    CHECK(report.reminders == 1);
    CHECK(report.mails == 1);
    auto mail = w.store->pending_mail(at("2026-09-28", 9), 10);
    REQUIRE(mail.size() == 1);
    CHECK(mail[0].recipient == "Lene Leder <leder@frydenlund.example.dk>");
    CHECK(mail[0].subject ==
          "Påmindelse: Kvalitetsrapport for Frydenlund Skole – frist 12.10.2026");
    CHECK(mail[0].body.find("mandag den 12. oktober 2026") != std::string::npos);
    CHECK(mail[0].body.find("http://127.0.0.1:8080/cycles/" + w.cycle) != std::string::npos);
    // A second tick at the same moment sends nothing new.
    report = w.scheduler->tick(at("2026-09-28", 8));
    CHECK(report.reminders == 0);
    CHECK(report.mails == 0);
    CHECK(w.store->outbox_count("pending") == 1);
}

TEST_CASE("after 30 days of downtime only the latest reminder per deadline goes out",
          "[scheduler]") {
    WorkflowWorld w;
    w.scheduler->tick(at("2026-08-03"));
    // Down from Sep 10 to Oct 10: both quality_report reminders (Sep 28, Oct 7) were missed.
    auto report = w.scheduler->tick(at("2026-10-10"));
    CHECK(report.reminders == 1);
    CHECK(report.superseded == 1);
    CHECK(report.mails == 1);
    CHECK(report.escalations == 0);
    auto mail = w.store->pending_mail(at("2026-10-10"), 10);
    REQUIRE(mail.size() == 1);
    CHECK(w.open_deadlines(w.cycle, "reminder").empty());
}

TEST_CASE("a reminder missed until after its deadline is dropped; the escalation speaks",
          "[scheduler]") {
    WorkflowWorld w;
    w.scheduler->tick(at("2026-08-03"));
    // Down from Sep 10 to Oct 13: the quality report (due Oct 12) is overdue by then.
    auto report = w.scheduler->tick(at("2026-10-13", 9));
    CHECK(report.reminders == 0);
    CHECK(report.superseded == 2);
    CHECK(report.escalations == 1);
    for (const auto& mail : w.store->pending_mail(at("2026-10-13", 10), 10)) {
        CHECK(mail.subject.rfind("Overskredet frist", 0) == 0);
    }
}

TEST_CASE("no reminder goes out for a deadline already met", "[scheduler]") {
    WorkflowWorld w;
    w.scheduler->tick(at("2026-08-03"));
    w.send(w.cycle, "report_submitted", w.leader, "{}", "2026-09-01");
    // board_statement (due Sep 29) reminders: -14 days Sep 15, -3 workdays Sep 24.
    auto report = w.scheduler->tick(at("2026-09-25"));
    CHECK(report.reminders == 1);  // board_statement's latest
    auto mail = w.store->pending_mail(at("2026-09-25"), 10);
    REQUIRE(mail.size() == 2);  // board and leader act on the board statement
    for (const auto& m : mail) CHECK(m.subject.find("Bestyrelsens udtalelse") != std::string::npos);
    // The quality report's reminders (Sep 28, Oct 7) never go out: it was met on Sep 1.
    report = w.scheduler->tick(at("2026-10-08"));
    CHECK(report.reminders == 0);
    CHECK(report.escalations == 1);  // the board statement is overdue since Sep 30
}

TEST_CASE("an overdue step escalates to the leader and area chief, then to the director",
          "[scheduler]") {
    WorkflowWorld w;
    w.scheduler->tick(at("2026-08-03"));
    w.scheduler->tick(at("2026-10-12"));  // reminders
    // Due Oct 12; escalation 1 after 1 workday (Oct 13), 2 after 10 workdays (Oct 26).
    auto before = w.store->outbox_count("pending");
    auto report = w.scheduler->tick(at("2026-10-13", 8));
    CHECK(report.escalations == 1);
    CHECK(w.store->outbox_count("pending") - before == 2);
    report = w.scheduler->tick(at("2026-10-26", 8));
    CHECK(report.escalations == 1);
    auto mail = w.store->pending_mail(at("2026-10-26", 9), 100);
    CHECK(mail.back().recipient == "Dorte Direktør <direktoer@example.dk>");
    CHECK(mail.back().subject.rfind("Overskredet frist: Kvalitetsrapport", 0) == 0);
}

TEST_CASE(
    "a late action plan in a supervision case escalates to the area chief, then the "
    "director",
    "[scheduler]") {
    WorkflowWorld w;
    // The fixture's supervision escalation: area chief at once, director 5 workdays later.
    w.config.cycles[0].supervision->escalation = {
        {{0, tilsyn::Unit::day}, {tilsyn::Role::area_chief}, {}},
        {{5, tilsyn::Unit::workday}, {tilsyn::Role::director}, {}}};
    w.rebuild();
    w.scheduler->tick(at("2026-08-03"));
    w.send(w.cycle, "report_submitted", w.leader, "{}", "2026-10-01");
    w.send(w.cycle, "board_statement_submitted", w.board, R"({"assessment":"ok"})", "2026-10-02");
    auto result = w.send(w.cycle, "conversation_held", w.chief, kHeldWithPoint, "2026-11-02");
    REQUIRE(result.opened_cases.size() == 1);
    const std::string case_id = result.opened_cases[0];
    // Action plan due Nov 23 (given Nov 2 + 3 weeks): overdue on Nov 24.
    w.scheduler->tick(at("2026-11-23", 23));
    auto before = w.store->outbox_count("pending");
    auto report = w.scheduler->tick(at("2026-11-24", 8));
    CHECK(report.escalations == 1);
    auto mail = w.store->pending_mail(at("2026-11-24", 9), 100);
    CHECK(w.store->outbox_count("pending") - before == 1);
    CHECK(mail.back().recipient == "Søren Chef <chef.syd@example.dk>");
    CHECK(mail.back().subject.find("Handleplan") != std::string::npos);
    // Due Nov 23 + 5 workdays = Nov 30.
    report = w.scheduler->tick(at("2026-11-27", 8));
    CHECK(report.escalations == 0);
    report = w.scheduler->tick(at("2026-11-30", 8));
    CHECK(report.escalations == 1);
    mail = w.store->pending_mail(at("2026-11-30", 9), 100);
    CHECK(mail.back().recipient == "Dorte Direktør <direktoer@example.dk>");
}

TEST_CASE("every follow-up of a supervision case is reminded and escalated, not only the first",
          "[scheduler]") {
    WorkflowWorld w;
    w.config.cycles[0].supervision->reminders = {{-5, tilsyn::Unit::workday}};
    w.config.cycles[0].supervision->escalation = {
        {{0, tilsyn::Unit::day}, {tilsyn::Role::area_chief}, {}}};
    w.rebuild();
    w.scheduler->tick(at("2026-08-03"));
    w.send(w.cycle, "report_submitted", w.leader, "{}", "2026-10-01");
    w.send(w.cycle, "board_statement_submitted", w.board, R"({"assessment":"ok"})", "2026-10-02");
    auto result = w.send(w.cycle, "conversation_held", w.chief, kHeldWithPoint, "2026-11-02");
    REQUIRE(result.opened_cases.size() == 1);
    const std::string case_id = result.opened_cases[0];
    // The cycle itself goes on to its end, so that only the case has deadlines.
    w.send(w.cycle, "plan_submitted", w.leader,
           R"({"actions":[{"point":"development:1","action":"Trivselsmåling"},)"
           R"({"point":"supervision:1","action":"Fraværsopfølgning"}],"involvement":"MED"})",
           "2026-11-03");
    w.send(w.cycle, "plan_approved", w.chief, "{}", "2026-11-03");
    w.send(w.cycle, "plan_published", w.leader, R"({"url":"https://example.dk/plan"})",
           "2026-11-03");
    REQUIRE(w.state(w.cycle) == "Completed");
    w.send(case_id, "action_plan_submitted", w.leader, R"({"text":"Plan"})", "2026-11-20");
    // The follow-ups are told to the area chief: reminder and escalation, for each due date.
    auto follow_up_mail = [&](const std::string& due) {
        std::vector<std::string> ids;
        for (const auto& m : w.store->outbox("pending", 1000)) {
            if (m.subject.find("Opfølgning i tilsynssag") != std::string::npos &&
                m.subject.find(due) != std::string::npos) {
                CHECK(m.recipient == "Søren Chef <chef.syd@example.dk>");
                ids.push_back(m.message_id);
            }
        }
        return ids;
    };
    // The first is due Nov 20 + 4 weeks = Dec 18: reminder Dec 11, escalation Dec 21.
    auto report = w.scheduler->tick(at("2026-12-11", 9));
    CHECK(report.mails == 1);
    report = w.scheduler->tick(at("2026-12-21", 9));
    CHECK(report.mails == 1);
    const auto first = follow_up_mail("18.12.2026");
    CHECK(first.size() == 2);
    // Held Jan 4, the next is due Feb 1: reminder Jan 25, escalation Feb 2. Same step, round,
    // kind, level and person as the first: only the due date tells them apart.
    w.send(case_id, "follow_up_held", w.chief, R"({"note":"Bedre"})", "2027-01-04");
    report = w.scheduler->tick(at("2027-01-25", 9));
    CHECK(report.reminders == 1);
    CHECK(report.mails == 1);
    report = w.scheduler->tick(at("2027-02-02", 9));
    CHECK(report.escalations == 1);
    CHECK(report.mails == 1);
    const auto second = follow_up_mail("01.02.2027");
    REQUIRE(second.size() == 2);
    for (const auto& id : second) {
        CHECK(std::find(first.begin(), first.end(), id) == first.end());
    }
    // Derived from the deadline, so a retry of the same mail keeps its Message-ID.
    const auto reminder_id =
        tilsyn::deadline_message_id(case_id, "follow_up", 0, *tilsyn::parse_date("2027-02-01"),
                                    "reminder", 1, "chef.syd@example.dk");
    CHECK(std::find(second.begin(), second.end(), reminder_id) != second.end());
}

TEST_CASE("the next due moment is the earliest open reminder or escalation", "[scheduler]") {
    WorkflowWorld w;
    // Before anything is open: the first cycle start.
    auto next = w.scheduler->next_due_moment(at("2026-07-01"));
    REQUIRE(next);
    CHECK(*next == at("2026-08-03", 0));
    w.scheduler->tick(at("2026-08-03"));
    next = w.scheduler->next_due_moment(at("2026-08-03"));
    REQUIRE(next);
    CHECK(*next == at("2026-09-28", 8));
}

TEST_CASE("area chiefs with a digest get one daily mail instead of one per item",
          "[scheduler][digest]") {
    WorkflowWorld w;
    w.config.mail.digest_roles = {tilsyn::Role::area_chief};
    w.rebuild();
    w.scheduler->tick(at("2026-08-03"));
    // Quality report due Oct 12; escalation 1 (leader and area chief) on Oct 13.
    auto report = w.scheduler->tick(at("2026-10-13", 9));
    CHECK(report.escalations == 1);
    CHECK(report.digests == 1);
    auto mail = w.store->outbox("pending", 100);
    int to_chief = 0;
    for (const auto& m : mail) {
        if (m.recipient.find("chef.syd@example.dk") == std::string::npos) continue;
        ++to_chief;
        CHECK(m.body.find("Frydenlund Skole") != std::string::npos);
        CHECK(m.body.find("12. oktober 2026") != std::string::npos);
    }
    CHECK(to_chief == 1);  // the digest; no individual escalation to the chief
    // The same day again: nothing new. Before send time on the next day: nothing either.
    CHECK(w.scheduler->tick(at("2026-10-13", 15)).digests == 0);
    CHECK(w.scheduler->tick(at("2026-10-14", 7)).digests == 0);
    CHECK(w.scheduler->tick(at("2026-10-14", 8)).digests == 1);
    // Weekends get none.
    CHECK(w.scheduler->tick(at("2026-10-17", 9)).digests == 0);
    // The next due moment includes the next digest.
    auto next = w.scheduler->next_due_moment(at("2026-10-17", 9));
    REQUIRE(next);
    CHECK(*next == at("2026-10-19", 8));
}

TEST_CASE("an institution added during a running period gets its cycle at the next tick",
          "[scheduler]") {
    WorkflowWorld w;
    CHECK(w.scheduler->tick(at("2026-08-03")).cycles_opened == 1);
    auto added = w.config.institutions[0];
    added.id = "ny-skole";
    added.name = "Ny Skole";
    w.config.institutions.push_back(added);
    w.rebuild();
    auto sync = w.store->sync_directory(w.config);
    REQUIRE(sync.institutions_added == 1);
    CHECK(w.scheduler->tick(at("2026-09-01")).cycles_opened == 0);  // the period is marked
    w.store->forget_opened_periods();  // what migrate does when institutions were added
    CHECK(w.scheduler->tick(at("2026-09-01")).cycles_opened == 1);
    CHECK(w.store->find_cycle("quality-report-6-18/ny-skole/2026-08-03"));
    CHECK(w.scheduler->tick(at("2026-09-01")).cycles_opened == 0);
}
