#include "adapters/storage/schema.hpp"

#include <fmt/format.h>
#include <soci/soci.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <stdexcept>

#include "engine/civil_time.hpp"

namespace tilsyn::schema {

namespace {

// Every integer column is BIGINT: SOCI maps SQLite's declared INTEGER to int, and a wider read
// of it through row::get<long long> throws std::bad_cast. Text columns that mean "absent" hold
// '' rather than NULL, so UNIQUE constraints over them hold and no indicators are needed.
constexpr std::string_view directory_and_workflows = R"sql(
CREATE TABLE areas (
    id      TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    active  BIGINT NOT NULL DEFAULT 1
);
CREATE TABLE institutions (
    id      TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    kind    TEXT NOT NULL,
    area_id TEXT NOT NULL REFERENCES areas (id),
    active  BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX institutions_by_area ON institutions (area_id);
CREATE TABLE users (
    id             {{AUTO_ID}},
    email          TEXT NOT NULL,
    name           TEXT NOT NULL DEFAULT '',
    role           TEXT NOT NULL,
    area_id        TEXT NOT NULL DEFAULT '',
    institution_id TEXT NOT NULL DEFAULT '',
    token_hash     TEXT NOT NULL DEFAULT '',
    source         TEXT NOT NULL,
    UNIQUE (email, role, area_id, institution_id)
);
CREATE INDEX users_by_token_hash ON users (token_hash) WHERE token_hash <> '';
CREATE TABLE cycles (
    id             TEXT PRIMARY KEY,
    workflow       TEXT NOT NULL,
    cycle_config   TEXT NOT NULL DEFAULT '',
    institution_id TEXT NOT NULL REFERENCES institutions (id),
    parent_id      TEXT NOT NULL DEFAULT '',
    state          TEXT NOT NULL,
    timeline       TEXT NOT NULL DEFAULT '',
    started_on     TEXT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX cycles_by_institution ON cycles (institution_id);
CREATE TABLE deadlines (
    id       {{AUTO_ID}},
    cycle_id TEXT NOT NULL REFERENCES cycles (id),
    step     TEXT NOT NULL,
    round    BIGINT NOT NULL DEFAULT 0,
    kind     TEXT NOT NULL,
    level    BIGINT NOT NULL DEFAULT 0,
    due_on   TEXT NOT NULL,
    fire_at  BIGINT NOT NULL,
    done     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX deadlines_open_by_fire_at ON deadlines (fire_at, id) WHERE done = 0;
CREATE INDEX deadlines_by_cycle_step ON deadlines (cycle_id, step);
CREATE TABLE events (
    seq          {{AUTO_ID}},
    cycle_id     TEXT NOT NULL,
    event        TEXT NOT NULL,
    actor        TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}',
    state_before TEXT NOT NULL DEFAULT '',
    state_after  TEXT NOT NULL DEFAULT '',
    at           BIGINT NOT NULL,
    prev_hash    TEXT NOT NULL DEFAULT '',
    hash         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_by_cycle ON events (cycle_id, seq);
CREATE TABLE outbox (
    id              {{AUTO_ID}},
    message_id      TEXT NOT NULL UNIQUE,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    queued_at       BIGINT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending',
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_by_status_next_attempt ON outbox (status, next_attempt_at)
)sql";

// Migration 1 is frozen: databases at version 1 exist. What the workflow engine needs on top:
// - cycles.anchors, the dates a workflow instance's due expressions count from;
// - a lookup of supervision cases by their cycle;
// - the firing index: "due" rows mark a deadline and never fire, so the scheduler's queries
//   (firing_deadlines_query, next_fire_time_query) leave them out, and so does the index; the
//   id column lets PostgreSQL read `ORDER BY fire_at DESC, id DESC` off it without a sort
//   (on SQLite id is the rowid, which every index carries anyway);
// - opened_periods, so that a tick opens each period of a configured cycle once.
// deadlines_by_cycle_step (close_deadlines, close_reminders_up_to, close_all_deadlines by its
// prefix) and users_by_token_hash exist since migration 1.
constexpr std::string_view workflow_engine = R"sql(
ALTER TABLE cycles ADD COLUMN anchors TEXT NOT NULL DEFAULT '{}';
CREATE INDEX cycles_by_parent ON cycles (parent_id);
DROP INDEX deadlines_open_by_fire_at;
CREATE INDEX deadlines_firing_by_fire_at ON deadlines (fire_at, id)
    WHERE done = 0 AND kind <> 'due';
CREATE TABLE opened_periods (
    cycle_config TEXT NOT NULL,
    start_on     TEXT NOT NULL,
    opened_at    BIGINT NOT NULL,
    PRIMARY KEY (cycle_config, start_on)
)
)sql";

// Mail delivery by several nodes: a claim (node and lease) per message, and when it was sent.
constexpr std::string_view mail_delivery = R"sql(
ALTER TABLE outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN claim_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN sent_at BIGINT NOT NULL DEFAULT 0
)sql";

// Calendar feeds: a secret URL per person (only its hash is stored), revocable.
constexpr std::string_view calendar_feeds = R"sql(
CREATE TABLE calendar_feeds (
    id          {{AUTO_ID}},
    user_id     BIGINT NOT NULL REFERENCES users (id),
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX calendar_feeds_by_user ON calendar_feeds (user_id)
)sql";

// Invitations: the iCalendar object a message carries, stored with it so that every retry
// sends the same one ('' for a message without one).
constexpr std::string_view outbox_calendar = R"sql(
ALTER TABLE outbox ADD COLUMN calendar TEXT NOT NULL DEFAULT ''
)sql";

// Access that follows the organisation: a person is disabled ('config': gone from the
// configuration; 'manual': `user disable`) rather than deleted, and dashboard sessions live
// here, under the SHA-256 of their id, so that every node sees them and a restart keeps them.
constexpr std::string_view sessions_and_access = R"sql(
ALTER TABLE users ADD COLUMN disabled TEXT NOT NULL DEFAULT '';
CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id, created_at)
)sql";

// The political themes the committee decides per period and age band (engine/theme.hpp);
// published_at 0 while recorded but not yet published.
constexpr std::string_view political_themes = R"sql(
CREATE TABLE themes (
    seq          {{AUTO_ID}},
    id           TEXT NOT NULL UNIQUE,
    period       BIGINT NOT NULL,
    age_band     TEXT NOT NULL,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    published_at BIGINT NOT NULL DEFAULT 0
)
)sql";

// Documents attached to events: what the audit entry records of them (events.documents, part of
// its hash when not empty), one row per document, and its content in chunks of 256 KiB of raw
// bytes (BLOB, bytea), so one backup of the database holds every document.
constexpr std::string_view event_documents = R"sql(
ALTER TABLE events ADD COLUMN documents TEXT NOT NULL DEFAULT '';
CREATE TABLE documents (
    id           {{AUTO_ID}},
    event_seq    BIGINT NOT NULL,
    piece        BIGINT NOT NULL,
    cycle_id     TEXT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    recorded_at  BIGINT NOT NULL,
    UNIQUE (event_seq, piece)
);
CREATE INDEX documents_by_cycle ON documents (cycle_id, event_seq);
CREATE TABLE document_chunks (
    document_id BIGINT NOT NULL REFERENCES documents (id),
    piece       BIGINT NOT NULL,
    data        {{BYTES}} NOT NULL,
    PRIMARY KEY (document_id, piece)
)
)sql";

// Listings (cycle_status) take each instance's earliest open due date from its open "due"
// deadlines only: a finished instance has none, so a listing of many years reads no deadline of
// them (at 10,000 tilbud with two periods of history, 0.26 s became 0.06 s on SQLite).
constexpr std::string_view open_due_deadlines = R"sql(
CREATE INDEX deadlines_open_due ON deadlines (cycle_id, due_on, id) WHERE done = 0 AND kind = 'due'
)sql";

constexpr std::array<Migration, 9> all_migrations{{
    {1, "directory, workflow instances, deadlines, audit trail, mail outbox",
     directory_and_workflows},
    {2, "cycle anchors, supervision cases by cycle, firing index, opened periods", workflow_engine},
    {3, "outbox claims for delivery by several nodes", mail_delivery},
    {4, "calendar feeds", calendar_feeds},
    {5, "outbox invitations (text/calendar)", outbox_calendar},
    {6, "dashboard sessions; disabled people", sessions_and_access},
    {7, "political themes", political_themes},
    {8, "documents attached to events, stored in chunks", event_documents},
    {9, "open due deadlines by instance, for listings", open_due_deadlines},
}};
static_assert(all_migrations.back().version == kSchemaVersion,
              "a new migration raises kSchemaVersion (schema.hpp)");

/// The column types the two databases spell differently, as {{PLACEHOLDER}}s in the DDL.
struct DialectType {
    std::string_view placeholder, sqlite, postgresql;
};
constexpr DialectType dialect_types[] = {
    // SQLite's AUTOINCREMENT never reuses the id of a deleted last row; BIGSERIAL is 64-bit.
    {"{{AUTO_ID}}", "INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY"},
    {"{{BYTES}}", "BLOB", "BYTEA"},
};

bool is_blank(std::string_view text) {
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// When a migration was applied, by the database's own clock (the engine's time is an input
// and only main reads the system clock): "2026-12-01T09:00:00+00:00".
std::string_view applied_now(Dialect dialect) {
    return dialect == Dialect::sqlite
               ? "strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')"
               : "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"')";
}

}  // namespace

const std::string_view firing_deadlines_query =
    "SELECT id, cycle_id, step, round, kind, level, due_on, fire_at FROM deadlines "
    "WHERE done = 0 AND kind <> 'due' AND fire_at <= :until "
    "ORDER BY fire_at DESC, id DESC LIMIT :limit";

const std::string_view next_fire_time_query =
    "SELECT fire_at FROM deadlines WHERE done = 0 AND kind <> 'due' ORDER BY fire_at LIMIT 1";

std::span<const Migration> migrations() { return all_migrations; }

std::vector<std::string> statements(const Migration& migration, Dialect dialect) {
    std::string text{migration.ddl};
    for (const auto& dialect_type : dialect_types) {
        const auto type =
            dialect == Dialect::sqlite ? dialect_type.sqlite : dialect_type.postgresql;
        for (auto at = text.find(dialect_type.placeholder); at != std::string::npos;
             at = text.find(dialect_type.placeholder, at)) {
            text.replace(at, dialect_type.placeholder.size(), type);
            at += type.size();
        }
    }
    std::vector<std::string> result;
    std::size_t begin = 0;
    while (begin <= text.size()) {
        auto end = text.find(';', begin);
        if (end == std::string::npos) end = text.size();
        auto statement = std::string_view{text}.substr(begin, end - begin);
        if (!is_blank(statement)) result.emplace_back(statement);
        begin = end + 1;
    }
    return result;
}

int current_version(soci::session& session, Dialect dialect) {
    long long tables = 0;
    if (dialect == Dialect::sqlite) {
        session << "SELECT count(*) FROM sqlite_master "
                   "WHERE type = 'table' AND name = 'schema_migrations'",
            soci::into(tables);
    } else {
        session << "SELECT count(*) FROM information_schema.tables "
                   "WHERE table_schema = current_schema() AND table_name = 'schema_migrations'",
            soci::into(tables);
    }
    if (tables == 0) return 0;
    long long version = 0;
    session << "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", soci::into(version);
    return static_cast<int>(version);
}

int apply_migrations(soci::session& session, Dialect dialect) {
    return apply_migrations(session, dialect, kSchemaVersion);
}

int apply_migrations(soci::session& session, Dialect dialect, int target_version) {
    auto known = std::find_if(all_migrations.begin(), all_migrations.end(),
                              [&](const Migration& m) { return m.version == target_version; });
    if (known == all_migrations.end()) {
        throw std::invalid_argument(fmt::format("no schema migration has version {} (1-{})",
                                                target_version, kSchemaVersion));
    }
    if (dialect == Dialect::postgresql) {
        // Held until the transaction ends; the key is arbitrary but fixed for this program.
        session << "SELECT pg_advisory_xact_lock(7140233581)";
    }
    session << "CREATE TABLE IF NOT EXISTS schema_migrations ("
               "version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)";
    int version = current_version(session, dialect);
    if (version > kSchemaVersion) {
        throw std::runtime_error(
            fmt::format("the database schema is at version {}, newer than this program knows ({})",
                        version, kSchemaVersion));
    }
    for (const auto& migration : all_migrations) {
        if (migration.version <= version) continue;
        if (migration.version > target_version) break;
        for (const auto& statement : statements(migration, dialect)) session << statement;
        long long applied = migration.version;
        session << fmt::format(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (:v, {})",
            applied_now(dialect)),
            soci::use(applied);
        version = migration.version;
    }
    return version;
}

}  // namespace tilsyn::schema
