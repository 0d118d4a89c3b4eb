// SociStore's connection, transactions and schema; its ports are in soci_directory.cpp,
// soci_cases.cpp and soci_outbox.cpp.
#include "adapters/storage/soci_store.hpp"

#include <fmt/format.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <filesystem>
#include <optional>
#include <system_error>

#include "adapters/storage/schema.hpp"
#include "adapters/storage/soci_support.hpp"

namespace tilsyn {

namespace storage {

std::string one_line(std::string_view text) {
    std::string out;
    bool space = false;
    for (char c : text) {
        if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

Date date_of(const std::string& text, std::string_view column) {
    auto date = parse_date(text);
    if (!date)
        throw StoreError(fmt::format("{} holds \"{}\", not a YYYY-MM-DD date", column, text));
    return *date;
}

}  // namespace storage

using storage::execute_single;
using storage::guarded;
using storage::prepared_once;

namespace {

/// One transaction, rolled back unless committed. Not soci::transaction: on SQLite that issues a
/// deferred BEGIN, and a deferred transaction that reads and then writes fails with SQLITE_BUSY
/// at once (no busy wait) when another connection wrote in between.
class TransactionScope {
  public:
    TransactionScope(soci::session& session, StoreUrl::Backend backend) : session_(session) {
        if (backend == StoreUrl::Backend::sqlite) {
            session_ << "BEGIN IMMEDIATE";
        } else {
            session_.begin();
        }
    }
    TransactionScope(const TransactionScope&) = delete;
    TransactionScope& operator=(const TransactionScope&) = delete;

    void commit() {
        session_.commit();
        open_ = false;
    }

    ~TransactionScope() {
        if (!open_) return;
        try {
            session_.rollback();
        } catch (...) {
            // Nothing to report to: the exception that brought us here is already on its way,
            // and a failed rollback leaves nothing committed (the server or SQLite drops the
            // transaction with the connection).
        }
    }

  private:
    soci::session& session_;
    bool open_ = true;
};

schema::Dialect dialect_of(StoreUrl::Backend backend) {
    return backend == StoreUrl::Backend::sqlite ? schema::Dialect::sqlite
                                                : schema::Dialect::postgresql;
}

}  // namespace

SociStore::SociStore(const StoreUrl& url) : backend_(url.backend), display_url_(url.display) {
    guarded(fmt::format("opening {}", display_url_), [&] {
        if (backend_ == StoreUrl::Backend::sqlite) {
            const bool in_memory = url.sqlite_path == ":memory:";
            // SOCI's connection string splits at spaces: a path with one opens read-write
            // (still never created: open_existing_store checked that it exists).
            const bool read_only =
                url.read_only && !in_memory && url.sqlite_path.find(' ') == std::string::npos;
            if (!in_memory && !read_only) {
                auto folder = std::filesystem::path{url.sqlite_path}.parent_path();
                std::error_code ec;
                if (!folder.empty()) std::filesystem::create_directories(folder, ec);
                if (ec) {
                    throw StoreError(fmt::format("opening {}: cannot create folder {}: {}",
                                                 display_url_, folder.string(), ec.message()));
                }
            }
            std::string connect = url.sqlite_path.find('=') == std::string::npos && !read_only
                                      ? url.sqlite_path
                                      : "db=" + url.sqlite_path;
            if (read_only) connect += " readonly=true";
            session_ = std::make_unique<soci::session>(*soci::factory_sqlite3(), connect);
            *session_ << "PRAGMA busy_timeout = 5000";
            *session_ << "PRAGMA foreign_keys = ON";
            if (!in_memory && !read_only) {
                std::string mode;
                *session_ << "PRAGMA journal_mode = WAL", soci::into(mode);
                if (mode != "wal") {
                    throw StoreError(fmt::format("opening {}: journal_mode is \"{}\", not WAL",
                                                 display_url_, mode));
                }
            }
            *session_ << "PRAGMA synchronous = NORMAL";
        } else {
            session_ = std::make_unique<soci::session>(*soci::factory_postgresql(), url.connection);
            if (url.read_only) *session_ << "SET default_transaction_read_only = on";
        }
    });
}

SociStore::~SociStore() = default;

bool SociStore::reconnect_if_lost() {
    if (backend_ != StoreUrl::Backend::postgresql || in_transaction_) return false;
    bool connected = false;
    try {
        connected = session_->is_connected();
    } catch (const std::exception&) {
        connected = false;
    }
    if (connected) return false;
    prepared_.reset();  // statements of the lost connection
    guarded(fmt::format("reconnecting to {}", display_url_), [&] { session_->reconnect(); });
    return true;
}

void SociStore::within_transaction(const std::function<void()>& work) {
    if (in_transaction_) {
        work();
        return;
    }
    TransactionScope transaction{*session_, backend_};
    in_transaction_ = true;
    try {
        work();
        transaction.commit();
    } catch (...) {
        in_transaction_ = false;
        throw;
    }
    in_transaction_ = false;
}

void SociStore::in_transaction(const std::function<void()>& work) {
    if (in_transaction_) throw StoreError("in_transaction: a transaction is already open");
    // Only the store's own failures (begin, commit) are wrapped; `work`'s exceptions pass
    // through unchanged after the rollback.
    std::optional<TransactionScope> transaction;
    guarded("in_transaction: begin", [&] { transaction.emplace(*session_, backend_); });
    in_transaction_ = true;
    try {
        work();
    } catch (...) {
        in_transaction_ = false;
        transaction.reset();
        throw;
    }
    in_transaction_ = false;
    guarded("in_transaction: commit", [&] { transaction->commit(); });
}

SociStore::Prepared& SociStore::prepared() {
    if (!prepared_) prepared_ = std::make_unique<Prepared>();
    return *prepared_;
}

// Why not RETURNING on SQLite, as on PostgreSQL: a hot INSERT ... RETURNING there opens and
// releases a statement journal on every execution, and releasing it freed enough memory at the
// heap's top for glibc to give it back to the kernel (brk) each time; that cost about a fifth of
// an event's transaction in a profile. A plain INSERT and a prepared last_insert_rowid() do not.
long long SociStore::last_insert_rowid() {
    auto& p = prepared();
    auto& read = prepared_once(p.last_insert_rowid, [&] {
        return (session_->prepare << "SELECT last_insert_rowid()", soci::into(p.rowid));
    });
    if (!execute_single(read)) throw StoreError("no last_insert_rowid()");
    return p.rowid;
}

int SociStore::migrate() { return migrate_to(schema::kSchemaVersion); }

int SociStore::migrate_to(int version) {
    return guarded("migrate", [&] {
        // Prepared before the schema changed: SQLite re-prepares on its own, but PostgreSQL may
        // refuse a cached plan whose tables changed, and SOCI caches column descriptions.
        prepared_.reset();
        int now = 0;
        within_transaction(
            [&] { now = schema::apply_migrations(*session_, dialect_of(backend_), version); });
        return now;
    });
}

int SociStore::schema_version() {
    return guarded("schema_version",
                   [&] { return schema::current_version(*session_, dialect_of(backend_)); });
}

std::unique_ptr<Store> open_store(const std::string& url) {
    return std::make_unique<SociStore>(parse_store_url(url));
}

std::unique_ptr<Store> open_existing_store(const std::string& url, bool read_only) {
    StoreUrl parsed = parse_store_url(url);
    parsed.read_only = read_only;
    if (parsed.backend == StoreUrl::Backend::sqlite && parsed.sqlite_path != ":memory:") {
        std::error_code ec;
        if (!std::filesystem::exists(parsed.sqlite_path, ec)) {
            throw StoreError(
                fmt::format("the database {} does not exist; create it with "
                            "'tilsyn migrate'",
                            parsed.display));
        }
    }
    return std::make_unique<SociStore>(parsed);
}

}  // namespace tilsyn
