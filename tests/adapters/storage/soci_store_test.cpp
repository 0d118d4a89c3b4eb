// The storage adapter as a whole against the real thing (an SQLite file, and a PostgreSQL server
// when TILSYN_TEST_PG_URL names one): migrations, transactions across the ports, and the
// statements an event's transaction prepares once. Every behaviour runs on both backends.
#include "adapters/storage/soci_store.hpp"

#include <fmt/format.h>
#include <soci/soci.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <exception>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "adapters/storage/schema.hpp"
#include "storage_fixture.hpp"

namespace {

using namespace tilsyn;
using namespace tilsyn::storage_testing;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

}  // namespace

// ---------------------------------------------------------------------------------------------
// Schema

STORE_TEST_CASE(
    "migrating an empty database gives the latest version and migrating again changes nothing",
    migrate_is_idempotent) {
    Store& store = *db.store;
    CHECK(store.schema_version() == 0);
    CHECK(store.migrate() == schema::kSchemaVersion);
    CHECK(store.schema_version() == schema::kSchemaVersion);

    store.sync_directory(small_config());
    CHECK(store.migrate() == schema::kSchemaVersion);
    CHECK(store.schema_version() == schema::kSchemaVersion);
    CHECK(store.institutions().size() == 3);

    auto again = db.reopen();
    CHECK(again->schema_version() == schema::kSchemaVersion);
    CHECK(again->migrate() == schema::kSchemaVersion);
    CHECK(again->institutions().size() == 3);
}

STORE_TEST_CASE("an operation on an unmigrated database fails naming the operation",
                unmigrated_database_fails) {
    REQUIRE_THROWS_AS(db.store->institutions(), StoreError);
    REQUIRE_THROWS_WITH(db.store->institutions(), Contains("institutions:"));
}

STORE_TEST_CASE("a database at version 1 is upgraded to version 2 keeping its data",
                migrate_from_version_1) {
    auto& store = dynamic_cast<SociStore&>(*db.store);
    REQUIRE(store.migrate_to(1) == 1);
    CHECK(store.schema_version() == 1);
    CHECK(store.migrate_to(1) == 1);

    // What a version-1 program wrote: its directory, cycles without anchors, deadlines of every
    // kind.
    auto raw = raw_session(db);
    *raw << "INSERT INTO areas (id, name) VALUES ('syd', 'Område Syd')";
    *raw << "INSERT INTO institutions (id, name, kind, area_id) VALUES "
            "('frydenlund', 'Frydenlund Skole', 'school', 'syd')";
    *raw << "INSERT INTO cycles (id, workflow, cycle_config, institution_id, parent_id, state, "
            "timeline, started_on, updated_at) VALUES ('qr-1', 'quality_report', "
            "'quality-report-6-18', 'frydenlund', '', 'ReportInPreparation', '{}', "
            "'2026-08-03', 1785738000)";
    *raw << "INSERT INTO deadlines (cycle_id, step, round, kind, level, due_on, fire_at, done) "
            "VALUES ('qr-1', 'quality_report', 0, 'due', 0, '2026-10-12', 50, 0), "
            "('qr-1', 'quality_report', 0, 'reminder', 0, '2026-10-12', 100, 0), "
            "('qr-1', 'quality_report', 0, 'escalation', 1, '2026-10-12', 200, 0), "
            "('qr-1', 'quality_report', 0, 'reminder', 0, '2026-10-12', 150, 1)";
    const bool sqlite = db.is_sqlite();
    CHECK(has_index(*raw, sqlite, "deadlines_open_by_fire_at"));
    CHECK(store.find_institution("frydenlund"));  // prepared against version 1

    CHECK(store.migrate_to(2) == 2);
    CHECK(store.schema_version() == 2);
    CHECK(store.migrate_to(2) == 2);
    CHECK(store.migrate_to(1) == 2);  // never downgrades
    REQUIRE_THROWS_AS(store.migrate_to(schema::kSchemaVersion + 1), std::invalid_argument);

    CHECK_FALSE(has_index(*raw, sqlite, "deadlines_open_by_fire_at"));
    CHECK(has_index(*raw, sqlite, "deadlines_firing_by_fire_at"));
    CHECK(has_index(*raw, sqlite, "deadlines_by_cycle_step"));
    CHECK(has_index(*raw, sqlite, "cycles_by_parent"));
    CHECK(has_index(*raw, sqlite, "users_by_token_hash"));
    long long versions = 0;
    *raw << "SELECT count(*) FROM schema_migrations WHERE version IN (1, 2)", soci::into(versions);
    CHECK(versions == 2);

    auto found = store.find_cycle("qr-1");
    REQUIRE(found);
    CHECK(found->anchors == "{}");
    CHECK(found->state == "ReportInPreparation");
    found->anchors = R"({"start":"2026-08-03"})";
    store.update_cycle(*found);
    CHECK(store.find_cycle("qr-1")->anchors == R"({"start":"2026-08-03"})");

    auto due = store.due_deadlines(instant(1000), 10);
    REQUIRE(due.size() == 2);
    CHECK(due[0].kind == "escalation");
    CHECK(due[1].kind == "reminder");
    CHECK(store.next_fire_time() == instant(100));
    CHECK(store.deadlines("qr-1").size() == 4);

    CHECK(store.mark_period_opened("quality-report-6-18", date("2026-08-03"), instant(1)));
    CHECK(store.find_institution("frydenlund")->name == "Frydenlund Skole");
    CHECK(store.institutions().size() == 1);
}

STORE_TEST_CASE(
    "a database at version 4 is upgraded to version 5: queued mail goes on, "
    "without an invitation",
    migrate_from_version_4) {
    auto& store = dynamic_cast<SociStore&>(*db.store);
    REQUIRE(store.migrate_to(4) == 4);
    auto raw = raw_session(db);
    *raw << "INSERT INTO outbox (message_id, recipient, subject, body, queued_at, status, "
            "attempts, next_attempt_at) VALUES ('<old@tilsyn>', 'lene@example.dk', "
            "'Påmindelse', 'Tekst', 100, 'pending', 0, 100)";
    CHECK(store.migrate_to(5) == 5);
    CHECK(store.schema_version() == 5);
    const auto pending = store.outbox("pending", 10);
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].message_id == "<old@tilsyn>");
    CHECK(pending[0].calendar.empty());
    auto invitation = message("<new@tilsyn>", 200);
    invitation.calendar = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n";
    REQUIRE(store.enqueue(invitation));
    const auto claimed = store.claim_mail(instant(300), 10, "node", instant(400));
    REQUIRE(claimed.size() == 2);
    CHECK(claimed[0].calendar.empty());
    CHECK(claimed[1].calendar == invitation.calendar);
}

// ---------------------------------------------------------------------------------------------
// Transactions

STORE_TEST_CASE("a transaction that throws leaves nothing written", transaction_rolls_back) {
    Store& store = *db.store;
    prepare(store);

    REQUIRE_THROWS_WITH(store.in_transaction([&] {
        store.insert_cycle(cycle("qr-1"));
        auto appended = event("qr-1", "report_submitted", 1000);
        store.append_event(appended);
        auto queued = message("reminder-qr-1", 1000);
        CHECK(store.enqueue(queued));
        store.add_deadlines({deadline("qr-1", "quality_report", "due", 2000)});
        store.update_cycle_state("qr-1", "AwaitingBoardStatement", instant(1000));
        throw std::runtime_error("the engine changed its mind");
    }),
                        "the engine changed its mind");

    CHECK_FALSE(store.find_cycle("qr-1"));
    CHECK(store.events("qr-1").empty());
    CHECK_FALSE(store.last_event());
    CHECK(store.pending_mail(instant(9'999'999'999), 10).empty());
    CHECK_FALSE(store.next_fire_time());

    // The store is usable afterwards, and a transaction that returns commits everything.
    store.in_transaction([&] {
        store.insert_cycle(cycle("qr-1"));
        auto appended = event("qr-1", "report_submitted", 1000);
        store.append_event(appended);
        auto queued = message("reminder-qr-1", 1000);
        store.enqueue(queued);
    });
    auto other = db.reopen();
    CHECK(other->find_cycle("qr-1"));
    CHECK(other->events("qr-1").size() == 1);
    CHECK(other->pending_mail(instant(1000), 10).size() == 1);

    REQUIRE_THROWS_AS(store.in_transaction([&] { store.in_transaction([] {}); }), StoreError);
    CHECK(store.find_cycle("qr-1"));
}

STORE_TEST_CASE("a failing statement inside a transaction rolls back its earlier writes",
                transaction_rolls_back_on_store_error) {
    Store& store = *db.store;
    prepare(store);
    REQUIRE_THROWS_AS(store.in_transaction([&] {
        store.insert_cycle(cycle("qr-1"));
        store.insert_cycle(cycle("orphan", "no-such-institution"));  // foreign key
    }),
                      StoreError);
    CHECK_FALSE(store.find_cycle("qr-1"));
    store.insert_cycle(cycle("qr-1"));
    CHECK(store.find_cycle("qr-1"));

    // The statements prepared for an event survive a transaction rolled back after using them.
    auto before = *store.find_cycle("qr-1");
    REQUIRE_THROWS_AS(store.in_transaction([&] {
        auto found = store.find_cycle("qr-1");
        REQUIRE(found);
        found->state = "Changed";
        store.update_cycle(*found);
        store.add_deadlines({deadline("qr-1", "quality_report", "reminder", 100)});
        auto appended = event("qr-1", "report_submitted", 1000);
        store.append_event(appended);
        store.insert_cycle(cycle("orphan", "no-such-institution"));
    }),
                      StoreError);
    CHECK(store.find_cycle("qr-1")->state == before.state);
    CHECK(store.deadlines("qr-1").empty());
    CHECK_FALSE(store.last_event());
    store.in_transaction([&] {
        auto found = store.find_cycle("qr-1");
        REQUIRE(found);
        found->state = "Changed";
        store.update_cycle(*found);
        store.add_deadlines({deadline("qr-1", "quality_report", "reminder", 100)});
        auto appended = event("qr-1", "report_submitted", 1000);
        store.append_event(appended);
    });
    CHECK(db.reopen()->find_cycle("qr-1")->state == "Changed");
    CHECK(store.deadlines("qr-1").size() == 1);
    CHECK(store.last_event()->event == "report_submitted");
}

STORE_TEST_CASE("a writer waits for another connection's transaction instead of failing",
                concurrent_writers_queue) {
    Store& store = *db.store;
    prepare(store);
    store.insert_cycle(cycle("qr-1"));
    auto other = db.reopen();

    std::atomic<bool> holding{false};
    std::exception_ptr failure;
    std::thread first([&] {
        try {
            store.in_transaction([&] {
                store.update_cycle_state("qr-1", "First", instant(1));
                holding = true;
                std::this_thread::sleep_for(300ms);
            });
        } catch (...) {
            failure = std::current_exception();
            holding = true;
        }
    });
    while (!holding) std::this_thread::sleep_for(1ms);
    // Reads, then writes, inside one transaction: the pattern that fails at once under a
    // deferred BEGIN on SQLite.
    other->in_transaction([&] {
        auto found = other->find_cycle("qr-1");
        REQUIRE(found);
        other->update_cycle_state("qr-1", found->state + "+Second", instant(2));
    });
    first.join();
    if (failure) std::rethrow_exception(failure);
    CHECK(store.find_cycle("qr-1")->state == "First+Second");
}

// ---------------------------------------------------------------------------------------------
// Every port

STORE_TEST_CASE("Danish text round-trips unchanged", danish_text_round_trips) {
    Store& store = *db.store;
    store.migrate();
    Config config = small_config();
    config.areas[0].name = "Område Æblehaven-Ørsted";
    config.institutions[0].name = "Ærøskøbing Børnehus & Skole «Å»";
    config.institutions[0].leader.name = "Søren Æbeløe Østergård";
    store.sync_directory(config);
    CHECK_FALSE(store.sync_directory(config).changed());

    CHECK(find_institution(store.institutions(), "frydenlund").name ==
          "Ærøskøbing Børnehus & Skole «Å»");
    auto areas = store.areas();
    CHECK(std::any_of(areas.begin(), areas.end(),
                      [](const auto& a) { return a.name == "Område Æblehaven-Ørsted"; }));
    auto users = store.users();
    CHECK(std::any_of(users.begin(), users.end(),
                      [](const auto& u) { return u.name == "Søren Æbeløe Østergård"; }));

    auto record = cycle("qr-æøå");
    record.state = "Afventer bestyrelsens udtalelse";
    store.insert_cycle(record);
    CHECK(store.find_cycle("qr-æøå")->state == "Afventer bestyrelsens udtalelse");

    auto appended = event("qr-æøå", "follow_up_held", 1000);
    appended.payload = R"({"note":"Læringsmiljøet på 5. årgang følges tæt — ÆØÅ æøå"})";
    store.append_event(appended);
    CHECK(store.events("qr-æøå").at(0).payload == appended.payload);

    auto queued = message("påmindelse-æøå", 1000);
    queued.body = "Kære Åse Ø,\n\nFrist: 12. oktober. Hilsen Børn og Unge\n";
    store.enqueue(queued);
    auto pending = store.pending_mail(instant(1000), 10);
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].message_id == "påmindelse-æøå");
    CHECK(pending[0].body == queued.body);
}

// ---------------------------------------------------------------------------------------------
// An event's transaction, with its statements prepared once

STORE_TEST_CASE("a read or insert outside a transaction leaves no snapshot or lock behind",
                single_row_statements_run_to_their_end) {
    Store& store = *db.store;
    prepare(store);
    store.insert_cycle(cycle("qr-1"));
    auto other = db.reopen();

    // Each of these stops after its one row; a statement left standing would keep the
    // connection's read snapshot (so its next write fails) or, with RETURNING, the write lock.
    REQUIRE(store.find_cycle("qr-1"));
    REQUIRE(store.find_institution("frydenlund"));
    CHECK_FALSE(store.last_event());
    auto appended = event("qr-1", "report_submitted", 1000);
    store.append_event(appended);
    REQUIRE(store.last_event());
    auto queued = message("reminder-qr-1", 1000);
    REQUIRE(store.enqueue(queued));

    auto changed = *other->find_cycle("qr-1");
    changed.state = "ChangedElsewhere";
    other->in_transaction([&] {
        other->update_cycle(changed);
        auto more = event("qr-1", "board_statement_submitted", 1001);
        other->append_event(more);
    });

    auto seen = store.find_cycle("qr-1");
    REQUIRE(seen);
    CHECK(seen->state == "ChangedElsewhere");
    CHECK(store.last_event()->event == "board_statement_submitted");
    seen->state = "ChangedHere";
    store.update_cycle(*seen);
    CHECK(other->find_cycle("qr-1")->state == "ChangedHere");
}

STORE_TEST_CASE("many events through the prepared statements store exactly what they were given",
                event_transactions_repeat_exactly) {
    Store& store = *db.store;
    prepare(store);
    const std::vector<std::string> ids{"qr-1", "qr-2", "qr-3"};
    for (const auto& id : ids) {
        store.insert_cycle(cycle(id, id == "qr-2" ? "ungdom" : "frydenlund"));
    }

    constexpr int events = 60;
    for (int i = 0; i < events; ++i) {
        const auto& id = ids[i % ids.size()];
        store.in_transaction([&] {
            auto found = store.find_cycle(id);
            REQUIRE(found);
            found->state = fmt::format("State{}", i);
            found->anchors = fmt::format(R"({{"step{}":"2026-09-{:02}"}})", i, i % 28 + 1);
            found->updated_at = instant(2000 + i);
            store.update_cycle(*found);
            store.close_deadlines(id, fmt::format("step{}", i - 3));
            std::vector<DeadlineRecord> added;
            for (int k = 0; k < 5; ++k) {
                auto d = deadline(id, fmt::format("step{}", i), k == 0 ? "due" : "reminder",
                                  10'000 + i * 10 + k, fmt::format("2026-10-{:02}", k + 1));
                d.round = k;
                d.level = i;
                added.push_back(d);
            }
            store.add_deadlines(added);
            auto last = store.last_event();
            auto appended = event(id, fmt::format("event{}", i), 2000 + i);
            appended.prev_hash = last ? last->hash : "";
            appended.payload = fmt::format(R"({{"n":{}}})", i);
            store.append_event(appended);
            if (i % 3 == 0) {
                auto queued = message(fmt::format("mail-{}", i), 2000 + i);
                queued.body = fmt::format("Besked nr. {} — æøå", i);
                REQUIRE(store.enqueue(queued));
            }
        });
    }

    auto fresh = db.reopen();
    auto trail = fresh->events_after(0, 1000);
    REQUIRE(trail.size() == events);
    for (int i = 0; i < events; ++i) {
        CHECK(trail[i].event == fmt::format("event{}", i));
        CHECK(trail[i].cycle_id == ids[i % ids.size()]);
        CHECK(trail[i].payload == fmt::format(R"({{"n":{}}})", i));
        CHECK(trail[i].prev_hash == (i == 0 ? "" : fmt::format("hash-{}", 2000 + i - 1)));
    }
    auto last = fresh->find_cycle("qr-3");
    REQUIRE(last);
    CHECK(last->state == fmt::format("State{}", events - 1));
    CHECK(last->anchors ==
          fmt::format(R"({{"step{}":"2026-09-{:02}"}})", events - 1, (events - 1) % 28 + 1));
    CHECK(last->updated_at == instant(2000 + events - 1));

    auto listed = fresh->deadlines("qr-1");
    REQUIRE(listed.size() == 5 * (events / 3));
    for (std::size_t n = 0; n < listed.size(); ++n) {
        int i = static_cast<int>(n / 5) * 3, k = static_cast<int>(n % 5);
        CHECK(listed[n].step == fmt::format("step{}", i));
        CHECK(listed[n].kind == (k == 0 ? "due" : "reminder"));
        CHECK(listed[n].round == k);
        CHECK(listed[n].level == i);
        CHECK(listed[n].fire_at == instant(10'000 + i * 10 + k));
        CHECK(listed[n].due_on == date(fmt::format("2026-10-{:02}", k + 1)));
        // Every step but the newest was closed by a later event of the same instance.
        CHECK(listed[n].done == (i < events - 3));
    }
    CHECK(fresh->outbox_count("pending") == events / 3);
    auto mail = fresh->pending_mail(instant(9'999'999'999), 1);
    REQUIRE(mail.size() == 1);
    CHECK(mail[0].body == "Besked nr. 0 — æøå");
}

STORE_TEST_CASE("a store opened read-only reads and refuses every write", read_only_store) {
    prepare(*db.store);
    auto reader = open_existing_store(db.url, true);
    CHECK(reader->schema_version() == schema::kSchemaVersion);
    CHECK(reader->find_institution("frydenlund"));
    StoredUser user;
    user.email = "x@example.dk";
    user.role = "admin";
    user.source = "manual";
    CHECK_THROWS_AS(reader->add_user(user), StoreError);
    CHECK(db.store->find_users_by_email("x@example.dk").empty());
}
