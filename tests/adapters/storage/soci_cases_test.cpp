// The storage adapter's CaseStore on SQLite and PostgreSQL: workflow instances, deadlines and
// the scheduler's queries, opened periods, the audit trail.
#include <fmt/format.h>
#include <soci/soci.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "adapters/storage/schema.hpp"
#include "adapters/storage/soci_store.hpp"
#include "storage_fixture.hpp"

namespace {

using namespace tilsyn;
using namespace tilsyn::storage_testing;
using Catch::Matchers::Contains;

}  // namespace

// ---------------------------------------------------------------------------------------------
// Workflow instances and deadlines

STORE_TEST_CASE("a cycle is stored, found by id and moved to a new state", cycle_round_trip) {
    Store& store = *db.store;
    prepare(store);

    auto record = cycle("qr-2026-frydenlund");
    record.anchors = R"({"start":"2026-08-03"})";
    CHECK(store.insert_cycle(record));
    auto supervision = cycle("sup-1");
    supervision.workflow = "supervision";
    supervision.parent_id = record.id;
    CHECK(store.insert_cycle(supervision));

    auto found = store.find_cycle(record.id);
    REQUIRE(found);
    CHECK(found->id == record.id);
    CHECK(found->workflow == "quality_report");
    CHECK(found->cycle_config == "quality-report-6-18");
    CHECK(found->institution_id == "frydenlund");
    CHECK(found->parent_id.empty());
    CHECK(found->state == "ReportInPreparation");
    CHECK(found->timeline == record.timeline);
    CHECK(found->anchors == R"({"start":"2026-08-03"})");
    CHECK(found->started_on == date("2026-08-03"));
    CHECK(found->updated_at == record.updated_at);
    CHECK(store.find_cycle("sup-1")->parent_id == record.id);

    store.update_cycle_state(record.id, "AwaitingBoardStatement", instant(1'790'000'000));
    found = store.find_cycle(record.id);
    REQUIRE(found);
    CHECK(found->state == "AwaitingBoardStatement");
    CHECK(found->updated_at == instant(1'790'000'000));
    CHECK(store.find_cycle("sup-1")->state == "ReportInPreparation");

    CHECK(store.find_cycle("sup-1")->anchors == "{}");

    CHECK_FALSE(store.find_cycle("no-such-cycle"));
    REQUIRE_THROWS_AS(store.update_cycle_state("no-such-cycle", "X", instant(0)), StoreError);
    // Foreign keys are enforced (on SQLite only when the connection turns them on).
    REQUIRE_THROWS_AS(store.insert_cycle(cycle("orphan", "no-such-institution")), StoreError);
    REQUIRE_THROWS_WITH(store.insert_cycle(cycle("orphan", "no-such-institution")),
                        Contains("insert_cycle"));
}

STORE_TEST_CASE("inserting a workflow instance whose id exists returns false and writes nothing",
                insert_cycle_twice) {
    Store& store = *db.store;
    prepare(store);
    auto record = cycle("qr-1");
    REQUIRE(store.insert_cycle(record));

    auto other = cycle("qr-1", "ungdom");
    other.state = "Somewhere else";
    other.anchors = R"({"start":"2027-01-01"})";
    CHECK_FALSE(store.insert_cycle(other));
    auto found = store.find_cycle("qr-1");
    REQUIRE(found);
    CHECK(found->institution_id == "frydenlund");
    CHECK(found->state == "ReportInPreparation");
    CHECK(found->anchors == "{}");

    // Inside a transaction it leaves the transaction usable, on PostgreSQL too.
    store.in_transaction([&] {
        CHECK_FALSE(store.insert_cycle(other));
        CHECK(store.insert_cycle(cycle("qr-2", "ungdom")));
    });
    CHECK(store.find_cycle("qr-2"));
}

STORE_TEST_CASE("updating a workflow instance writes its state, anchors and time and nothing else",
                update_cycle_writes_three_columns) {
    Store& store = *db.store;
    prepare(store);
    store.insert_cycle(cycle("qr-1"));
    store.insert_cycle(cycle("qr-2", "ungdom"));

    auto changed = cycle("qr-1", "aaby");  // the institution is not the update's to change
    changed.workflow = "learning_dialogue";
    changed.state = "AwaitingBoardStatement";
    changed.anchors = R"({"start":"2026-08-03","quality_report":"2026-10-09"})";
    changed.timeline = "{}";
    changed.updated_at = instant(1'790'000'000);
    store.update_cycle(changed);

    auto found = store.find_cycle("qr-1");
    REQUIRE(found);
    CHECK(found->state == "AwaitingBoardStatement");
    CHECK(found->anchors == R"({"start":"2026-08-03","quality_report":"2026-10-09"})");
    CHECK(found->updated_at == instant(1'790'000'000));
    CHECK(found->institution_id == "frydenlund");
    CHECK(found->workflow == "quality_report");
    CHECK(found->timeline == cycle("qr-1").timeline);
    CHECK(store.find_cycle("qr-2")->state == "ReportInPreparation");

    // Again through the same prepared statement, and then an unknown id.
    changed.state = "AwaitingConversation";
    store.update_cycle(changed);
    CHECK(store.find_cycle("qr-1")->state == "AwaitingConversation");
    REQUIRE_THROWS_AS(store.update_cycle(cycle("no-such-cycle")), StoreError);
    REQUIRE_THROWS_WITH(store.update_cycle(cycle("no-such-cycle")),
                        Contains("update_cycle") && Contains("no-such-cycle"));
}

STORE_TEST_CASE("supervision cases are found by the cycle that opened them",
                child_cases_by_parent) {
    Store& store = *db.store;
    prepare(store);
    store.insert_cycle(cycle("qr-1"));
    store.insert_cycle(cycle("qr-2", "ungdom"));
    for (auto [id, parent] : {std::pair{"sup-b", "qr-1"}, {"sup-a", "qr-1"}, {"sup-c", "qr-2"}}) {
        auto supervision = cycle(id);
        supervision.workflow = "supervision";
        supervision.parent_id = parent;
        store.insert_cycle(supervision);
    }

    auto children = store.child_cases("qr-1");
    REQUIRE(children.size() == 2);
    CHECK(children[0].id == "sup-a");
    CHECK(children[1].id == "sup-b");
    CHECK(children[0].workflow == "supervision");
    CHECK(children[0].parent_id == "qr-1");
    CHECK(store.child_cases("qr-2").size() == 1);
    CHECK(store.child_cases("sup-a").empty());
    CHECK(store.child_cases("").empty());
}

STORE_TEST_CASE("the status lists every instance with its institution and earliest open due date",
                cycle_status_with_next_due) {
    Store& store = *db.store;
    prepare(store);
    store.insert_cycle(cycle("qr-b-frydenlund"));
    store.insert_cycle(cycle("qr-a-aaby", "aaby"));
    store.insert_cycle(cycle("qr-c-ungdom", "ungdom"));
    auto supervision = cycle("sup-1");
    supervision.workflow = "supervision";
    supervision.parent_id = "qr-b-frydenlund";
    supervision.state = "AwaitingActionPlan";
    store.insert_cycle(supervision);

    auto met = deadline("qr-b-frydenlund", "early_step", "due", 10, "2026-09-01");
    met.done = true;
    store.add_deadlines({
        deadline("qr-b-frydenlund", "board_statement", "due", 500, "2026-11-09"),
        deadline("qr-b-frydenlund", "quality_report", "due", 300, "2026-10-12"),
        met,  // earlier, but met
        deadline("qr-b-frydenlund", "quality_report", "reminder", 100, "2026-08-01"),  // no due
        deadline("qr-c-ungdom", "publication", "due", 900, "2026-12-01"),
        deadline("sup-1", "action_plan", "due", 200, "2026-09-15"),
        deadline("sup-1", "action_plan", "escalation", 250, "2026-09-16"),
    });

    auto all = store.cycle_status("", "");
    REQUIRE(all.size() == 4);
    CHECK(all[0].cycle.id == "qr-a-aaby");
    CHECK(all[0].institution_name == "Åby Børnehus");
    CHECK(all[0].area_id == "nord");
    CHECK_FALSE(all[0].next_due);
    CHECK(all[0].next_due_step.empty());

    CHECK(all[1].cycle.id == "qr-b-frydenlund");
    CHECK(all[1].cycle.state == "ReportInPreparation");
    CHECK(all[1].cycle.timeline.empty());  // listings leave the snapshot out
    CHECK(all[1].cycle.started_on == date("2026-08-03"));
    CHECK(all[1].institution_name == "Frydenlund Skole");
    CHECK(all[1].area_id == "syd");
    CHECK(all[1].next_due == date("2026-10-12"));
    CHECK(all[1].next_due_step == "quality_report");

    CHECK(all[2].cycle.id == "qr-c-ungdom");
    CHECK(all[2].next_due == date("2026-12-01"));
    CHECK(all[2].next_due_step == "publication");

    CHECK(all[3].cycle.id == "sup-1");
    CHECK(all[3].cycle.workflow == "supervision");
    CHECK(all[3].cycle.parent_id == "qr-b-frydenlund");
    CHECK(all[3].next_due == date("2026-09-15"));
    CHECK(all[3].next_due_step == "action_plan");

    auto ids = [](const std::vector<CycleStatusRow>& rows) {
        std::vector<std::string> result;
        for (const auto& row : rows) result.push_back(row.cycle.id);
        return result;
    };
    using Ids = std::vector<std::string>;
    CHECK(ids(store.cycle_status("syd", "")) == Ids{"qr-b-frydenlund", "qr-c-ungdom", "sup-1"});
    CHECK(ids(store.cycle_status("nord", "")) == Ids{"qr-a-aaby"});
    CHECK(ids(store.cycle_status("", "frydenlund")) == Ids{"qr-b-frydenlund", "sup-1"});
    CHECK(ids(store.cycle_status("syd", "ungdom")) == Ids{"qr-c-ungdom"});
    CHECK(store.cycle_status("syd", "aaby").empty());
    CHECK(store.cycle_status("no-such-area", "").empty());

    // Meeting the step moves the next due date on to the following one.
    store.close_deadlines("qr-b-frydenlund", "quality_report");
    auto frydenlund = store.cycle_status("", "frydenlund");
    REQUIRE(frydenlund.size() == 2);
    CHECK(frydenlund[0].next_due == date("2026-11-09"));
    CHECK(frydenlund[0].next_due_step == "board_statement");
}

STORE_TEST_CASE("due reminders and escalations come latest first and limited, never due rows",
                deadlines_due_and_closed) {
    Store& store = *db.store;
    prepare(store);
    store.insert_cycle(cycle("a"));
    store.insert_cycle(cycle("b", "ungdom"));

    CHECK_FALSE(store.next_fire_time());
    CHECK(store.due_deadlines(instant(9'999'999'999), 10).empty());

    auto closed_from_the_start = deadline("b", "quality_report", "reminder", 50);
    closed_from_the_start.done = true;
    auto escalation = deadline("a", "quality_report", "escalation", 400, "2026-10-13");
    escalation.level = 2;
    escalation.round = 3;
    store.add_deadlines({
        deadline("a", "quality_report", "due", 10),  // marks the deadline: never fires
        deadline("a", "quality_report", "reminder", 100),
        deadline("b", "quality_report", "reminder", 200),
        deadline("a", "board_statement", "reminder", 200),
        escalation,
        deadline("a", "board_statement", "due", 500),
        closed_from_the_start,
    });

    CHECK(store.next_fire_time() == instant(100));

    auto due = store.due_deadlines(instant(400), 10);
    REQUIRE(due.size() == 4);
    CHECK(due[0].kind == "escalation");
    CHECK(due[0].fire_at == instant(400));
    CHECK(due[0].level == 2);
    CHECK(due[0].round == 3);
    CHECK(due[0].due_on == date("2026-10-13"));
    CHECK_FALSE(due[0].done);
    // Same fire_at: the later row first.
    CHECK(due[1].fire_at == instant(200));
    CHECK(due[1].cycle_id == "a");
    CHECK(due[1].step == "board_statement");
    CHECK(due[2].fire_at == instant(200));
    CHECK(due[2].cycle_id == "b");
    CHECK(due[1].id > due[2].id);
    CHECK(due[3].fire_at == instant(100));
    CHECK(due[3].kind == "reminder");
    CHECK(due[3].id > 0);

    auto limited = store.due_deadlines(instant(400), 2);
    REQUIRE(limited.size() == 2);
    CHECK(limited[0].fire_at == instant(400));
    CHECK(limited[1].fire_at == instant(200));
    CHECK(store.due_deadlines(instant(99), 10).empty());
    CHECK(store.due_deadlines(instant(400), 0).empty());
    CHECK(store.due_deadlines(instant(150), 10).size() == 1);

    store.close_deadlines("a", "quality_report");
    due = store.due_deadlines(instant(1000), 10);
    REQUIRE(due.size() == 2);
    CHECK(due[0].step == "board_statement");
    CHECK(due[1].cycle_id == "b");
    CHECK(store.next_fire_time() == instant(200));

    store.close_deadlines("b", "quality_report");
    store.close_deadlines("a", "board_statement");
    CHECK_FALSE(store.next_fire_time());
    CHECK(store.due_deadlines(instant(9'999'999'999), 10).empty());
}

STORE_TEST_CASE("a fired reminder closes the earlier ones of its round that downtime left behind",
                close_reminders_coalesces) {
    Store& store = *db.store;
    prepare(store);
    store.insert_cycle(cycle("a"));
    store.insert_cycle(cycle("b", "ungdom"));
    auto next_round = deadline("a", "quality_report", "reminder", 150);
    next_round.round = 1;
    store.add_deadlines({
        deadline("a", "quality_report", "reminder", 100),
        deadline("a", "quality_report", "reminder", 200),
        deadline("a", "quality_report", "reminder", 300),
        deadline("a", "quality_report", "escalation", 250),
        deadline("a", "quality_report", "due", 260),
        next_round,
        deadline("a", "board_statement", "reminder", 120),
        deadline("b", "quality_report", "reminder", 110),
    });

    // After downtime the scheduler takes the latest due reminder first ...
    auto due = store.due_deadlines(instant(1000), 10);
    REQUIRE(due.size() == 7);
    REQUIRE(due[0].fire_at == instant(300));
    // ... fires it, and closes it with the earlier ones of the same step and round.
    CHECK(store.close_reminders_up_to("a", "quality_report", 0, due[0].fire_at) == 3);
    CHECK(store.close_reminders_up_to("a", "quality_report", 0, due[0].fire_at) == 0);

    due = store.due_deadlines(instant(1000), 10);
    REQUIRE(due.size() == 4);
    CHECK(due[0].kind == "escalation");  // escalations are not coalesced away
    CHECK(due[1].fire_at == instant(150));
    CHECK(due[1].round == 1);  // another round
    CHECK(due[2].step == "board_statement");
    CHECK(due[3].cycle_id == "b");

    // Only reminders up to the given moment: a later one stays open.
    store.add_deadlines({deadline("a", "quality_report", "reminder", 500),
                         deadline("a", "quality_report", "reminder", 600)});
    CHECK(store.close_reminders_up_to("a", "quality_report", 0, instant(550)) == 1);
    CHECK(store.close_reminders_up_to("a", "quality_report", 0, instant(550)) == 0);
    auto open = store.due_deadlines(instant(1000), 10);
    CHECK(std::count_if(open.begin(), open.end(),
                        [](const auto& d) { return d.fire_at == instant(600); }) == 1);
    CHECK(store.close_reminders_up_to("nothing", "quality_report", 0, instant(9999)) == 0);
}

STORE_TEST_CASE("an instance's deadlines are listed open and done, and close one or all at once",
                deadlines_of_an_instance) {
    Store& store = *db.store;
    prepare(store);
    store.insert_cycle(cycle("a"));
    store.insert_cycle(cycle("b", "ungdom"));
    store.add_deadlines({
        deadline("a", "quality_report", "due", 300, "2026-10-12"),
        deadline("a", "quality_report", "reminder", 100, "2026-10-12"),
        deadline("a", "board_statement", "escalation", 200, "2026-11-09"),
        deadline("b", "quality_report", "reminder", 150),
    });
    CHECK(store.deadlines("nothing").empty());

    auto listed = store.deadlines("a");
    REQUIRE(listed.size() == 3);
    CHECK(listed[0].fire_at == instant(100));
    CHECK(listed[0].kind == "reminder");
    CHECK(listed[1].step == "board_statement");
    CHECK(listed[1].due_on == date("2026-11-09"));
    CHECK(listed[2].kind == "due");
    CHECK(listed[2].cycle_id == "a");
    for (const auto& d : listed) CHECK_FALSE(d.done);

    store.mark_deadline_done(listed[1].id);
    store.mark_deadline_done(listed[1].id);  // again: still done, nothing else touched
    listed = store.deadlines("a");
    CHECK_FALSE(listed[0].done);
    CHECK(listed[1].done);
    CHECK_FALSE(listed[2].done);
    CHECK(store.next_fire_time() == instant(100));

    store.close_all_deadlines("a");
    listed = store.deadlines("a");
    REQUIRE(listed.size() == 3);
    CHECK(std::all_of(listed.begin(), listed.end(), [](const auto& d) { return d.done; }));
    REQUIRE(store.deadlines("b").size() == 1);
    CHECK_FALSE(store.deadlines("b")[0].done);
    CHECK(store.next_fire_time() == instant(150));
}

STORE_TEST_CASE("the scheduler's queries read the partial firing index without sorting",
                firing_queries_use_the_index) {
    Store& store = *db.store;
    prepare(store);
    auto raw = raw_session(db);
    auto firing = with_literals(std::string{schema::firing_deadlines_query},
                                {{":until", "1000"}, {":limit", "10"}});
    auto next = std::string{schema::next_fire_time_query};
    auto token = std::string{
        "SELECT id FROM users WHERE token_hash = 'x' AND token_hash <> '' ORDER BY id LIMIT 1"};
    if (db.is_sqlite()) {
        for (const auto& query : {firing, next}) {
            auto plan = sqlite_plan(*raw, query);
            INFO(query << "\n" << plan);
            CHECK_THAT(plan, Contains("INDEX deadlines_firing_by_fire_at"));
            CHECK_THAT(plan, !Contains("TEMP B-TREE"));
            CHECK_THAT(plan, !Contains("SCAN deadlines\n"));  // the table itself
        }
        auto plan = sqlite_plan(*raw, token);
        INFO(plan);
        CHECK_THAT(plan, Contains("INDEX users_by_token_hash"));
    } else {
        // An empty table costs nothing to scan, so the planner is told not to.
        *raw << "SET enable_seqscan = off";
        for (const auto& query : {firing, next}) {
            auto plan = postgres_plan(*raw, query);
            INFO(query << "\n" << plan);
            CHECK_THAT(plan, Contains("deadlines_firing_by_fire_at"));
            CHECK_THAT(plan, !Contains("Sort"));
        }
        auto plan = postgres_plan(*raw, token);
        INFO(plan);
        CHECK_THAT(plan, Contains("users_by_token_hash"));
    }
}

// ---------------------------------------------------------------------------------------------
// Periods

STORE_TEST_CASE("a period is marked opened once", periods_open_once) {
    Store& store = *db.store;
    prepare(store);
    CHECK_FALSE(store.period_opened("quality-report-6-18", date("2026-08-03")));
    CHECK(store.mark_period_opened("quality-report-6-18", date("2026-08-03"), instant(1000)));
    CHECK(store.period_opened("quality-report-6-18", date("2026-08-03")));
    CHECK_FALSE(store.mark_period_opened("quality-report-6-18", date("2026-08-03"), instant(2000)));

    CHECK_FALSE(store.period_opened("quality-report-6-18", date("2028-08-07")));
    CHECK_FALSE(store.period_opened("learning-dialogue", date("2026-08-03")));
    CHECK(store.mark_period_opened("learning-dialogue", date("2026-08-03"), instant(1000)));
    CHECK(db.reopen()->period_opened("learning-dialogue", date("2026-08-03")));

    // Inside a transaction that rolls back, the mark goes too.
    REQUIRE_THROWS(store.in_transaction([&] {
        CHECK(store.mark_period_opened("quality-report-6-18", date("2028-08-07"), instant(1)));
        throw std::runtime_error("the cycles could not be opened");
    }));
    CHECK_FALSE(store.period_opened("quality-report-6-18", date("2028-08-07")));
}

// ---------------------------------------------------------------------------------------------
// The audit trail

STORE_TEST_CASE("appending events assigns increasing sequence numbers", events_get_seq) {
    Store& store = *db.store;
    prepare(store);
    store.insert_cycle(cycle("qr-1"));
    store.insert_cycle(cycle("qr-2", "ungdom"));

    CHECK_FALSE(store.last_event());
    long long previous = 0;
    for (int i = 0; i < 3; ++i) {
        auto appended = event(i == 1 ? "qr-2" : "qr-1", "report_submitted", 1000 + i);
        store.append_event(appended);
        CHECK(appended.seq > previous);
        previous = appended.seq;
    }

    auto trail = store.events("qr-1");
    REQUIRE(trail.size() == 2);
    CHECK(trail[0].seq < trail[1].seq);
    CHECK(trail[0].at == instant(1000));
    CHECK(trail[1].at == instant(1002));
    CHECK(trail[0].actor == "lene@example.dk");
    CHECK(trail[0].payload == R"({"url":"https://example.dk/rapport.pdf"})");
    CHECK(trail[0].state_before == "ReportInPreparation");
    CHECK(trail[0].state_after == "AwaitingBoardStatement");
    CHECK(trail[0].prev_hash == "0000");
    CHECK(trail[0].hash == "hash-1000");

    auto last = store.last_event();
    REQUIRE(last);
    CHECK(last->seq == previous);
    CHECK(last->hash == "hash-1002");
    CHECK(store.events("qr-2").size() == 1);
    CHECK(store.events("nothing").empty());
}

STORE_TEST_CASE("the audit trail is read in order in pages after a sequence number",
                events_after_in_pages) {
    Store& store = *db.store;
    prepare(store);
    store.insert_cycle(cycle("qr-1"));
    store.insert_cycle(cycle("qr-2", "ungdom"));
    std::vector<long long> seqs;
    for (int i = 0; i < 5; ++i) {
        auto appended = event(i % 2 == 0 ? "qr-1" : "qr-2", "report_submitted", 1000 + i);
        store.append_event(appended);
        seqs.push_back(appended.seq);
    }

    auto all = store.events_after(0, 100);
    REQUIRE(all.size() == 5);
    for (std::size_t i = 0; i < all.size(); ++i) {
        CHECK(all[i].seq == seqs[i]);
        CHECK(all[i].at == instant(1000 + static_cast<long long>(i)));
    }
    CHECK(all[1].cycle_id == "qr-2");
    CHECK(all[4].hash == "hash-1004");

    auto page = store.events_after(seqs[1], 2);
    REQUIRE(page.size() == 2);
    CHECK(page[0].seq == seqs[2]);
    CHECK(page[1].seq == seqs[3]);
    CHECK(store.events_after(seqs[3], 2).size() == 1);
    CHECK(store.events_after(seqs[4], 10).empty());
    CHECK(store.events_after(0, 0).empty());
}

STORE_TEST_CASE(
    "a report's scope is read in set queries: its cycles, their cases, events and due "
    "dates, and earlier events by seq",
    visit_started_reads_the_scope) {
    Store& store = *db.store;
    prepare(store);
    auto with = [](CycleRecord c, std::string_view config, std::string_view started,
                   std::string parent = {}) {
        c.cycle_config = config;
        c.started_on = date(started);
        if (!parent.empty()) {
            c.workflow = "supervision";
            c.parent_id = std::move(parent);
        }
        return c;
    };
    store.insert_cycle(with(cycle("in"), "quality-report-6-18", "2026-08-03"));
    store.insert_cycle(with(cycle("old"), "quality-report-6-18", "2024-08-05"));
    store.insert_cycle(with(cycle("other"), "learning-dialogue", "2026-09-07"));
    store.insert_cycle(with(cycle("in/tilsyn-1"), "", "2026-12-01", "in"));
    store.insert_cycle(with(cycle("old/tilsyn-1"), "", "2025-01-10", "old"));
    long long old_seq = 0;
    for (auto [id, name] : {std::pair{"in", "report_submitted"},
                            {"in", "conversation_held"},
                            {"old", "conversation_held"},
                            {"other", "conversation_held"},
                            {"in/tilsyn-1", "case_opened"},
                            {"old/tilsyn-1", "case_opened"}}) {
        auto e = event(id, name, 1000);
        store.append_event(e);
        if (std::string_view(id) == "old") old_seq = e.seq;
    }
    store.add_deadlines({deadline("in", "plan_approval", "due", 10),
                         deadline("in", "plan_approval", "reminder", 11),
                         deadline("in", "publication", "due", 12),
                         deadline("old", "plan_approval", "due", 13)});

    StartedScope scope{date("2025-01-01"),
                       date("2026-12-31"),
                       {"school"},
                       {"quality-report-6-18"},
                       {"case_opened", "conversation_held"},
                       {"plan_approval"}};
    std::vector<std::string> instances, events, deadlines;
    auto visit = [&](const StartedScope& s) {
        instances.clear();
        events.clear();
        deadlines.clear();
        store.visit_started(
            s,
            [&](const CycleStatusRow& row) {
                instances.push_back(row.cycle.id + " " + row.area_id + " " + row.institution_name);
            },
            [&](const EventRecord& e) {
                events.push_back(e.cycle_id + " " + e.event);
                CHECK(e.payload == R"({"url":"https://example.dk/rapport.pdf"})");
            },
            [&](const DeadlineRecord& d) { deadlines.push_back(d.cycle_id + " " + d.step); });
    };
    visit(scope);
    // Cycles first, then the cases they opened; nothing of other periods or configs.
    REQUIRE(instances.size() == 2);
    CHECK(instances[0].rfind("in syd ", 0) == 0);
    CHECK(instances[1].rfind("in/tilsyn-1 syd ", 0) == 0);
    std::sort(events.begin(), events.end());
    CHECK(events == std::vector<std::string>{"in conversation_held", "in/tilsyn-1 case_opened"});
    CHECK(deadlines == std::vector<std::string>{"in plan_approval"});

    scope.kinds = {"daycare"};  // another band: nothing
    visit(scope);
    CHECK(instances.empty());
    CHECK(events.empty());
    scope.kinds = {};
    scope.cycle_configs = {"it's quoted"};  // a quote in a name is a literal, not SQL
    visit(scope);
    CHECK(instances.empty());

    const auto earlier = store.events_by_seq({old_seq, old_seq + 100000});
    REQUIRE(earlier.size() == 1);
    CHECK(earlier[0].cycle_id == "old");
    CHECK(earlier[0].event == "conversation_held");
    CHECK(store.events_by_seq({}).empty());
}
