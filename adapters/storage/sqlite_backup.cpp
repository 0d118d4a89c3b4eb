#include "adapters/storage/sqlite_backup.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>

#include "adapters/storage/schema.hpp"

namespace tilsyn {

namespace {

namespace fs = std::filesystem;

constexpr int kBusyTimeoutMs = 5000;

// SQLite's unix VFS holds a shared lock on this byte of the "-shm" file for as long as a
// connection has a WAL database open (UNIX_SHM_DMS in os_unix.c): how we see another process
// using the database, even while it is idle.
constexpr off_t kShmDmsByte = 128;

struct Connection {
    sqlite3* db = nullptr;
    Connection() = default;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection() {
        if (db) sqlite3_close_v2(db);  // a failed close only leaks; never throws
    }
    std::string error() const { return db ? sqlite3_errmsg(db) : "out of memory"; }
};

void open(Connection& c, const std::string& path, int flags) {
    const int rc = sqlite3_open_v2(path.c_str(), &c.db, flags, nullptr);
    if (rc != SQLITE_OK) {
        throw BackupError(fmt::format("{} kan ikke åbnes: {}", path, c.error()), false);
    }
    sqlite3_extended_result_codes(c.db, 1);
    sqlite3_busy_timeout(c.db, kBusyTimeoutMs);
}

/// Runs statements that return nothing of interest; throws with `what` and SQLite's reason.
int exec(Connection& c, const std::string& sql) {
    return sqlite3_exec(c.db, sql.c_str(), nullptr, nullptr, nullptr);
}

/// The first column of the first row as text; nullopt when there is no row. Sets `rc`.
std::optional<std::string> query_text(Connection& c, const std::string& sql, int& rc) {
    sqlite3_stmt* statement = nullptr;
    rc = sqlite3_prepare_v2(c.db, sql.c_str(), -1, &statement, nullptr);
    if (rc != SQLITE_OK) return std::nullopt;
    std::optional<std::string> result;
    rc = sqlite3_step(statement);
    if (rc == SQLITE_ROW) {
        const auto* text = sqlite3_column_text(statement, 0);
        result = text ? reinterpret_cast<const char*>(text) : "";
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
    }
    sqlite3_finalize(statement);
    return result;
}

/// Checks that `c` holds an intact Tilsyn database this program can read; returns its schema
/// version and number of audit events. `name` says which file, for the messages.
BackupResult inspect(Connection& c, const std::string& name) {
    int rc = SQLITE_OK;
    auto tables = query_text(c,
                             "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                             "('schema_migrations', 'cycles', 'events', 'institutions')",
                             rc);
    if (rc != SQLITE_OK) {
        const int primary = rc & 0xff;
        if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT) {
            throw BackupError(
                fmt::format("{} er ikke en Tilsyn-database: filen er ikke en SQLite-database",
                            name),
                true);
        }
        throw BackupError(fmt::format("{} kan ikke læses: {}", name, c.error()), false);
    }
    if (!tables || *tables != "4") {
        throw BackupError(
            fmt::format("{} er ikke en Tilsyn-database: den har ikke Tilsyns tabeller "
                        "(schema_migrations, cycles, events, institutions)",
                        name),
            true);
    }
    BackupResult result;
    auto version = query_text(c, "SELECT COALESCE(max(version), 0) FROM schema_migrations", rc);
    result.schema_version = version ? std::stoi(*version) : 0;
    if (result.schema_version > schema::kSchemaVersion) {
        throw BackupError(
            fmt::format("{} er fra en nyere version af Tilsyn (skemaversion {}; dette program "
                        "kender op til {}). Læg den tilbage med den version, der tog den",
                        name, result.schema_version, schema::kSchemaVersion),
            true);
    }
    auto check = query_text(c, "PRAGMA quick_check", rc);
    if (rc != SQLITE_OK || !check || *check != "ok") {
        throw BackupError(fmt::format("{} er beskadiget: {}", name,
                                      rc != SQLITE_OK ? c.error() : check.value_or("?")),
                          true);
    }
    auto events = query_text(c, "SELECT count(*) FROM events", rc);
    result.events = events ? std::stoll(*events) : 0;
    return result;
}

/// Copies all of `from` into `to` (main databases) in one step: one read transaction on the
/// source, so the copy is a snapshot even while other connections write.
void copy(Connection& from, Connection& to, const std::string& what) {
    sqlite3_backup* backup = sqlite3_backup_init(to.db, "main", from.db, "main");
    if (!backup) throw BackupError(fmt::format("{}: {}", what, to.error()), false);
    int rc = SQLITE_OK;
    // A writer holding the source's lock (not in WAL mode) is waited for, up to 10 s.
    for (int attempt = 0; attempt < 200; ++attempt) {
        rc = sqlite3_backup_step(backup, -1);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
        if (rc != SQLITE_OK) sqlite3_sleep(50);
    }
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) {
        const int primary = rc & 0xff;
        const std::string reason =
            primary == SQLITE_FULL || (rc == SQLITE_IOERR_WRITE && errno == EFBIG)
                ? std::string("disken er fuld")
                : std::string(sqlite3_errstr(rc));
        throw BackupError(fmt::format("{}: {}", what, reason), false);
    }
}

void sync_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
        const std::string reason = std::strerror(errno);
        if (fd >= 0) ::close(fd);
        throw BackupError(fmt::format("{} kan ikke skrives færdig: {}", path, reason), false);
    }
    ::close(fd);
}

/// The process that has the WAL database at `path` open, or 0.
pid_t user_of(const std::string& path) {
    const std::string shm = path + "-shm";
    const int fd = ::open(shm.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    struct flock lock {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    lock.l_start = kShmDmsByte;
    lock.l_len = 1;
    pid_t pid = 0;
    if (::fcntl(fd, F_GETLK, &lock) == 0 && lock.l_type != F_UNLCK) pid = lock.l_pid;
    ::close(fd);
    return pid;
}

BackupError in_use(const std::string& path, pid_t pid) {
    return BackupError(
        fmt::format("databasen {} er i brug{}: stop den proces (fx tilsyn serve), før en "
                    "sikkerhedskopi lægges tilbage; intet er ændret",
                    path, pid ? fmt::format(" (proces {} har den åben)", pid) : std::string()),
        false);
}

}  // namespace

BackupResult backup_sqlite(const std::string& database, const std::string& target) {
    if (database == ":memory:" || !fs::exists(database)) {
        throw BackupError(fmt::format("databasen {} findes ikke", database), true);
    }
    const fs::path target_path(target);
    const fs::path folder =
        target_path.has_parent_path() ? target_path.parent_path() : fs::path(".");
    const fs::path partial =
        folder / fmt::format(".{}.partial-{}", target_path.filename().string(), ::getpid());
    BackupResult result;
    try {
        {
            Connection source;
            open(source, database, SQLITE_OPEN_READONLY);
            Connection copy_db;
            open(copy_db, partial.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
            copy(source, copy_db, fmt::format("sikkerhedskopien til {} mislykkedes", target));
            // A copy of a WAL database says WAL in its header; a backup file stands alone.
            if (exec(copy_db, "PRAGMA journal_mode = DELETE") != SQLITE_OK) {
                throw BackupError(
                    fmt::format("sikkerhedskopien til {} mislykkedes: {}", target, copy_db.error()),
                    false);
            }
            result = inspect(copy_db, partial.string());
        }
        sync_file(partial.string());
        std::error_code ec;
        fs::rename(partial, target_path, ec);
        if (ec) {
            throw BackupError(
                fmt::format("sikkerhedskopien kan ikke lægges som {}: {}", target, ec.message()),
                false);
        }
        sync_file(folder.string());
    } catch (...) {
        std::error_code ignored;
        fs::remove(partial, ignored);
        fs::remove(partial.string() + "-journal", ignored);
        throw;
    }
    result.bytes = fs::file_size(target_path);
    return result;
}

BackupResult restore_sqlite(const std::string& source_path, const std::string& database) {
    if (!fs::is_regular_file(source_path)) {
        throw BackupError(fmt::format("sikkerhedskopien {} findes ikke", source_path), true);
    }
    Connection source;
    open(source, source_path, SQLITE_OPEN_READONLY);
    const BackupResult result = inspect(source, source_path);

    if (database == ":memory:") {
        throw BackupError("en database i hukommelsen kan ikke lægges tilbage", true);
    }
    if (const pid_t pid = user_of(database)) throw in_use(database, pid);
    Connection target;
    open(target, database, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    sqlite3_busy_timeout(target.db, 0);
    // Hold the database alone from here to the end: exclusive locking mode keeps the lock the
    // first write takes, and leaving WAL mode needs every other connection gone.
    int rc = SQLITE_OK;
    auto mode = query_text(target, "PRAGMA locking_mode = EXCLUSIVE", rc);
    mode = query_text(target, "PRAGMA journal_mode = DELETE", rc);
    if (rc != SQLITE_OK || !mode || *mode != "delete" ||
        exec(target, "BEGIN EXCLUSIVE") != SQLITE_OK || exec(target, "COMMIT") != SQLITE_OK) {
        throw in_use(database, user_of(database));
    }
    copy(source, target, fmt::format("tilbagelægningen i {} mislykkedes", database));
    inspect(target, database);
    return result;
}

}  // namespace tilsyn
