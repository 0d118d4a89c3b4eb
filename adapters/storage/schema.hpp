// The database schema as an ordered set of migrations, shared by SQLite and PostgreSQL.
// One DDL text per migration; the few dialect differences are placeholders substituted per
// backend. Internal to the storage adapter (the engine never sees it), but for kSchemaVersion,
// which the commands that need a migrated database compare against.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace soci {
class session;
}

namespace tilsyn::schema {

enum class Dialect { sqlite, postgresql };

struct Migration {
    int version = 0;
    std::string_view description;
    /// Statements separated by ';'. `{{AUTO_ID}}` stands for an auto-increment 64-bit primary
    /// key column type.
    std::string_view ddl;
};

/// The version the newest migration brings the schema to: what `migrate` leaves a database at,
/// and what the daemon and the workflow commands require. The one place it is written.
inline constexpr int kSchemaVersion = 9;

/// Every migration, in ascending version order; the last has version kSchemaVersion.
std::span<const Migration> migrations();

/// The migration's statements for a dialect: placeholders substituted, split on ';', blank ones
/// dropped. Each is executed on its own (SQLite compiles only the first statement of a text).
std::vector<std::string> statements(const Migration& migration, Dialect dialect);

/// The highest recorded version; 0 when there is no `schema_migrations` table yet.
int current_version(soci::session& session, Dialect dialect);

/// Applies the missing migrations inside the caller's open transaction and records each
/// version with `applied_at` (UTC, ISO 8601). On PostgreSQL it first takes a transaction-level
/// advisory lock so concurrent migrators queue. Returns the version now in force. Throws
/// std::runtime_error when the database is newer than this program.
int apply_migrations(soci::session& session, Dialect dialect);

/// As apply_migrations, but stops after `target_version` (an older schema, for upgrade tests).
/// Never downgrades: a database already past it is left alone. Throws std::invalid_argument
/// when no migration has that version.
int apply_migrations(soci::session& session, Dialect dialect, int target_version);

// The scheduler's two queries, kept next to the partial index they must use: SQLite uses a
// partial index only when the query's WHERE holds each term of the index's WHERE as written
// (`done = 0 AND kind <> 'due'`), so the texts and the DDL change together.

/// Open reminders and escalations due by `:until`, latest first, at most `:limit`; columns id,
/// cycle_id, step, round, kind, level, due_on, fire_at.
extern const std::string_view firing_deadlines_query;
/// The earliest fire_at of an open reminder or escalation; no row when there is none.
extern const std::string_view next_fire_time_query;

}  // namespace tilsyn::schema
