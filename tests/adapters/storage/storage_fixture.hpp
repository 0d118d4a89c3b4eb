// What the storage adapter's tests share: one empty database per test, an SQLite file or a
// schema of its own on the PostgreSQL server named by TILSYN_TEST_PG_URL (scripts/pg-test-server
// prints one); STORE_TEST_CASE, which runs a behaviour on both backends; and the records the
// tests store.
#pragma once

#include <fmt/format.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/storage/schema.hpp"
#include "adapters/storage/soci_store.hpp"

namespace tilsyn::storage_testing {

// ---------------------------------------------------------------------------------------------
// One empty database per test

inline std::mt19937_64& random_engine() {
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

inline std::unique_ptr<TestDatabase> sqlite_database() {
    auto db = std::make_unique<TestDatabase>();
    db->folder = std::filesystem::temp_directory_path() /
                 fmt::format("tilsyn-storage-test-{:016x}", random_engine()());
    // A folder that does not exist yet: opening creates it.
    db->url = "sqlite:" + (db->folder / "var" / "tilsyn.db").string();
    db->store = open_store(db->url);
    return db;
}

inline const char* environment(const char* name) {
    const char* value = std::getenv(name);
    return value && *value ? value : nullptr;
}

/// A schema of its own in the server's database, so that tests may run in parallel (ctest -j);
/// nullptr (after a warning) when no server is configured, unless one is required.
inline std::unique_ptr<TestDatabase> postgres_database() {
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
#define STORE_TEST_CASE(name, function)                                              \
    void function(::tilsyn::storage_testing::TestDatabase& db);                      \
    TEST_CASE(name " (SQLite)", "[storage][sqlite]") {                               \
        auto db = ::tilsyn::storage_testing::sqlite_database();                      \
        function(*db);                                                               \
    }                                                                                \
    TEST_CASE(name " (PostgreSQL)", "[storage][postgres]") {                         \
        if (auto db = ::tilsyn::storage_testing::postgres_database()) function(*db); \
    }                                                                                \
    void function(::tilsyn::storage_testing::TestDatabase& db)

// ---------------------------------------------------------------------------------------------
// Fixtures

inline Person person(std::string name, std::string email) {
    return {std::move(name), std::move(email), {}};
}

inline Config small_config() {
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
inline constexpr int small_config_people = 8;

inline Config large_config(int institutions) {
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

inline Instant instant(long long seconds) { return Instant{std::chrono::seconds{seconds}}; }

inline Date date(std::string_view text) {
    auto parsed = parse_date(text);
    REQUIRE(parsed);
    return *parsed;
}

inline CycleRecord cycle(std::string id, std::string institution = "frydenlund") {
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
inline void prepare(Store& store) {
    REQUIRE(store.migrate() == schema::kSchemaVersion);
    store.sync_directory(small_config());
}

inline DeadlineRecord deadline(std::string cycle_id, std::string step, std::string kind,
                               long long fire_at, std::string_view due_on = "2026-10-12") {
    DeadlineRecord record;
    record.cycle_id = std::move(cycle_id);
    record.step = std::move(step);
    record.kind = std::move(kind);
    record.due_on = date(due_on);
    record.fire_at = instant(fire_at);
    return record;
}

inline EventRecord event(std::string cycle_id, std::string name, long long at) {
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

inline OutboxMessage message(std::string message_id, long long queued_at) {
    OutboxMessage record;
    record.message_id = std::move(message_id);
    record.recipient = "lene@example.dk";
    record.subject = "Påmindelse: kvalitetsrapport";
    record.body = "Kvalitetsrapporten for Frydenlund Skole skal afleveres senest 12. oktober.";
    record.queued_at = instant(queued_at);
    record.next_attempt_at = instant(queued_at);
    return record;
}

inline const StoredInstitution& find_institution(const std::vector<StoredInstitution>& all,
                                                 std::string_view id) {
    auto found = std::find_if(all.begin(), all.end(), [&](const auto& i) { return i.id == id; });
    REQUIRE(found != all.end());
    return *found;
}

/// A connection of the test's own to the database under test, around the store.
inline std::unique_ptr<soci::session> raw_session(const TestDatabase& db) {
    auto url = parse_store_url(db.url);
    if (url.backend == StoreUrl::Backend::sqlite) {
        auto session = std::make_unique<soci::session>(*soci::factory_sqlite3(), url.sqlite_path);
        *session << "PRAGMA busy_timeout = 5000";
        return session;
    }
    return std::make_unique<soci::session>(*soci::factory_postgresql(), url.connection);
}

/// `query` with each named parameter replaced by a literal.
inline std::string with_literals(
    std::string query, std::initializer_list<std::pair<std::string, std::string>> values) {
    for (const auto& [name, literal] : values) {
        auto at = query.find(name);
        REQUIRE(at != std::string::npos);
        query.replace(at, name.size(), literal);
    }
    return query;
}

/// SQLite's EXPLAIN QUERY PLAN, one line per step.
inline std::string sqlite_plan(soci::session& sql, const std::string& query) {
    std::string id, parent, unused, detail, plan;
    soci::statement read = (sql.prepare << "EXPLAIN QUERY PLAN " + query, soci::into(id),
                            soci::into(parent), soci::into(unused), soci::into(detail));
    read.execute();
    while (read.fetch()) plan += detail + "\n";
    return plan;
}

/// PostgreSQL's EXPLAIN, one line per node.
inline std::string postgres_plan(soci::session& sql, const std::string& query) {
    std::string line, plan;
    soci::statement read = (sql.prepare << "EXPLAIN (COSTS OFF) " + query, soci::into(line));
    read.execute();
    while (read.fetch()) plan += line + "\n";
    return plan;
}

/// Whether the database under test has an index of that name.
inline bool has_index(soci::session& sql, bool sqlite, const std::string& name) {
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

}  // namespace tilsyn::storage_testing
