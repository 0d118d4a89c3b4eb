// The storage adapter against the real thing: an SQLite file, and a PostgreSQL server named by
// TILSYN_TEST_PG_URL (scripts/pg-test-server prints one). Every behaviour runs on both backends.
#include "adapters/storage/soci_store.hpp"

#include <fmt/format.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include "adapters/storage/schema.hpp"

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
         {},
         {}},
        {"aaby",
         "Åby Børnehus",
         InstitutionKind::daycare,
         "nord",
         person("Åse Ø", "aase@example.dk"),
         person("", ""),
         {},
         {}},  // no board address: skipped
        {"ungdom",
         "Ungdomsskolen",
         InstitutionKind::youth,
         "syd",
         person("Ulrik Ung", "ulrik@example.dk"),
         person("Bo Bestyrelse", "bo@example.dk"),
         {},
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
             {},
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
    REQUIRE(store.migrate() == schema::kSchemaVersion);
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

/// A connection of the test's own to the database under test, around the store.
std::unique_ptr<soci::session> raw_session(const TestDatabase& db) {
    auto url = parse_store_url(db.url);
    if (url.backend == StoreUrl::Backend::sqlite) {
        auto session = std::make_unique<soci::session>(*soci::factory_sqlite3(), url.sqlite_path);
        *session << "PRAGMA busy_timeout = 5000";
        return session;
    }
    return std::make_unique<soci::session>(*soci::factory_postgresql(), url.connection);
}

/// `query` with each named parameter replaced by a literal.
std::string with_literals(std::string query,
                          std::initializer_list<std::pair<std::string, std::string>> values) {
    for (const auto& [name, literal] : values) {
        auto at = query.find(name);
        REQUIRE(at != std::string::npos);
        query.replace(at, name.size(), literal);
    }
    return query;
}

/// SQLite's EXPLAIN QUERY PLAN, one line per step.
std::string sqlite_plan(soci::session& sql, const std::string& query) {
    std::string id, parent, unused, detail, plan;
    soci::statement read = (sql.prepare << "EXPLAIN QUERY PLAN " + query, soci::into(id),
                            soci::into(parent), soci::into(unused), soci::into(detail));
    read.execute();
    while (read.fetch()) plan += detail + "\n";
    return plan;
}

/// PostgreSQL's EXPLAIN, one line per node.
std::string postgres_plan(soci::session& sql, const std::string& query) {
    std::string line, plan;
    soci::statement read = (sql.prepare << "EXPLAIN (COSTS OFF) " + query, soci::into(line));
    read.execute();
    while (read.fetch()) plan += line + "\n";
    return plan;
}

/// Whether the database under test has an index of that name.
bool has_index(soci::session& sql, bool sqlite, const std::string& name) {
    long long count = 0;
    if (sqlite) {
        sql << "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = :name",
            soci::use(name), soci::into(count);
    } else {
        sql << "SELECT count(*) FROM pg_indexes "
               "WHERE schemaname = current_schema() AND indexname = :name",
            soci::use(name), soci::into(count);
    }
    return count > 0;
}

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
    store.sync_directory(small_config());

    // What a version-1 program wrote: cycles without anchors, deadlines of every kind.
    auto raw = raw_session(db);
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
    CHECK(store.institutions().size() == 3);
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

// How fast it is, is a benchmark's business (bench/), not a timed test's: this one checks what
// a large sync writes.
STORE_TEST_CASE("syncing ten thousand institutions adds them all and a second sync writes nothing",
                sync_large_directory) {
    Store& store = *db.store;
    store.migrate();
    const Config config = large_config(10'000);
    auto first = store.sync_directory(config);
    CHECK(first.institutions_added == 10'000);
    CHECK(first.people_added == 1 + 2 + 20'000);
    auto second = store.sync_directory(config);
    CHECK_FALSE(second.changed());
    CHECK(store.institutions().size() == 10'000);
    CHECK(store.users().size() == 1 + 2 + 20'000);
}

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
// Periods, institutions, users

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

STORE_TEST_CASE("an institution is found by id, active or not", find_institution_by_id) {
    Store& store = *db.store;
    prepare(store);
    auto found = store.find_institution("aaby");
    REQUIRE(found);
    CHECK(found->id == "aaby");
    CHECK(found->name == "Åby Børnehus");
    CHECK(found->kind == "daycare");
    CHECK(found->area_id == "nord");
    CHECK(found->active);
    CHECK(store.find_institution("frydenlund")->name == "Frydenlund Skole");
    CHECK_FALSE(store.find_institution("no-such-institution"));
    CHECK_FALSE(store.find_institution(""));

    Config config = small_config();
    config.institutions.erase(config.institutions.begin() + 1);
    store.sync_directory(config);
    found = store.find_institution("aaby");
    REQUIRE(found);
    CHECK_FALSE(found->active);
}

STORE_TEST_CASE("a user is added once and found by e-mail and by token hash", users_by_token_hash) {
    Store& store = *db.store;
    prepare(store);

    StoredUser admin;
    admin.email = "admin@example.dk";
    admin.name = "Anna Admin";
    admin.role = "admin";
    admin.token_hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    admin.source = "manual";
    REQUIRE(store.add_user(admin));
    CHECK(admin.id > 0);

    StoredUser again = admin;
    again.id = 0;
    again.name = "Someone else";
    again.token_hash = "another";
    CHECK_FALSE(store.add_user(again));
    CHECK(again.id == 0);

    // The same address in another role is another user.
    StoredUser chief = admin;
    chief.id = 0;
    chief.role = "area_chief";
    chief.area_id = "syd";
    chief.token_hash = "c0ffee";
    REQUIRE(store.add_user(chief));
    CHECK(chief.id > admin.id);

    auto by_email = store.find_users_by_email("admin@example.dk");
    REQUIRE(by_email.size() == 2);
    CHECK(by_email[0].id == admin.id);
    CHECK(by_email[0].role == "admin");
    CHECK(by_email[0].name == "Anna Admin");
    CHECK(by_email[0].source == "manual");
    CHECK(by_email[1].role == "area_chief");
    CHECK(by_email[1].area_id == "syd");
    auto leader = store.find_users_by_email("lene@example.dk");
    REQUIRE(leader.size() == 1);
    CHECK(leader[0].role == "leader");
    CHECK(leader[0].institution_id == "frydenlund");
    CHECK(leader[0].source == "config");
    CHECK(store.find_users_by_email("nobody@example.dk").empty());

    auto by_token = store.find_user_by_token_hash(admin.token_hash);
    REQUIRE(by_token);
    CHECK(by_token->id == admin.id);
    CHECK(by_token->email == "admin@example.dk");
    CHECK(by_token->role == "admin");
    CHECK(store.find_user_by_token_hash("c0ffee")->role == "area_chief");
    CHECK_FALSE(store.find_user_by_token_hash("another"));
    // The configured people have no token (''), and '' finds none of them.
    CHECK_FALSE(store.find_user_by_token_hash(""));
    CHECK(store.users().size() == small_config_people + 2);

    // A person the configuration adds later is not a conflict with a manual user of another role.
    Config config = small_config();
    config.organisation.director = person("Anna Admin", "admin@example.dk");
    store.sync_directory(config);
    CHECK(store.find_users_by_email("admin@example.dk").size() == 3);
}

// ---------------------------------------------------------------------------------------------
// The audit trail in pages, the outbox by status

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

STORE_TEST_CASE("the outbox counts its messages by status", outbox_counts_by_status) {
    Store& store = *db.store;
    prepare(store);
    CHECK(store.outbox_count("pending") == 0);
    for (int i = 0; i < 3; ++i) {
        auto queued = message(fmt::format("reminder-{}", i), 1000 + i);
        REQUIRE(store.enqueue(queued));
    }
    auto failed = message("escalation-1", 1000);
    failed.status = "failed";
    failed.attempts = 5;
    REQUIRE(store.enqueue(failed));
    auto duplicate = message("reminder-0", 2000);
    CHECK_FALSE(store.enqueue(duplicate));

    CHECK(store.outbox_count("pending") == 3);
    CHECK(store.outbox_count("failed") == 1);
    CHECK(store.outbox_count("sent") == 0);
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
    CHECK(memory->migrate() == schema::kSchemaVersion);

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
