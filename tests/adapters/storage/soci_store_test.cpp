// The storage adapter against the real thing: an SQLite file, and a PostgreSQL server named by
// TILSYN_TEST_PG_URL (scripts/pg-test-server prints one). Every behaviour runs on both backends.
#include "adapters/storage/soci_store.hpp"

#include <fmt/format.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <filesystem>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>

namespace {

using namespace tilsyn;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

// ---------------------------------------------------------------------------------------------
// One empty database per test

std::mt19937_64& random_engine() {
    static std::mt19937_64 engine{std::random_device{}()};
    return engine;
}

struct TestDatabase {
    std::string url;
    std::unique_ptr<Store> store;
    std::filesystem::path folder;  // SQLite: removed with everything in it afterwards
    std::string pg_admin;          // PostgreSQL: connection for dropping `pg_schema` afterwards
    std::string pg_schema;

    TestDatabase() = default;
    TestDatabase(const TestDatabase&) = delete;
    TestDatabase& operator=(const TestDatabase&) = delete;
    ~TestDatabase() {
        store.reset();
        std::error_code ignored;
        if (!folder.empty()) std::filesystem::remove_all(folder, ignored);
        if (!pg_schema.empty()) {
            try {
                soci::session admin(*soci::factory_postgresql(), pg_admin);
                admin << "DROP SCHEMA IF EXISTS " + pg_schema + " CASCADE";
            } catch (const std::exception&) {
                // A leftover schema in a throw-away test database harms nothing.
            }
        }
    }

    bool is_sqlite() const { return !folder.empty(); }

    /// Another connection to the same database.
    std::unique_ptr<Store> reopen() const { return open_store(url); }
};

std::unique_ptr<TestDatabase> sqlite_database() {
    auto db = std::make_unique<TestDatabase>();
    db->folder = std::filesystem::temp_directory_path() /
                 fmt::format("tilsyn-storage-test-{:016x}", random_engine()());
    // A folder that does not exist yet: opening creates it.
    db->url = "sqlite:" + (db->folder / "var" / "tilsyn.db").string();
    db->store = open_store(db->url);
    return db;
}

const char* environment(const char* name) {
    const char* value = std::getenv(name);
    return value && *value ? value : nullptr;
}

/// A schema of its own in the server's database, so that tests may run in parallel (ctest -j);
/// nullptr (after a warning) when no server is configured, unless one is required.
std::unique_ptr<TestDatabase> postgres_database() {
    const char* base = environment("TILSYN_TEST_PG_URL");
    if (!base) {
        const char* required = environment("TILSYN_REQUIRE_POSTGRES");
        if (required && std::string{required} == "1") {
            FAIL(
                "TILSYN_REQUIRE_POSTGRES=1 but TILSYN_TEST_PG_URL is not set; start a server "
                "with `scripts/pg-test-server start DIR` and export the URL it prints");
        }
        WARN("TILSYN_TEST_PG_URL is not set: PostgreSQL test skipped");
        return nullptr;
    }
    auto db = std::make_unique<TestDatabase>();
    db->pg_admin = parse_store_url(base).connection;
    db->pg_schema = fmt::format("tilsyn_test_{:016x}", random_engine()());
    {
        soci::session admin(*soci::factory_postgresql(), db->pg_admin);
        admin << "CREATE SCHEMA " + db->pg_schema;
    }
    std::string_view separator =
        std::string_view{base}.find('?') == std::string_view::npos ? "?" : "&";
    // libpq `options`, %-encoded: -c search_path=SCHEMA -c client_min_messages=warning
    db->url = fmt::format("{}{}options=-c%20search_path%3D{}%20-c%20client_min_messages%3Dwarning",
                          base, separator, db->pg_schema);
    db->store = open_store(db->url);
    return db;
}

// Registers one behaviour twice, as "<name> (SQLite)" [storage][sqlite] and
// "<name> (PostgreSQL)" [storage][postgres]; the body that follows receives `db`.
#define STORE_TEST_CASE(name, function)                      \
    void function(TestDatabase& db);                         \
    TEST_CASE(name " (SQLite)", "[storage][sqlite]") {       \
        auto db = sqlite_database();                         \
        function(*db);                                       \
    }                                                        \
    TEST_CASE(name " (PostgreSQL)", "[storage][postgres]") { \
        if (auto db = postgres_database()) function(*db);    \
    }                                                        \
    void function(TestDatabase& db)

// ---------------------------------------------------------------------------------------------
// Fixtures

Person person(std::string name, std::string email) {
    return {std::move(name), std::move(email), {}};
}

Config small_config() {
    Config config;
    config.organisation.name = "Aarhus Kommune, Børn og Unge";
    config.organisation.director = person("Dorthe Direktør", "direktor@example.dk");
    config.areas = {
        {"syd", "Område Syd", person("Søren Syd", "syd@example.dk"), {}},
        {"nord", "Område Nord", person("Nanna Nord", "nord@example.dk"), {}},
    };
    config.institutions = {
        {"frydenlund",
         "Frydenlund Skole",
         InstitutionKind::school,
         "syd",
         person("Lene Leder", "lene@example.dk"),
         person("", "bestyrelse@frydenlund.dk"),
         {}},
        {"aaby",
         "Åby Børnehus",
         InstitutionKind::daycare,
         "nord",
         person("Åse Ø", "aase@example.dk"),
         person("", ""),
         {}},  // no board address: skipped
        {"ungdom",
         "Ungdomsskolen",
         InstitutionKind::youth,
         "syd",
         person("Ulrik Ung", "ulrik@example.dk"),
         person("Bo Bestyrelse", "bo@example.dk"),
         {}},
    };
    return config;
}

// director + 2 chiefs + 3 leaders + 2 boards
constexpr int small_config_people = 8;

Config large_config(int institutions) {
    Config config = small_config();
    config.institutions.clear();
    for (int i = 0; i < institutions; ++i) {
        config.institutions.push_back(
            {fmt::format("inst-{:05}", i),
             fmt::format("Institution nr. {} på Østergade", i),
             i % 3 == 0 ? InstitutionKind::daycare : InstitutionKind::school,
             i % 2 == 0 ? "syd" : "nord",
             person(fmt::format("Leder {}", i), fmt::format("leder{}@example.dk", i)),
             person("", fmt::format("board{}@example.dk", i)),
             {}});
    }
    return config;
}

Instant instant(long long seconds) { return Instant{std::chrono::seconds{seconds}}; }

Date date(std::string_view text) {
    auto parsed = parse_date(text);
    REQUIRE(parsed);
    return *parsed;
}

CycleRecord cycle(std::string id, std::string institution = "frydenlund") {
    CycleRecord record;
    record.id = std::move(id);
    record.workflow = "quality_report";
    record.cycle_config = "quality-report-6-18";
    record.institution_id = std::move(institution);
    record.state = "ReportInPreparation";
    record.timeline = R"({"quality_report":"2026-10-12","board_statement":"2026-11-09"})";
    record.started_on = date("2026-08-03");
    record.updated_at = instant(1'785'738'000);
    return record;
}

/// A migrated database holding the small configuration's directory.
void prepare(Store& store) {
    REQUIRE(store.migrate() == 1);
    store.sync_directory(small_config());
}

DeadlineRecord deadline(std::string cycle_id, std::string step, std::string kind, long long fire_at,
                        std::string_view due_on = "2026-10-12") {
    DeadlineRecord record;
    record.cycle_id = std::move(cycle_id);
    record.step = std::move(step);
    record.kind = std::move(kind);
    record.due_on = date(due_on);
    record.fire_at = instant(fire_at);
    return record;
}

EventRecord event(std::string cycle_id, std::string name, long long at) {
    EventRecord record;
    record.cycle_id = std::move(cycle_id);
    record.event = std::move(name);
    record.actor = "lene@example.dk";
    record.payload = R"({"url":"https://example.dk/rapport.pdf"})";
    record.state_before = "ReportInPreparation";
    record.state_after = "AwaitingBoardStatement";
    record.at = instant(at);
    record.prev_hash = "0000";
    record.hash = fmt::format("hash-{}", at);
    return record;
}

OutboxMessage message(std::string message_id, long long queued_at) {
    OutboxMessage record;
    record.message_id = std::move(message_id);
    record.recipient = "lene@example.dk";
    record.subject = "Påmindelse: kvalitetsrapport";
    record.body = "Kvalitetsrapporten for Frydenlund Skole skal afleveres senest 12. oktober.";
    record.queued_at = instant(queued_at);
    record.next_attempt_at = instant(queued_at);
    return record;
}

const StoredInstitution& find_institution(const std::vector<StoredInstitution>& all,
                                          std::string_view id) {
    auto found = std::find_if(all.begin(), all.end(), [&](const auto& i) { return i.id == id; });
    REQUIRE(found != all.end());
    return *found;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Schema

STORE_TEST_CASE("migrating an empty database gives version 1 and migrating again changes nothing",
                migrate_is_idempotent) {
    Store& store = *db.store;
    CHECK(store.schema_version() == 0);
    CHECK(store.migrate() == 1);
    CHECK(store.schema_version() == 1);

    store.sync_directory(small_config());
    CHECK(store.migrate() == 1);
    CHECK(store.schema_version() == 1);
    CHECK(store.institutions().size() == 3);

    auto again = db.reopen();
    CHECK(again->schema_version() == 1);
    CHECK(again->migrate() == 1);
    CHECK(again->institutions().size() == 3);
}

STORE_TEST_CASE("an operation on an unmigrated database fails naming the operation",
                unmigrated_database_fails) {
    REQUIRE_THROWS_AS(db.store->institutions(), StoreError);
    REQUIRE_THROWS_WITH(db.store->institutions(), Contains("institutions:"));
}

// ---------------------------------------------------------------------------------------------
// Directory

STORE_TEST_CASE("syncing a configuration adds its directory and a second sync changes nothing",
                sync_adds_then_changes_nothing) {
    Store& store = *db.store;
    store.migrate();

    auto first = store.sync_directory(small_config());
    CHECK(first.areas_added == 2);
    CHECK(first.institutions_added == 3);
    CHECK(first.people_added == small_config_people);
    CHECK(first.areas_updated == 0);
    CHECK(first.institutions_updated == 0);
    CHECK(first.institutions_deactivated == 0);
    CHECK(first.people_updated == 0);
    CHECK(first.changed());

    auto second = store.sync_directory(small_config());
    CHECK_FALSE(second.changed());
    CHECK(second.areas_added + second.areas_updated + second.institutions_added +
              second.institutions_updated + second.institutions_deactivated + second.people_added +
              second.people_updated ==
          0);

    auto areas = store.areas();
    REQUIRE(areas.size() == 2);
    CHECK(areas[0].id == "nord");
    CHECK(areas[1].name == "Område Syd");

    auto institutions = store.institutions();
    REQUIRE(institutions.size() == 3);
    const auto& aaby = find_institution(institutions, "aaby");
    CHECK(aaby.name == "Åby Børnehus");
    CHECK(aaby.kind == "daycare");
    CHECK(aaby.area_id == "nord");
    CHECK(aaby.active);

    auto users = store.users();
    REQUIRE(users.size() == small_config_people);
    int leaders = 0, boards = 0, chiefs = 0, directors = 0;
    for (const auto& user : users) {
        CHECK(user.id > 0);
        CHECK(user.source == "config");
        CHECK(user.token_hash.empty());
        if (user.role == "leader") {
            ++leaders;
            CHECK(user.area_id.empty());
            CHECK_FALSE(user.institution_id.empty());
        } else if (user.role == "board") {
            ++boards;
            CHECK(user.institution_id != "aaby");
        } else if (user.role == "area_chief") {
            ++chiefs;
            CHECK_FALSE(user.area_id.empty());
            CHECK(user.institution_id.empty());
        } else if (user.role == "director") {
            ++directors;
            CHECK(user.email == "direktor@example.dk");
            CHECK(user.name == "Dorthe Direktør");
        }
    }
    CHECK(leaders == 3);
    CHECK(boards == 2);
    CHECK(chiefs == 2);
    CHECK(directors == 1);
}

STORE_TEST_CASE("renaming an institution or a person in the configuration updates exactly that row",
                sync_updates_one_row) {
    Store& store = *db.store;
    prepare(store);

    Config config = small_config();
    config.institutions[2].name = "Ungdomsskolen Aarhus";
    auto renamed = store.sync_directory(config);
    CHECK(renamed.institutions_updated == 1);
    CHECK(renamed.institutions_added == 0);
    CHECK(renamed.institutions_deactivated == 0);
    CHECK(renamed.areas_added + renamed.areas_updated == 0);
    CHECK(renamed.people_added + renamed.people_updated == 0);
    auto institutions = store.institutions();
    CHECK(find_institution(institutions, "ungdom").name == "Ungdomsskolen Aarhus");
    CHECK(find_institution(institutions, "frydenlund").name == "Frydenlund Skole");

    config.areas[0].chief.name = "Søren Sydlund";
    auto person_renamed = store.sync_directory(config);
    CHECK(person_renamed.people_updated == 1);
    CHECK(person_renamed.people_added == 0);
    CHECK(person_renamed.institutions_updated == 0);

    // A new address is a new person; the old row stays (users are never deleted by a sync).
    config.institutions[0].leader.email = "ny.leder@example.dk";
    auto new_leader = store.sync_directory(config);
    CHECK(new_leader.people_added == 1);
    CHECK(new_leader.people_updated == 0);

    CHECK_FALSE(store.sync_directory(config).changed());
}

STORE_TEST_CASE("an institution removed from the configuration is kept and marked inactive",
                sync_deactivates_removed_institution) {
    Store& store = *db.store;
    prepare(store);

    Config config = small_config();
    config.institutions.erase(config.institutions.begin() + 1);  // aaby
    auto removed = store.sync_directory(config);
    CHECK(removed.institutions_deactivated == 1);
    CHECK(removed.institutions_updated == 0);
    CHECK(removed.institutions_added == 0);

    auto institutions = store.institutions();
    REQUIRE(institutions.size() == 3);
    CHECK_FALSE(find_institution(institutions, "aaby").active);
    CHECK(find_institution(institutions, "ungdom").active);
    CHECK_FALSE(store.sync_directory(config).changed());

    auto restored = store.sync_directory(small_config());
    CHECK(restored.institutions_updated == 1);
    CHECK(restored.institutions_deactivated == 0);
    CHECK(find_institution(store.institutions(), "aaby").active);
}

STORE_TEST_CASE("an area removed from the configuration no longer lists", sync_deactivates_area) {
    Store& store = *db.store;
    prepare(store);
    store.insert_cycle(cycle("qr-aaby", "aaby"));  // keeps aaby (and so nord) referenced

    Config config = small_config();
    config.institutions.erase(config.institutions.begin() + 1);  // aaby, the only one in nord
    config.areas.erase(config.areas.begin() + 1);                // nord
    auto result = store.sync_directory(config);
    CHECK(result.areas_updated == 1);
    CHECK(result.institutions_deactivated == 1);
    auto areas = store.areas();
    REQUIRE(areas.size() == 1);
    CHECK(areas[0].id == "syd");
    CHECK(store.find_cycle("qr-aaby"));
}

STORE_TEST_CASE("syncing ten thousand institutions is fast and a second sync writes nothing",
                sync_large_directory) {
    Store& store = *db.store;
    store.migrate();
    const Config config = large_config(10'000);

    // Processor time of this process (SOCI and SQLite run in it), so that a busy machine does
    // not fail the test; PostgreSQL's work happens in the server and is not counted.
    auto cpu_seconds = [] { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; };
    double started = cpu_seconds();
    auto first = store.sync_directory(config);
    double first_took = cpu_seconds() - started;
    CHECK(first.institutions_added == 10'000);
    CHECK(first.people_added == 1 + 2 + 20'000);

    started = cpu_seconds();
    auto second = store.sync_directory(config);
    double second_took = cpu_seconds() - started;
    CHECK_FALSE(second.changed());

    INFO("processor time: first sync " << first_took << " s, second " << second_took << " s");
    if (db.is_sqlite()) {
        CHECK(first_took < 1.0);
        CHECK(second_took < 0.5);
    }
    CHECK(store.institutions().size() == 10'000);
    CHECK(store.users().size() == 1 + 2 + 20'000);
}

// ---------------------------------------------------------------------------------------------
// Workflow instances and deadlines

STORE_TEST_CASE("a cycle is stored, found by id and moved to a new state", cycle_round_trip) {
    Store& store = *db.store;
    prepare(store);

    auto record = cycle("qr-2026-frydenlund");
    store.insert_cycle(record);
    auto supervision = cycle("sup-1");
    supervision.workflow = "supervision";
    supervision.parent_id = record.id;
    store.insert_cycle(supervision);

    auto found = store.find_cycle(record.id);
    REQUIRE(found);
    CHECK(found->id == record.id);
    CHECK(found->workflow == "quality_report");
    CHECK(found->cycle_config == "quality-report-6-18");
    CHECK(found->institution_id == "frydenlund");
    CHECK(found->parent_id.empty());
    CHECK(found->state == "ReportInPreparation");
    CHECK(found->timeline == record.timeline);
    CHECK(found->started_on == date("2026-08-03"));
    CHECK(found->updated_at == record.updated_at);
    CHECK(store.find_cycle("sup-1")->parent_id == record.id);

    store.update_cycle_state(record.id, "AwaitingBoardStatement", instant(1'790'000'000));
    found = store.find_cycle(record.id);
    REQUIRE(found);
    CHECK(found->state == "AwaitingBoardStatement");
    CHECK(found->updated_at == instant(1'790'000'000));
    CHECK(store.find_cycle("sup-1")->state == "ReportInPreparation");

    CHECK_FALSE(store.find_cycle("no-such-cycle"));
    REQUIRE_THROWS_AS(store.update_cycle_state("no-such-cycle", "X", instant(0)), StoreError);
    REQUIRE_THROWS_WITH(store.insert_cycle(record), Contains("insert_cycle"));
    // Foreign keys are enforced (on SQLite only when the connection turns them on).
    REQUIRE_THROWS_AS(store.insert_cycle(cycle("orphan", "no-such-institution")), StoreError);
}

STORE_TEST_CASE("due deadlines come earliest first and limited, and closed ones no longer fire",
                deadlines_due_and_closed) {
    Store& store = *db.store;
    prepare(store);
    store.insert_cycle(cycle("a"));
    store.insert_cycle(cycle("b", "ungdom"));

    CHECK_FALSE(store.next_fire_time());
    CHECK(store.due_deadlines(instant(9'999'999'999), 10).empty());

    auto closed_from_the_start = deadline("b", "quality_report", "due", 50);
    closed_from_the_start.done = true;
    auto escalation = deadline("a", "quality_report", "escalation", 400, "2026-10-13");
    escalation.level = 2;
    escalation.round = 3;
    store.add_deadlines({
        deadline("a", "quality_report", "due", 300),
        deadline("a", "quality_report", "reminder", 100),
        deadline("b", "quality_report", "reminder", 200),
        escalation,
        deadline("a", "board_statement", "due", 500),
        closed_from_the_start,
    });

    CHECK(store.next_fire_time() == instant(100));

    auto due = store.due_deadlines(instant(400), 10);
    REQUIRE(due.size() == 4);
    CHECK(due[0].fire_at == instant(100));
    CHECK(due[1].fire_at == instant(200));
    CHECK(due[1].cycle_id == "b");
    CHECK(due[2].fire_at == instant(300));
    CHECK(due[3].kind == "escalation");
    CHECK(due[3].level == 2);
    CHECK(due[3].round == 3);
    CHECK(due[3].due_on == date("2026-10-13"));
    CHECK_FALSE(due[3].done);
    CHECK(due[0].id > 0);
    CHECK(due[0].id != due[1].id);

    auto limited = store.due_deadlines(instant(400), 2);
    REQUIRE(limited.size() == 2);
    CHECK(limited[1].fire_at == instant(200));
    CHECK(store.due_deadlines(instant(99), 10).empty());
    CHECK(store.due_deadlines(instant(400), 0).empty());

    store.close_deadlines("a", "quality_report");
    due = store.due_deadlines(instant(1000), 10);
    REQUIRE(due.size() == 2);
    CHECK(due[0].cycle_id == "b");
    CHECK(due[1].step == "board_statement");
    CHECK(store.next_fire_time() == instant(200));

    store.close_deadlines("b", "quality_report");
    store.close_deadlines("a", "board_statement");
    CHECK_FALSE(store.next_fire_time());
}

// ---------------------------------------------------------------------------------------------
// Transactions, audit trail, outbox

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
        store.insert_cycle(cycle("qr-1"));  // duplicate key
    }),
                      StoreError);
    CHECK_FALSE(store.find_cycle("qr-1"));
    store.insert_cycle(cycle("qr-1"));
    CHECK(store.find_cycle("qr-1"));
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

STORE_TEST_CASE("enqueueing the same message_id twice queues it once", enqueue_is_idempotent) {
    Store& store = *db.store;
    prepare(store);

    auto first = message("escalation-qr-1-quality_report-1", 1000);
    REQUIRE(store.enqueue(first));
    CHECK(first.id > 0);
    auto again = message("escalation-qr-1-quality_report-1", 2000);
    again.subject = "something else";
    CHECK_FALSE(store.enqueue(again));
    CHECK(again.id == 0);

    auto later = message("reminder-qr-2", 1500);
    later.next_attempt_at = instant(5000);  // a retry that is not due yet
    REQUIRE(store.enqueue(later));
    auto second = message("reminder-qr-3", 1200);
    REQUIRE(store.enqueue(second));

    auto pending = store.pending_mail(instant(3000), 10);
    REQUIRE(pending.size() == 2);
    CHECK(pending[0].message_id == "escalation-qr-1-quality_report-1");
    CHECK(pending[0].subject == "Påmindelse: kvalitetsrapport");
    CHECK(pending[0].status == "pending");
    CHECK(pending[0].attempts == 0);
    CHECK(pending[0].queued_at == instant(1000));
    CHECK(pending[1].message_id == "reminder-qr-3");
    CHECK(store.pending_mail(instant(3000), 1).size() == 1);
    CHECK(store.pending_mail(instant(9000), 10).size() == 3);
}

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
// URLs

TEST_CASE("a bad SQLite URL is refused with a clear message", "[storage][sqlite]") {
    REQUIRE_THROWS_AS(open_store("sqlite:"), BadStoreUrl);
    REQUIRE_THROWS_WITH(open_store("sqlite:"), Contains("no file path"));
    REQUIRE_THROWS_WITH(open_store("mysql://root@localhost/tilsyn"),
                        Contains("unknown scheme") && Contains("expected sqlite:PATH"));
    REQUIRE_THROWS_AS(open_store("var/tilsyn.db"), BadStoreUrl);
    REQUIRE_THROWS_AS(open_store(""), BadStoreUrl);

    CHECK(parse_store_url("sqlite:var/tilsyn.db").sqlite_path == "var/tilsyn.db");
    CHECK(parse_store_url("sqlite:///srv/tilsyn.db").sqlite_path == "/srv/tilsyn.db");
    CHECK(parse_store_url("sqlite::memory:").sqlite_path == ":memory:");

    auto memory = open_store("sqlite::memory:");
    CHECK(memory->migrate() == 1);

    // A folder that cannot be created (its parent is a file) is a StoreError naming the open.
    auto db = sqlite_database();
    REQUIRE_THROWS_AS(
        open_store("sqlite:" + (db->folder / "var" / "tilsyn.db" / "x" / "y.db").string()),
        StoreError);
    REQUIRE_THROWS_WITH(
        open_store("sqlite:" + (db->folder / "var" / "tilsyn.db" / "x" / "y.db").string()),
        Contains("opening sqlite:"));
}

TEST_CASE("a bad PostgreSQL URL is refused with a clear message that hides the password",
          "[storage][postgres]") {
    REQUIRE_THROWS_WITH(open_store("postgresql://tilsyn:hemmelig@db.example.dk:54x2/tilsyn"),
                        Contains("port") && !Contains("hemmelig") && Contains("***"));
    REQUIRE_THROWS_WITH(open_store("postgresql://tilsyn@db.example.dk:5432"),
                        Contains("no database name"));
    REQUIRE_THROWS_WITH(open_store("postgresql://tilsyn@:5432/tilsyn"), Contains("no host"));
    REQUIRE_THROWS_WITH(open_store("postgresql://tilsyn@host:99999/tilsyn"), Contains("1-65535"));
    REQUIRE_THROWS_WITH(open_store("postgresql://tilsyn@host/db?password=x"),
                        Contains("belongs in the URL"));
    REQUIRE_THROWS_AS(open_store("postgresql://tilsyn@host/db%zz"), BadStoreUrl);

    auto url =
        parse_store_url("postgresql://til%40syn:p%27w@127.0.0.1:5433/tilsyn_test?sslmode=disable");
    CHECK(url.backend == StoreUrl::Backend::postgresql);
    CHECK(url.display == "postgresql://til%40syn:***@127.0.0.1:5433/tilsyn_test?sslmode=disable");
    CHECK_THAT(url.connection, Contains("host='127.0.0.1'") && Contains("port='5433'") &&
                                   Contains("dbname='tilsyn_test'") && Contains("user='til@syn'") &&
                                   Contains("password='p\\'w'") && Contains("sslmode='disable'") &&
                                   Contains("client_encoding='UTF8'"));
    CHECK_THAT(parse_store_url("postgres://[::1]/x").connection, Contains("host='::1'"));

    // Nothing listens on port 1: the open fails as a StoreError, password still hidden.
    REQUIRE_THROWS_WITH(
        open_store("postgresql://tilsyn:hemmelig@127.0.0.1:1/tilsyn"),
        Contains("opening postgresql://tilsyn:***@127.0.0.1:1/tilsyn") && !Contains("hemmelig"));
}
