#include "adapters/storage/soci_store.hpp"

#include <fmt/format.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <system_error>
#include <typeinfo>
#include <unordered_map>
#include <utility>

#include "adapters/storage/schema.hpp"

namespace tilsyn {

namespace {

// ---------------------------------------------------------------------------------------------
// URLs

constexpr std::string_view accepted_forms =
    "expected sqlite:PATH or postgresql://user[:password]@host[:port]/database";

[[noreturn]] void bad_url(std::string_view shown, std::string_view why) {
    throw BadStoreUrl(fmt::format("bad database URL \"{}\": {}; {}", shown, why, accepted_forms));
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decode(std::string_view text, std::string_view shown, std::string_view what) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        int high = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
        int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
        if (high < 0 || low < 0) bad_url(shown, fmt::format("bad %-escape in the {}", what));
        out += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return out;
}

/// A libpq connection-string value: single-quoted, with ' and \ escaped.
std::string conninfo_value(std::string_view value) {
    std::string out = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    out += '\'';
    return out;
}

bool is_conninfo_key(std::string_view key) {
    if (key.empty()) return false;
    for (char c : key) {
        if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
    }
    return true;
}

/// The URL with the password of its user-info part replaced by "***".
std::string mask_password(std::string_view url) {
    auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return std::string{url};
    auto authority_begin = scheme_end + 3;
    auto authority_end = url.find_first_of("/?", authority_begin);
    if (authority_end == std::string_view::npos) authority_end = url.size();
    auto authority = url.substr(authority_begin, authority_end - authority_begin);
    auto at = authority.rfind('@');
    if (at == std::string_view::npos) return std::string{url};
    auto colon = authority.find(':');
    if (colon == std::string_view::npos || colon > at) return std::string{url};
    return fmt::format("{}***{}", url.substr(0, authority_begin + colon + 1),
                       url.substr(authority_begin + at));
}

StoreUrl parse_sqlite_url(std::string_view url) {
    StoreUrl result;
    result.backend = StoreUrl::Backend::sqlite;
    result.display = std::string{url};
    auto path = url.substr(std::string_view{"sqlite:"}.size());
    if (path.starts_with("//")) path.remove_prefix(2);
    if (path.empty()) bad_url(url, "no file path after \"sqlite:\"");
    // SOCI reads a connection string holding '=' as key=value pairs split at spaces.
    if (path.find('=') != std::string_view::npos &&
        path.find_first_of(" \"") != std::string_view::npos) {
        bad_url(url, "a path holding both '=' and a space or quote is not supported");
    }
    result.sqlite_path = std::string{path};
    return result;
}

StoreUrl parse_postgresql_url(std::string_view url) {
    StoreUrl result;
    result.backend = StoreUrl::Backend::postgresql;
    result.display = mask_password(url);
    const std::string_view shown = result.display;

    auto rest = url.substr(url.find("://") + 3);
    auto authority_end = rest.find_first_of("/?");
    auto authority = rest.substr(0, authority_end);
    std::string_view path, query;
    if (authority_end != std::string_view::npos) {
        auto after = rest.substr(authority_end);
        auto question = after.find('?');
        path = after.substr(0, question);
        if (question != std::string_view::npos) query = after.substr(question + 1);
    }

    std::string user, password;
    bool has_password = false;
    auto at = authority.rfind('@');
    std::string_view host_port = authority;
    if (at != std::string_view::npos) {
        auto user_info = authority.substr(0, at);
        host_port = authority.substr(at + 1);
        auto colon = user_info.find(':');
        user = percent_decode(user_info.substr(0, colon), shown, "user name");
        if (colon != std::string_view::npos) {
            password = percent_decode(user_info.substr(colon + 1), shown, "password");
            has_password = true;
        }
        if (user.empty()) bad_url(shown, "empty user name before '@'");
    }

    std::string_view host, port;
    if (host_port.starts_with('[')) {
        auto close = host_port.find(']');
        if (close == std::string_view::npos) bad_url(shown, "unclosed '[' in the host");
        host = host_port.substr(1, close - 1);
        auto after = host_port.substr(close + 1);
        if (!after.empty()) {
            if (after[0] != ':') bad_url(shown, "unexpected text after the host");
            port = after.substr(1);
            if (port.empty()) bad_url(shown, "empty port after ':'");
        }
    } else {
        auto colon = host_port.find(':');
        host = host_port.substr(0, colon);
        if (colon != std::string_view::npos) {
            port = host_port.substr(colon + 1);
            if (port.empty()) bad_url(shown, "empty port after ':'");
        }
    }
    if (host.empty()) bad_url(shown, "no host");
    if (!port.empty()) {
        long value = 0;
        for (char c : port) {
            if (c < '0' || c > '9' || value > 65535) bad_url(shown, "the port is not a number");
            value = value * 10 + (c - '0');
        }
        if (value < 1 || value > 65535) bad_url(shown, "the port is not in 1-65535");
    }

    if (path.size() <= 1) bad_url(shown, "no database name after the host");
    auto database = percent_decode(path.substr(1), shown, "database name");
    if (database.find('/') != std::string::npos) bad_url(shown, "a '/' in the database name");

    std::string connection = fmt::format("host={}", conninfo_value(host));
    if (!port.empty()) connection += fmt::format(" port={}", conninfo_value(port));
    connection += fmt::format(" dbname={}", conninfo_value(database));
    if (!user.empty()) connection += fmt::format(" user={}", conninfo_value(user));
    if (has_password) connection += fmt::format(" password={}", conninfo_value(password));

    std::unordered_map<std::string, std::string> options;
    while (!query.empty()) {
        auto amp = query.find('&');
        auto pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) continue;
        auto equals = pair.find('=');
        if (equals == std::string_view::npos) bad_url(shown, "a query parameter without '='");
        std::string key{pair.substr(0, equals)};
        if (!is_conninfo_key(key)) bad_url(shown, fmt::format("bad parameter name \"{}\"", key));
        if (key == "host" || key == "hostaddr" || key == "port" || key == "dbname" ||
            key == "user" || key == "password") {
            bad_url(shown, fmt::format("\"{}\" belongs in the URL itself, not the query", key));
        }
        options[key] = percent_decode(pair.substr(equals + 1), shown, "query");
    }
    // Text is UTF-8 whatever the server's locale; a dead server fails fast; NOTICEs (such as
    // "relation already exists, skipping") would go to stderr through libpq.
    options.try_emplace("client_encoding", "UTF8");
    options.try_emplace("options", "-c client_min_messages=warning");
    options.try_emplace("application_name", "tilsyn");
    options.try_emplace("connect_timeout", "10");
    std::vector<std::pair<std::string, std::string>> sorted(options.begin(), options.end());
    std::sort(sorted.begin(), sorted.end());
    for (const auto& [key, value] : sorted) {
        connection += fmt::format(" {}={}", key, conninfo_value(value));
    }
    result.connection = std::move(connection);
    return result;
}

// ---------------------------------------------------------------------------------------------
// Errors and transactions

/// SOCI's messages can span lines; a StoreError is one line.
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

/// Runs `body`, turning SOCI's exceptions into StoreError naming the operation.
template <class Body>
auto guarded(std::string_view operation, Body&& body) -> decltype(body()) {
    try {
        return body();
    } catch (const StoreError&) {
        throw;
    } catch (const soci::soci_error& e) {
        // Not what(): SOCI appends the statement with its bound values, which can be mail
        // bodies or token hashes. The operation name says where.
        throw StoreError(fmt::format("{}: {}", operation, one_line(e.get_error_message())));
    } catch (const std::bad_cast& e) {
        throw StoreError(fmt::format("{}: unexpected column type ({})", operation, e.what()));
    } catch (const std::runtime_error& e) {
        throw StoreError(fmt::format("{}: {}", operation, one_line(e.what())));
    }
}

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

// ---------------------------------------------------------------------------------------------
// Conversions

long long seconds_of(Instant at) { return at.time_since_epoch().count(); }
Instant instant_of(long long seconds) { return Instant{std::chrono::seconds{seconds}}; }

Date date_of(const std::string& text, std::string_view column) {
    auto date = parse_date(text);
    if (!date)
        throw StoreError(fmt::format("{} holds \"{}\", not a YYYY-MM-DD date", column, text));
    return *date;
}

schema::Dialect dialect_of(StoreUrl::Backend backend) {
    return backend == StoreUrl::Backend::sqlite ? schema::Dialect::sqlite
                                                : schema::Dialect::postgresql;
}

/// Columns read into plain variables (never soci::row: see schema.cpp on BIGINT).
struct CycleColumns {
    std::string id, workflow, cycle_config, institution_id, parent_id, state, timeline, anchors,
        started_on;
    long long updated_at = 0;

    CycleRecord record() const {
        return {id,
                workflow,
                cycle_config,
                institution_id,
                parent_id,
                state,
                timeline,
                anchors,
                date_of(started_on, "cycles.started_on"),
                instant_of(updated_at)};
    }
};

constexpr const char* cycle_select =
    "SELECT id, workflow, cycle_config, institution_id, parent_id, state, timeline, anchors, "
    "started_on, updated_at FROM cycles";

/// Binds every column of `row` as an output, in cycle_select's order.
void into_cycle_columns(soci::details::prepare_temp_type& prepared, CycleColumns& row) {
    prepared, soci::into(row.id), soci::into(row.workflow), soci::into(row.cycle_config),
        soci::into(row.institution_id), soci::into(row.parent_id), soci::into(row.state),
        soci::into(row.timeline), soci::into(row.anchors), soci::into(row.started_on),
        soci::into(row.updated_at);
}

struct DeadlineColumns {
    long long id = 0, round = 0, level = 0, fire_at = 0, done = 0;
    std::string cycle_id, step, kind, due_on;

    DeadlineRecord record() const {
        return {id,
                cycle_id,
                step,
                static_cast<int>(round),
                kind,
                static_cast<int>(level),
                date_of(due_on, "deadlines.due_on"),
                instant_of(fire_at),
                done != 0};
    }
};

struct EventColumns {
    long long seq = 0, at = 0;
    std::string cycle_id, event, actor, payload, state_before, state_after, prev_hash, hash;

    EventRecord record() const {
        return {seq,          cycle_id,    event,          actor,     payload,
                state_before, state_after, instant_of(at), prev_hash, hash};
    }
};

constexpr const char* event_select =
    "SELECT seq, cycle_id, event, actor, payload, state_before, state_after, at, prev_hash, hash "
    "FROM events";

/// Binds every column of `row` as an output, in event_select's order.
void into_event_columns(soci::details::prepare_temp_type& prepared, EventColumns& row) {
    prepared, soci::into(row.seq), soci::into(row.cycle_id), soci::into(row.event),
        soci::into(row.actor), soci::into(row.payload), soci::into(row.state_before),
        soci::into(row.state_after), soci::into(row.at), soci::into(row.prev_hash),
        soci::into(row.hash);
}

constexpr const char* user_select =
    "SELECT id, email, name, role, area_id, institution_id, token_hash, source FROM users";

/// Binds every field of `row` as an output, in user_select's order.
void into_user(soci::details::prepare_temp_type& prepared, StoredUser& row) {
    prepared, soci::into(row.id), soci::into(row.email), soci::into(row.name), soci::into(row.role),
        soci::into(row.area_id), soci::into(row.institution_id), soci::into(row.token_hash),
        soci::into(row.source);
}

/// `slot`'s statement, prepared by `make` (which returns the prepare expression) on first use.
template <class Make>
soci::statement& prepared_once(std::optional<soci::statement>& slot, Make&& make) {
    if (!slot) slot.emplace(make());
    return *slot;
}

/// Executes a statement that yields at most one row, then runs it to its end. On SQLite a
/// statement left standing on its first row stays active: outside a transaction a SELECT would
/// pin its old snapshot, and an INSERT ... RETURNING makes COMMIT fail ("SQL statements in
/// progress"). The second fetch finds no row and leaves the bound variables as they are.
bool execute_single(soci::statement& statement) {
    if (!statement.execute(true)) return false;
    statement.fetch();
    return true;
}

// ---------------------------------------------------------------------------------------------
// Directory sync

struct InstitutionColumns {
    std::string name, kind, area_id;
    bool active = true;
    friend bool operator==(const InstitutionColumns&, const InstitutionColumns&) = default;
};

struct AreaColumns {
    std::string name;
    bool active = true;
    friend bool operator==(const AreaColumns&, const AreaColumns&) = default;
};

/// A user's identity in the directory: what UNIQUE(email, role, area_id, institution_id) keys.
std::string user_key(std::string_view email, std::string_view role, std::string_view area_id,
                     std::string_view institution_id) {
    // \x1f (unit separator) cannot occur in an e-mail address or an id.
    return fmt::format("{}\x1f{}\x1f{}\x1f{}", email, role, area_id, institution_id);
}

}  // namespace

StoreUrl parse_store_url(std::string_view url) {
    if (url.starts_with("sqlite:")) return parse_sqlite_url(url);
    if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
        return parse_postgresql_url(url);
    }
    if (url.empty()) bad_url(url, "empty");
    bad_url(mask_password(url), "unknown scheme");
}

// ---------------------------------------------------------------------------------------------
// The statements of an event's transaction

/// Each statement is prepared on its first use and then re-executed: binding its variables
/// (the members next to it) by reference, so a call only assigns them. Single-row binds only.
struct SociStore::Prepared {
    std::string find_cycle_id;
    CycleColumns found_cycle;
    std::optional<soci::statement> find_cycle, find_cycle_for_update;

    std::string update_id, update_state, update_anchors;
    long long update_at = 0;
    std::optional<soci::statement> update_cycle;

    std::string close_cycle_id, close_step;
    std::optional<soci::statement> close_deadlines;

    DeadlineColumns new_deadline;
    std::optional<soci::statement> insert_deadline;

    long long done_id = 0;
    std::optional<soci::statement> mark_deadline_done;

    std::string reminders_cycle_id, reminders_step;
    long long reminders_round = 0, reminders_up_to = 0;
    std::optional<soci::statement> close_reminders_up_to;

    EventColumns last;
    std::optional<soci::statement> last_event;

    EventColumns appended;
    std::optional<soci::statement> append_event;

    OutboxMessage queued;
    long long queued_at = 0, queued_attempts = 0, queued_next_attempt_at = 0, queued_id = 0;
    std::optional<soci::statement> enqueue;

    long long rowid = 0;
    std::optional<soci::statement> last_insert_rowid;  // SQLite only

    std::string institution_key;
    StoredInstitution institution;
    long long institution_active = 0;
    std::optional<soci::statement> find_institution;
};

// ---------------------------------------------------------------------------------------------

SociStore::SociStore(const StoreUrl& url) : backend_(url.backend), display_url_(url.display) {
    guarded(fmt::format("opening {}", display_url_), [&] {
        if (backend_ == StoreUrl::Backend::sqlite) {
            const bool in_memory = url.sqlite_path == ":memory:";
            if (!in_memory) {
                auto folder = std::filesystem::path{url.sqlite_path}.parent_path();
                std::error_code ec;
                if (!folder.empty()) std::filesystem::create_directories(folder, ec);
                if (ec) {
                    throw StoreError(fmt::format("opening {}: cannot create folder {}: {}",
                                                 display_url_, folder.string(), ec.message()));
                }
            }
            std::string connect = url.sqlite_path.find('=') == std::string::npos
                                      ? url.sqlite_path
                                      : "db=" + url.sqlite_path;
            session_ = std::make_unique<soci::session>(*soci::factory_sqlite3(), connect);
            *session_ << "PRAGMA busy_timeout = 5000";
            *session_ << "PRAGMA foreign_keys = ON";
            if (!in_memory) {
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

int SociStore::migrate() { return migrate_to(schema::latest_version()); }

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

DirectorySync SociStore::sync_directory(const Config& config) {
    return guarded("sync_directory", [&] {
        DirectorySync result;
        within_transaction([&] {
            auto& sql = *session_;

            // What is there now, read once, so that writes happen only for real changes and the
            // counts are exact.
            std::unordered_map<std::string, AreaColumns> stored_areas;
            {
                std::string id, name;
                long long active = 0;
                soci::statement read = (sql.prepare << "SELECT id, name, active FROM areas",
                                        soci::into(id), soci::into(name), soci::into(active));
                read.execute();
                while (read.fetch()) stored_areas[id] = {name, active != 0};
            }
            std::unordered_map<std::string, InstitutionColumns> stored_institutions;
            {
                std::string id, name, kind, area_id;
                long long active = 0;
                soci::statement read =
                    (sql.prepare << "SELECT id, name, kind, area_id, active FROM institutions",
                     soci::into(id), soci::into(name), soci::into(kind), soci::into(area_id),
                     soci::into(active));
                read.execute();
                while (read.fetch()) stored_institutions[id] = {name, kind, area_id, active != 0};
            }
            std::unordered_map<std::string, std::string> stored_people;  // user_key -> name
            {
                std::string email, name, role, area_id, institution_id;
                soci::statement read =
                    (sql.prepare << "SELECT email, name, role, area_id, institution_id FROM users",
                     soci::into(email), soci::into(name), soci::into(role), soci::into(area_id),
                     soci::into(institution_id));
                read.execute();
                while (read.fetch()) {
                    stored_people[user_key(email, role, area_id, institution_id)] = name;
                }
            }

            // Statements prepared once and re-executed with single-row binds: fast on SQLite,
            // and safe on PostgreSQL, where re-executing a vector bind corrupts data (SOCI #910).
            std::string id, name, kind, area_id, email, role, institution_id;
            soci::statement upsert_area =
                (sql.prepare << "INSERT INTO areas (id, name, active) VALUES (:id, :name, 1) "
                                "ON CONFLICT (id) DO UPDATE SET name = excluded.name, active = 1",
                 soci::use(id), soci::use(name));
            soci::statement deactivate_area =
                (sql.prepare << "UPDATE areas SET active = 0 WHERE id = :id", soci::use(id));
            soci::statement upsert_institution =
                (sql.prepare << "INSERT INTO institutions (id, name, kind, area_id, active) "
                                "VALUES (:id, :name, :kind, :area_id, 1) "
                                "ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = "
                                "excluded.kind, "
                                "area_id = excluded.area_id, active = 1",
                 soci::use(id), soci::use(name), soci::use(kind), soci::use(area_id));
            soci::statement deactivate_institution =
                (sql.prepare << "UPDATE institutions SET active = 0 WHERE id = :id", soci::use(id));
            soci::statement upsert_person =
                (sql.prepare << "INSERT INTO users "
                                "(email, name, role, area_id, institution_id, token_hash, source) "
                                "VALUES (:email, :name, :role, :area_id, :institution_id, '', "
                                "'config') "
                                "ON CONFLICT (email, role, area_id, institution_id) "
                                "DO UPDATE SET name = excluded.name",
                 soci::use(email), soci::use(name), soci::use(role), soci::use(area_id),
                 soci::use(institution_id));

            for (const auto& area : config.areas) {
                AreaColumns wanted{area.name, true};
                auto found = stored_areas.find(area.id);
                if (found != stored_areas.end() && found->second == wanted) continue;
                id = area.id;
                name = area.name;
                upsert_area.execute(true);
                ++(found == stored_areas.end() ? result.areas_added : result.areas_updated);
                stored_areas[area.id] = wanted;
            }

            std::unordered_map<std::string_view, bool> configured;
            for (const auto& institution : config.institutions) {
                configured[institution.id] = true;
                InstitutionColumns wanted{institution.name,
                                          std::string{kind_name(institution.kind)},
                                          institution.area, true};
                auto found = stored_institutions.find(institution.id);
                if (found != stored_institutions.end() && found->second == wanted) continue;
                id = institution.id;
                name = wanted.name;
                kind = wanted.kind;
                area_id = wanted.area_id;
                upsert_institution.execute(true);
                ++(found == stored_institutions.end() ? result.institutions_added
                                                      : result.institutions_updated);
                stored_institutions[institution.id] = std::move(wanted);
            }
            for (auto& [stored_id, columns] : stored_institutions) {
                if (!columns.active || configured.contains(stored_id)) continue;
                id = stored_id;
                deactivate_institution.execute(true);
                columns.active = false;
                ++result.institutions_deactivated;
            }
            std::unordered_map<std::string_view, bool> configured_areas;
            for (const auto& area : config.areas) configured_areas[area.id] = true;
            for (auto& [stored_id, columns] : stored_areas) {
                if (!columns.active || configured_areas.contains(stored_id)) continue;
                id = stored_id;
                deactivate_area.execute(true);
                columns.active = false;
                ++result.areas_updated;
            }

            auto sync_person = [&](const Person& person, std::string_view person_role,
                                   std::string_view person_area,
                                   std::string_view person_institution) {
                if (person.email.empty()) return;
                auto key = user_key(person.email, person_role, person_area, person_institution);
                auto found = stored_people.find(key);
                if (found != stored_people.end() && found->second == person.name) return;
                email = person.email;
                name = person.name;
                role = person_role;
                area_id = person_area;
                institution_id = person_institution;
                upsert_person.execute(true);
                ++(found == stored_people.end() ? result.people_added : result.people_updated);
                stored_people[key] = person.name;
            };
            sync_person(config.organisation.director, role_name(Role::director), "", "");
            for (const auto& area : config.areas) {
                sync_person(area.chief, role_name(Role::area_chief), area.id, "");
            }
            for (const auto& institution : config.institutions) {
                sync_person(institution.leader, role_name(Role::leader), "", institution.id);
                sync_person(institution.board, role_name(Role::board), "", institution.id);
            }
        });
        return result;
    });
}

std::vector<StoredArea> SociStore::areas() {
    return guarded("areas", [&] {
        std::vector<StoredArea> result;
        StoredArea row;
        soci::statement read =
            (session_->prepare << "SELECT id, name FROM areas WHERE active = 1 ORDER BY id",
             soci::into(row.id), soci::into(row.name));
        read.execute();
        while (read.fetch()) result.push_back(row);
        return result;
    });
}

std::vector<StoredInstitution> SociStore::institutions() {
    return guarded(
        "institutions", [&] {
            std::vector<StoredInstitution> result;
            StoredInstitution row;
            long long active = 0;
            soci::statement read =
                (session_->prepare
                     << "SELECT id, name, kind, area_id, active FROM institutions ORDER BY id",
                 soci::into(row.id), soci::into(row.name), soci::into(row.kind),
                 soci::into(row.area_id), soci::into(active));
            read.execute();
            while (read.fetch()) {
                row.active = active != 0;
                result.push_back(row);
            }
            return result;
        });
}

std::vector<StoredUser> SociStore::users() {
    return guarded("users", [&] {
        std::vector<StoredUser> result;
        StoredUser row;
        auto prepared = (session_->prepare << std::string{user_select} + " ORDER BY id");
        into_user(prepared, row);
        soci::statement read = prepared;
        read.execute();
        while (read.fetch()) result.push_back(row);
        return result;
    });
}

bool SociStore::insert_cycle(const CycleRecord& cycle) {
    return guarded("insert_cycle", [&] {
        std::string started_on = format_date(cycle.started_on);
        long long updated_at = seconds_of(cycle.updated_at);
        // Only a duplicate id is tolerated; any other failure (an unknown institution) throws.
        soci::statement insert =
            (session_->prepare
                 << "INSERT INTO cycles (id, workflow, cycle_config, institution_id, parent_id, "
                    "state, timeline, anchors, started_on, updated_at) VALUES (:id, :workflow, "
                    ":cycle_config, :institution_id, :parent_id, :state, :timeline, :anchors, "
                    ":started_on, :updated_at) ON CONFLICT (id) DO NOTHING",
             soci::use(cycle.id), soci::use(cycle.workflow), soci::use(cycle.cycle_config),
             soci::use(cycle.institution_id), soci::use(cycle.parent_id), soci::use(cycle.state),
             soci::use(cycle.timeline), soci::use(cycle.anchors), soci::use(started_on),
             soci::use(updated_at));
        insert.execute(true);
        return insert.get_affected_rows() == 1;
    });
}

std::optional<CycleRecord> SociStore::find_cycle(std::string_view id) {
    return guarded("find_cycle", [&]() -> std::optional<CycleRecord> {
        auto& p = prepared();
        // Inside a transaction on PostgreSQL the row is locked until commit, so that a
        // read-decide-write on one instance is serialized as it is under SQLite's single writer
        // (READ COMMITTED would otherwise let two writers decide on the same old state).
        const bool lock = in_transaction_ && backend_ == StoreUrl::Backend::postgresql;
        auto& read = prepared_once(lock ? p.find_cycle_for_update : p.find_cycle, [&] {
            auto prepared = (session_->prepare << std::string{cycle_select} + " WHERE id = :id" +
                                                      (lock ? " FOR UPDATE" : ""),
                             soci::use(p.find_cycle_id));
            into_cycle_columns(prepared, p.found_cycle);
            return prepared;
        });
        p.find_cycle_id = id;
        if (!execute_single(read)) return std::nullopt;
        return p.found_cycle.record();
    });
}

void SociStore::update_cycle_state(std::string_view id, std::string_view state, Instant at) {
    guarded("update_cycle_state", [&] {
        std::string key{id}, new_state{state};
        long long updated_at = seconds_of(at);
        soci::statement update =
            (session_->prepare
                 << "UPDATE cycles SET state = :state, updated_at = :updated_at WHERE id = :id",
             soci::use(new_state), soci::use(updated_at), soci::use(key));
        update.execute(true);
        if (update.get_affected_rows() == 0) {
            throw StoreError(fmt::format("update_cycle_state: no workflow instance \"{}\"", id));
        }
    });
}

void SociStore::update_cycle(const CycleRecord& cycle) {
    guarded("update_cycle", [&] {
        auto& p = prepared();
        auto& update = prepared_once(p.update_cycle, [&] {
            return (session_->prepare << "UPDATE cycles SET state = :state, anchors = :anchors, "
                                         "updated_at = :updated_at WHERE id = :id",
                    soci::use(p.update_state), soci::use(p.update_anchors), soci::use(p.update_at),
                    soci::use(p.update_id));
        });
        p.update_state = cycle.state;
        p.update_anchors = cycle.anchors;
        p.update_at = seconds_of(cycle.updated_at);
        p.update_id = cycle.id;
        update.execute(true);
        if (update.get_affected_rows() == 0) {
            throw StoreError(fmt::format("update_cycle: no workflow instance \"{}\"", cycle.id));
        }
    });
}

std::vector<CycleStatusRow> SociStore::cycle_status(std::string_view area_id,
                                                    std::string_view institution_id) {
    return guarded("cycle_status", [&] {
        // One query for all rows. The earliest open "due" deadline of each instance comes from
        // correlated subqueries over deadlines_by_cycle_step (due_on is YYYY-MM-DD text, so its
        // order is the calendar's); a filter that is empty is left out of the text altogether.
        constexpr const char* earliest_due =
            "FROM deadlines d WHERE d.cycle_id = c.id AND d.done = 0 AND d.kind = 'due' "
            "ORDER BY d.due_on, d.id LIMIT 1";
        // The timeline snapshot is left out (a listing does not need it; it is the largest
        // column), and due date and step come from one subquery as "YYYY-MM-DD step".
        std::string query = fmt::format(
            "SELECT c.id, c.workflow, c.cycle_config, c.institution_id, c.parent_id, c.state, "
            "'', c.anchors, c.started_on, c.updated_at, i.name, i.area_id, "
            "COALESCE((SELECT d.due_on || ' ' || d.step {0}), '') "
            "FROM cycles c JOIN institutions i ON i.id = c.institution_id",
            earliest_due);
        std::string area{area_id}, institution{institution_id};
        std::vector<std::string> conditions;
        if (!area.empty()) conditions.emplace_back("i.area_id = :area_id");
        if (!institution.empty()) conditions.emplace_back("c.institution_id = :institution_id");
        for (std::size_t i = 0; i < conditions.size(); ++i) {
            query += (i == 0 ? " WHERE " : " AND ") + conditions[i];
        }
        query += " ORDER BY c.id";

        CycleColumns row;
        std::string institution_name, row_area, next_due;
        auto prepared = (session_->prepare << query);
        into_cycle_columns(prepared, row);
        prepared, soci::into(institution_name), soci::into(row_area), soci::into(next_due);
        if (!area.empty()) prepared, soci::use(area);
        if (!institution.empty()) prepared, soci::use(institution);
        soci::statement read = prepared;
        std::vector<CycleStatusRow> result;
        read.execute();
        while (read.fetch()) {
            CycleStatusRow status{row.record(), institution_name, row_area, std::nullopt, {}};
            if (next_due.size() > 11) {
                status.next_due = date_of(next_due.substr(0, 10), "deadlines.due_on");
                status.next_due_step = next_due.substr(11);
            }
            result.push_back(std::move(status));
        }
        return result;
    });
}

std::vector<CycleRecord> SociStore::child_cases(std::string_view parent_id) {
    return guarded("child_cases", [&] {
        std::vector<CycleRecord> result;
        std::string key{parent_id};
        if (key.empty()) return result;  // '' is every top-level cycle's parent_id
        CycleColumns row;
        auto prepared = (session_->prepare << std::string{cycle_select} +
                                                  " WHERE parent_id = :parent_id ORDER BY id",
                         soci::use(key));
        into_cycle_columns(prepared, row);
        soci::statement read = prepared;
        read.execute();
        while (read.fetch()) result.push_back(row.record());
        return result;
    });
}

bool SociStore::mark_period_opened(std::string_view cycle_config, Date start, Instant at) {
    return guarded("mark_period_opened", [&] {
        std::string config{cycle_config}, start_on = format_date(start);
        long long opened_at = seconds_of(at);
        soci::statement insert =
            (session_->prepare << "INSERT INTO opened_periods (cycle_config, start_on, opened_at) "
                                  "VALUES (:cycle_config, :start_on, :opened_at) "
                                  "ON CONFLICT (cycle_config, start_on) DO NOTHING",
             soci::use(config), soci::use(start_on), soci::use(opened_at));
        insert.execute(true);
        return insert.get_affected_rows() == 1;
    });
}

bool SociStore::period_opened(std::string_view cycle_config, Date start) {
    return guarded("period_opened", [&] {
        std::string config{cycle_config}, start_on = format_date(start);
        long long count = 0;
        *session_ << "SELECT count(*) FROM opened_periods "
                     "WHERE cycle_config = :cycle_config AND start_on = :start_on",
            soci::use(config), soci::use(start_on), soci::into(count);
        return count > 0;
    });
}

std::optional<StoredInstitution> SociStore::find_institution(std::string_view id) {
    return guarded("find_institution", [&]() -> std::optional<StoredInstitution> {
        auto& p = prepared();
        auto& read = prepared_once(p.find_institution, [&] {
            return (session_->prepare << "SELECT id, name, kind, area_id, active "
                                         "FROM institutions WHERE id = :id",
                    soci::into(p.institution.id), soci::into(p.institution.name),
                    soci::into(p.institution.kind), soci::into(p.institution.area_id),
                    soci::into(p.institution_active), soci::use(p.institution_key));
        });
        p.institution_key = id;
        if (!execute_single(read)) return std::nullopt;
        p.institution.active = p.institution_active != 0;
        return p.institution;
    });
}

bool SociStore::add_user(StoredUser& user) {
    return guarded("add_user", [&] {
        long long id = 0;
        // A duplicate (email, role, area_id, institution_id) inserts nothing and returns no row.
        soci::statement insert =
            (session_->prepare
                 << "INSERT INTO users "
                    "(email, name, role, area_id, institution_id, token_hash, source) VALUES "
                    "(:email, :name, :role, :area_id, :institution_id, :token_hash, :source) "
                    "ON CONFLICT (email, role, area_id, institution_id) DO NOTHING RETURNING id",
             soci::use(user.email), soci::use(user.name), soci::use(user.role),
             soci::use(user.area_id), soci::use(user.institution_id), soci::use(user.token_hash),
             soci::use(user.source), soci::into(id));
        if (!execute_single(insert)) return false;
        user.id = id;
        return true;
    });
}

std::vector<StoredUser> SociStore::find_users_by_email(std::string_view email) {
    return guarded("find_users_by_email", [&] {
        std::string key{email};
        StoredUser row;
        auto prepared =
            (session_->prepare << std::string{user_select} + " WHERE email = :email ORDER BY id",
             soci::use(key));
        into_user(prepared, row);
        soci::statement read = prepared;
        std::vector<StoredUser> result;
        read.execute();
        while (read.fetch()) result.push_back(row);
        return result;
    });
}

std::optional<StoredUser> SociStore::find_user_by_token_hash(std::string_view token_hash) {
    return guarded("find_user_by_token_hash", [&]() -> std::optional<StoredUser> {
        if (token_hash.empty()) return std::nullopt;  // '' means "no token"
        std::string key{token_hash};
        StoredUser row;
        // `token_hash <> ''` as in users_by_token_hash's WHERE, so SQLite uses that index.
        auto prepared =
            (session_->prepare << std::string{user_select} +
                                      " WHERE token_hash = :token_hash AND token_hash <> '' "
                                      "ORDER BY id LIMIT 1",
             soci::use(key));
        into_user(prepared, row);
        soci::statement read = prepared;
        if (!execute_single(read)) return std::nullopt;
        return row;
    });
}

void SociStore::set_token_hash(long long user_id, std::string_view token_hash) {
    guarded("set_token_hash", [&] {
        std::string hash{token_hash};
        *session_ << "UPDATE users SET token_hash = :token_hash WHERE id = :id", soci::use(hash),
            soci::use(user_id);
    });
}

void SociStore::add_feed(long long user_id, std::string_view token_hash, Instant at) {
    guarded("add_feed", [&] {
        std::string hash{token_hash};
        long long created = seconds_of(at);
        *session_ << "INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES "
                     "(:user_id, :token_hash, :created_at)",
            soci::use(user_id), soci::use(hash), soci::use(created);
    });
}

std::optional<StoredUser> SociStore::find_feed_user(std::string_view token_hash) {
    return guarded("find_feed_user", [&]() -> std::optional<StoredUser> {
        std::string key{token_hash};
        StoredUser row;
        auto prepared =
            (session_->prepare << "SELECT u.id, u.email, u.name, u.role, u.area_id, "
                                  "u.institution_id, u.token_hash, u.source FROM calendar_feeds f "
                                  "JOIN users u ON u.id = f.user_id "
                                  "WHERE f.token_hash = :token_hash AND f.revoked_at = 0",
             soci::use(key));
        into_user(prepared, row);
        soci::statement read = prepared;
        if (!execute_single(read)) return std::nullopt;
        return row;
    });
}

int SociStore::revoke_feeds(long long user_id, Instant at) {
    return guarded("revoke_feeds", [&] {
        long long revoked = seconds_of(at);
        long long live = 0;
        *session_ << "SELECT COUNT(*) FROM calendar_feeds WHERE user_id = :user_id AND "
                     "revoked_at = 0",
            soci::use(user_id), soci::into(live);
        *session_ << "UPDATE calendar_feeds SET revoked_at = :at WHERE user_id = :user_id AND "
                     "revoked_at = 0",
            soci::use(revoked), soci::use(user_id);
        return static_cast<int>(live);
    });
}

void SociStore::add_deadlines(const std::vector<DeadlineRecord>& deadlines) {
    if (deadlines.empty()) return;
    guarded("add_deadlines", [&] {
        within_transaction([&] {
            auto& p = prepared();
            auto& d = p.new_deadline;
            // One row per execution, never a vector bind (SOCI issue 910 on PostgreSQL).
            auto& insert = prepared_once(p.insert_deadline, [&] {
                return (session_->prepare
                            << "INSERT INTO deadlines (cycle_id, step, round, kind, level, "
                               "due_on, fire_at, done) VALUES (:cycle_id, :step, :round, :kind, "
                               ":level, :due_on, :fire_at, :done)",
                        soci::use(d.cycle_id), soci::use(d.step), soci::use(d.round),
                        soci::use(d.kind), soci::use(d.level), soci::use(d.due_on),
                        soci::use(d.fire_at), soci::use(d.done));
            });
            for (const auto& deadline : deadlines) {
                d.cycle_id = deadline.cycle_id;
                d.step = deadline.step;
                d.round = deadline.round;
                d.kind = deadline.kind;
                d.level = deadline.level;
                d.due_on = format_date(deadline.due_on);
                d.fire_at = seconds_of(deadline.fire_at);
                d.done = deadline.done ? 1 : 0;
                insert.execute(true);
            }
        });
    });
}

std::vector<DeadlineRecord> SociStore::due_deadlines(Instant until, int limit) {
    return guarded("due_deadlines", [&] {
        std::vector<DeadlineRecord> result;
        if (limit <= 0) return result;
        long long until_seconds = seconds_of(until), max_rows = limit;
        DeadlineColumns row;
        // Inside a transaction on PostgreSQL the rows stay locked until commit and rows another
        // node has locked are skipped: two schedulers never fire the same deadline.
        const bool lock = backend_ == StoreUrl::Backend::postgresql && in_transaction_;
        soci::statement read = (session_->prepare << std::string{schema::firing_deadlines_query} +
                                                         (lock ? " FOR UPDATE SKIP LOCKED" : ""),
                                soci::into(row.id), soci::into(row.cycle_id), soci::into(row.step),
                                soci::into(row.round), soci::into(row.kind), soci::into(row.level),
                                soci::into(row.due_on), soci::into(row.fire_at),
                                soci::use(until_seconds), soci::use(max_rows));
        read.execute();
        while (read.fetch()) result.push_back(row.record());
        return result;
    });
}

void SociStore::close_deadlines(std::string_view cycle_id, std::string_view step) {
    guarded("close_deadlines", [&] {
        auto& p = prepared();
        auto& update = prepared_once(p.close_deadlines, [&] {
            return (session_->prepare << "UPDATE deadlines SET done = 1 "
                                         "WHERE cycle_id = :cycle_id AND step = :step AND done = 0",
                    soci::use(p.close_cycle_id), soci::use(p.close_step));
        });
        p.close_cycle_id = cycle_id;
        p.close_step = step;
        update.execute(true);
    });
}

void SociStore::close_all_deadlines(std::string_view cycle_id) {
    guarded("close_all_deadlines", [&] {
        std::string key{cycle_id};
        *session_ << "UPDATE deadlines SET done = 1 WHERE cycle_id = :cycle_id AND done = 0",
            soci::use(key);
    });
}

void SociStore::mark_deadline_done(long long id) {
    guarded("mark_deadline_done", [&] {
        auto& p = prepared();
        auto& update = prepared_once(p.mark_deadline_done, [&] {
            return (session_->prepare << "UPDATE deadlines SET done = 1 WHERE id = :id",
                    soci::use(p.done_id));
        });
        p.done_id = id;
        update.execute(true);
    });
}

int SociStore::close_reminders_up_to(std::string_view cycle_id, std::string_view step, int round,
                                     Instant up_to) {
    return guarded("close_reminders_up_to", [&] {
        auto& p = prepared();
        auto& update = prepared_once(p.close_reminders_up_to, [&] {
            return (session_->prepare << "UPDATE deadlines SET done = 1 "
                                         "WHERE cycle_id = :cycle_id AND step = :step "
                                         "AND round = :round AND kind = 'reminder' AND done = 0 "
                                         "AND fire_at <= :up_to",
                    soci::use(p.reminders_cycle_id), soci::use(p.reminders_step),
                    soci::use(p.reminders_round), soci::use(p.reminders_up_to));
        });
        p.reminders_cycle_id = cycle_id;
        p.reminders_step = step;
        p.reminders_round = round;
        p.reminders_up_to = seconds_of(up_to);
        update.execute(true);
        return static_cast<int>(update.get_affected_rows());
    });
}

std::vector<DeadlineRecord> SociStore::deadlines(std::string_view cycle_id) {
    return guarded("deadlines", [&] {
        std::string key{cycle_id};
        DeadlineColumns row;
        soci::statement read =
            (session_->prepare << "SELECT id, cycle_id, step, round, kind, level, due_on, "
                                  "fire_at, done FROM deadlines WHERE cycle_id = :cycle_id "
                                  "ORDER BY fire_at, id",
             soci::into(row.id), soci::into(row.cycle_id), soci::into(row.step),
             soci::into(row.round), soci::into(row.kind), soci::into(row.level),
             soci::into(row.due_on), soci::into(row.fire_at), soci::into(row.done), soci::use(key));
        std::vector<DeadlineRecord> result;
        read.execute();
        while (read.fetch()) result.push_back(row.record());
        return result;
    });
}

std::optional<Instant> SociStore::next_fire_time() {
    return guarded("next_fire_time", [&]() -> std::optional<Instant> {
        long long fire_at = 0;
        soci::statement read =
            (session_->prepare << std::string{schema::next_fire_time_query}, soci::into(fire_at));
        if (!execute_single(read)) return std::nullopt;
        return instant_of(fire_at);
    });
}

void SociStore::append_event(EventRecord& event) {
    guarded("append_event", [&] {
        auto& p = prepared();
        auto& e = p.appended;
        const bool sqlite = backend_ == StoreUrl::Backend::sqlite;
        auto& insert = prepared_once(p.append_event, [&] {
            // PostgreSQL returns the new seq; SQLite reads last_insert_rowid() instead.
            auto prepared =
                (session_->prepare << std::string{"INSERT INTO events (cycle_id, event, actor, "
                                                  "payload, state_before, state_after, at, "
                                                  "prev_hash, hash) VALUES (:cycle_id, :event, "
                                                  ":actor, :payload, :state_before, :state_after, "
                                                  ":at, :prev_hash, :hash)"} +
                                          (sqlite ? "" : " RETURNING seq"),
                 soci::use(e.cycle_id), soci::use(e.event), soci::use(e.actor),
                 soci::use(e.payload), soci::use(e.state_before), soci::use(e.state_after),
                 soci::use(e.at), soci::use(e.prev_hash), soci::use(e.hash));
            if (!sqlite) prepared, soci::into(e.seq);
            return prepared;
        });
        e.cycle_id = event.cycle_id;
        e.event = event.event;
        e.actor = event.actor;
        e.payload = event.payload;
        e.state_before = event.state_before;
        e.state_after = event.state_after;
        e.at = seconds_of(event.at);
        e.prev_hash = event.prev_hash;
        e.hash = event.hash;
        if (sqlite) {
            insert.execute(true);
            e.seq = last_insert_rowid();
        } else if (!execute_single(insert)) {
            throw StoreError("append_event: no sequence number returned");
        }
        event.seq = e.seq;
    });
}

std::vector<EventRecord> SociStore::events(std::string_view cycle_id) {
    return guarded("events", [&] {
        std::string key{cycle_id};
        EventColumns row;
        auto prepared = (session_->prepare << std::string{event_select} +
                                                  " WHERE cycle_id = :cycle_id ORDER BY seq",
                         soci::use(key));
        into_event_columns(prepared, row);
        soci::statement read = prepared;
        std::vector<EventRecord> result;
        read.execute();
        while (read.fetch()) result.push_back(row.record());
        return result;
    });
}

std::optional<EventRecord> SociStore::last_event() {
    return guarded("last_event", [&]() -> std::optional<EventRecord> {
        auto& p = prepared();
        auto& read = prepared_once(p.last_event, [&] {
            auto prepared =
                (session_->prepare << std::string{event_select} + " ORDER BY seq DESC LIMIT 1");
            into_event_columns(prepared, p.last);
            return prepared;
        });
        if (!execute_single(read)) return std::nullopt;
        return p.last.record();
    });
}

std::vector<EventRecord> SociStore::events_after(long long after_seq, int limit) {
    return guarded("events_after", [&] {
        std::vector<EventRecord> result;
        if (limit <= 0) return result;
        long long after = after_seq, max_rows = limit;
        EventColumns row;
        auto prepared = (session_->prepare << std::string{event_select} +
                                                  " WHERE seq > :after ORDER BY seq LIMIT :limit",
                         soci::use(after), soci::use(max_rows));
        into_event_columns(prepared, row);
        soci::statement read = prepared;
        read.execute();
        while (read.fetch()) result.push_back(row.record());
        return result;
    });
}

bool SociStore::enqueue(OutboxMessage& message) {
    return guarded("enqueue", [&] {
        auto& p = prepared();
        auto& m = p.queued;
        const bool sqlite = backend_ == StoreUrl::Backend::sqlite;
        // A duplicate message_id inserts nothing (and so returns no row, or changes no row).
        auto& insert = prepared_once(p.enqueue, [&] {
            auto prepared =
                (session_->prepare
                     << std::string{"INSERT INTO outbox (message_id, recipient, subject, body, "
                                    "queued_at, status, attempts, next_attempt_at) VALUES "
                                    "(:message_id, :recipient, :subject, :body, :queued_at, "
                                    ":status, :attempts, :next_attempt_at) "
                                    "ON CONFLICT (message_id) DO NOTHING"} +
                            (sqlite ? "" : " RETURNING id"),
                 soci::use(m.message_id), soci::use(m.recipient), soci::use(m.subject),
                 soci::use(m.body), soci::use(p.queued_at), soci::use(m.status),
                 soci::use(p.queued_attempts), soci::use(p.queued_next_attempt_at));
            if (!sqlite) prepared, soci::into(p.queued_id);
            return prepared;
        });
        m.message_id = message.message_id;
        m.recipient = message.recipient;
        m.subject = message.subject;
        m.body = message.body;
        m.status = message.status;
        p.queued_at = seconds_of(message.queued_at);
        p.queued_attempts = message.attempts;
        p.queued_next_attempt_at = seconds_of(message.next_attempt_at);
        if (sqlite) {
            insert.execute(true);
            if (insert.get_affected_rows() != 1) return false;
            p.queued_id = last_insert_rowid();
        } else if (!execute_single(insert)) {
            return false;
        }
        message.id = p.queued_id;
        return true;
    });
}

std::vector<OutboxMessage> SociStore::pending_mail(Instant now, int limit) {
    return guarded(
        "pending_mail", [&] {
            std::vector<OutboxMessage> result;
            if (limit <= 0) return result;
            long long now_seconds = seconds_of(now), max_rows = limit;
            OutboxMessage row;
            long long queued_at = 0, attempts = 0, next_attempt_at = 0;
            soci::statement read =
                (session_->prepare
                     << "SELECT id, message_id, recipient, subject, body, queued_at, status, "
                        "attempts, next_attempt_at FROM outbox "
                        "WHERE status = 'pending' AND next_attempt_at <= :now "
                        "ORDER BY queued_at, id LIMIT :limit",
                 soci::into(row.id), soci::into(row.message_id), soci::into(row.recipient),
                 soci::into(row.subject), soci::into(row.body), soci::into(queued_at),
                 soci::into(row.status), soci::into(attempts), soci::into(next_attempt_at),
                 soci::use(now_seconds), soci::use(max_rows));
            read.execute();
            while (read.fetch()) {
                row.queued_at = instant_of(queued_at);
                row.attempts = static_cast<int>(attempts);
                row.next_attempt_at = instant_of(next_attempt_at);
                result.push_back(row);
            }
            return result;
        });
}

long long SociStore::outbox_count(std::string_view status) {
    return guarded("outbox_count", [&] {
        std::string key{status};
        long long count = 0;
        *session_ << "SELECT count(*) FROM outbox WHERE status = :status", soci::use(key),
            soci::into(count);
        return count;
    });
}

namespace {

constexpr std::string_view outbox_columns =
    "SELECT id, message_id, recipient, subject, body, queued_at, status, attempts, "
    "next_attempt_at, last_error FROM outbox";

struct OutboxColumns {
    OutboxMessage row;
    long long queued_at = 0, attempts = 0, next_attempt_at = 0;
    OutboxMessage record() {
        OutboxMessage out = row;
        out.queued_at = instant_of(queued_at);
        out.attempts = static_cast<int>(attempts);
        out.next_attempt_at = instant_of(next_attempt_at);
        return out;
    }
};

}  // namespace

std::vector<OutboxMessage> SociStore::claim_mail(Instant now, int limit, std::string_view node,
                                                 Instant lease_until) {
    std::vector<OutboxMessage> result;
    if (limit <= 0) return result;
    within_transaction([&] {
        guarded("claim_mail", [&] {
            long long now_seconds = seconds_of(now), max_rows = limit;
            const bool postgres = backend_ == StoreUrl::Backend::postgresql;
            std::string self{node};
            OutboxColumns c;
            // A node takes back its own unexpired claims: those of an earlier run of it that
            // was killed (a restarted node with the same --node resumes at once).
            soci::statement read =
                (session_->prepare << std::string{outbox_columns} +
                                          " WHERE status = 'pending' AND next_attempt_at <= :now "
                                          "AND (claim_until <= :now2 OR claimed_by = :self) "
                                          "ORDER BY next_attempt_at, id LIMIT :limit" +
                                          (postgres ? " FOR UPDATE SKIP LOCKED" : ""),
                 soci::into(c.row.id), soci::into(c.row.message_id), soci::into(c.row.recipient),
                 soci::into(c.row.subject), soci::into(c.row.body), soci::into(c.queued_at),
                 soci::into(c.row.status), soci::into(c.attempts), soci::into(c.next_attempt_at),
                 soci::into(c.row.last_error), soci::use(now_seconds), soci::use(now_seconds),
                 soci::use(self), soci::use(max_rows));
            read.execute();
            while (read.fetch()) result.push_back(c.record());
            std::string owner{node};
            long long lease = seconds_of(lease_until), id = 0;
            soci::statement claim =
                (session_->prepare << "UPDATE outbox SET claimed_by = :node, claim_until = :lease "
                                      "WHERE id = :id",
                 soci::use(owner), soci::use(lease), soci::use(id));
            for (const auto& message : result) {
                id = message.id;
                claim.execute(true);
            }
        });
    });
    return result;
}

void SociStore::forget_opened_periods() {
    guarded("forget_opened_periods", [&] { *session_ << "DELETE FROM opened_periods"; });
}

void SociStore::release_claims(std::string_view node) {
    guarded("release_claims", [&] {
        std::string owner{node};
        *session_ << "UPDATE outbox SET claimed_by = '', claim_until = 0 "
                     "WHERE claimed_by = :node AND status = 'pending'",
            soci::use(owner);
    });
}

void SociStore::mark_mail_sent(long long id, Instant at) {
    guarded("mark_mail_sent", [&] {
        long long when = seconds_of(at);
        *session_ << "UPDATE outbox SET status = 'sent', sent_at = :at, attempts = attempts + 1, "
                     "claimed_by = '', claim_until = 0 WHERE id = :id",
            soci::use(when), soci::use(id);
    });
}

void SociStore::mark_mail_retry(long long id, Instant retry_at, std::string_view error) {
    guarded("mark_mail_retry", [&] {
        long long when = seconds_of(retry_at);
        std::string text{error};
        *session_ << "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = :at, "
                     "last_error = :error, claimed_by = '', claim_until = 0 WHERE id = :id",
            soci::use(when), soci::use(text), soci::use(id);
    });
}

void SociStore::mark_mail_failed(long long id, std::string_view error) {
    guarded("mark_mail_failed", [&] {
        std::string text{error};
        *session_ << "UPDATE outbox SET status = 'failed', attempts = attempts + 1, "
                     "last_error = :error, claimed_by = '', claim_until = 0 WHERE id = :id",
            soci::use(text), soci::use(id);
    });
}

std::vector<OutboxMessage> SociStore::outbox(std::string_view status, int limit) {
    return guarded("outbox", [&] {
        std::vector<OutboxMessage> result;
        std::string key{status};
        long long max_rows = limit;
        OutboxColumns c;
        soci::statement read =
            (session_->prepare << std::string{outbox_columns} +
                                      " WHERE status = :status ORDER BY queued_at, id LIMIT :limit",
             soci::into(c.row.id), soci::into(c.row.message_id), soci::into(c.row.recipient),
             soci::into(c.row.subject), soci::into(c.row.body), soci::into(c.queued_at),
             soci::into(c.row.status), soci::into(c.attempts), soci::into(c.next_attempt_at),
             soci::into(c.row.last_error), soci::use(key), soci::use(max_rows));
        read.execute();
        while (read.fetch()) result.push_back(c.record());
        return result;
    });
}

bool SociStore::requeue_mail(long long id, Instant at) {
    return guarded("requeue_mail", [&] {
        long long when = seconds_of(at);
        soci::statement update =
            (session_->prepare << "UPDATE outbox SET status = 'pending', next_attempt_at = :at, "
                                  "claimed_by = '', claim_until = 0 "
                                  "WHERE id = :id AND status <> 'sent'",
             soci::use(when), soci::use(id));
        update.execute(true);
        return update.get_affected_rows() > 0;
    });
}

std::optional<Instant> SociStore::next_mail_attempt() {
    return guarded("next_mail_attempt", [&]() -> std::optional<Instant> {
        long long next = 0;
        soci::indicator ind = soci::i_null;
        *session_ << "SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending'",
            soci::into(next, ind);
        if (ind != soci::i_ok) return std::nullopt;
        return instant_of(next);
    });
}

void SociStore::lock_audit_chain() {
    if (backend_ != StoreUrl::Backend::postgresql) return;
    guarded("lock_audit_chain", [&] {
        // Any fixed key: the chain is one per database.
        *session_ << "SELECT pg_advisory_xact_lock(7383247)";
    });
}

std::unique_ptr<Store> open_store(const std::string& url) {
    return std::make_unique<SociStore>(parse_store_url(url));
}

}  // namespace tilsyn
