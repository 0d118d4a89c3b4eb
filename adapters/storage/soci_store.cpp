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
    std::string id, workflow, cycle_config, institution_id, parent_id, state, timeline, started_on;
    long long updated_at = 0;

    CycleRecord record() const {
        return {id,
                workflow,
                cycle_config,
                institution_id,
                parent_id,
                state,
                timeline,
                date_of(started_on, "cycles.started_on"),
                instant_of(updated_at)};
    }
};

constexpr const char* cycle_select =
    "SELECT id, workflow, cycle_config, institution_id, parent_id, state, timeline, started_on, "
    "updated_at FROM cycles";

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

/// Binds every column of `row` as an output of `statement`.
void into_event_columns(soci::details::prepare_temp_type& prepared, EventColumns& row) {
    prepared, soci::into(row.seq), soci::into(row.cycle_id), soci::into(row.event),
        soci::into(row.actor), soci::into(row.payload), soci::into(row.state_before),
        soci::into(row.state_after), soci::into(row.at), soci::into(row.prev_hash),
        soci::into(row.hash);
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

int SociStore::migrate() {
    return guarded("migrate", [&] {
        int version = 0;
        within_transaction(
            [&] { version = schema::apply_migrations(*session_, dialect_of(backend_)); });
        return version;
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
        soci::statement read =
            (session_->prepare << "SELECT id, email, name, role, area_id, institution_id, "
                                  "token_hash, source FROM users ORDER BY id",
             soci::into(row.id), soci::into(row.email), soci::into(row.name), soci::into(row.role),
             soci::into(row.area_id), soci::into(row.institution_id), soci::into(row.token_hash),
             soci::into(row.source));
        read.execute();
        while (read.fetch()) result.push_back(row);
        return result;
    });
}

void SociStore::insert_cycle(const CycleRecord& cycle) {
    guarded("insert_cycle", [&] {
        std::string started_on = format_date(cycle.started_on);
        long long updated_at = seconds_of(cycle.updated_at);
        *session_ << "INSERT INTO cycles (id, workflow, cycle_config, institution_id, parent_id, "
                     "state, timeline, started_on, updated_at) VALUES (:id, :workflow, "
                     ":cycle_config, :institution_id, :parent_id, :state, :timeline, "
                     ":started_on, :updated_at)",
            soci::use(cycle.id), soci::use(cycle.workflow), soci::use(cycle.cycle_config),
            soci::use(cycle.institution_id), soci::use(cycle.parent_id), soci::use(cycle.state),
            soci::use(cycle.timeline), soci::use(started_on), soci::use(updated_at);
    });
}

std::optional<CycleRecord> SociStore::find_cycle(std::string_view id) {
    return guarded("find_cycle", [&]() -> std::optional<CycleRecord> {
        std::string key{id};
        CycleColumns row;
        // Inside a transaction on PostgreSQL the row is locked until commit, so that a
        // read-decide-write on one instance is serialized as it is under SQLite's single writer
        // (READ COMMITTED would otherwise let two writers decide on the same old state).
        const bool lock = in_transaction_ && backend_ == StoreUrl::Backend::postgresql;
        soci::statement read =
            (session_->prepare << std::string{cycle_select} + " WHERE id = :id" +
                                      (lock ? " FOR UPDATE" : ""),
             soci::into(row.id), soci::into(row.workflow), soci::into(row.cycle_config),
             soci::into(row.institution_id), soci::into(row.parent_id), soci::into(row.state),
             soci::into(row.timeline), soci::into(row.started_on), soci::into(row.updated_at),
             soci::use(key));
        if (!read.execute(true)) return std::nullopt;
        return row.record();
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

void SociStore::add_deadlines(const std::vector<DeadlineRecord>& deadlines) {
    if (deadlines.empty()) return;
    guarded("add_deadlines", [&] {
        within_transaction([&] {
            std::string cycle_id, step, kind, due_on;
            long long round = 0, level = 0, fire_at = 0, done = 0;
            soci::statement insert =
                (session_->prepare
                     << "INSERT INTO deadlines (cycle_id, step, round, kind, level, due_on, "
                        "fire_at, done) VALUES (:cycle_id, :step, :round, :kind, :level, "
                        ":due_on, :fire_at, :done)",
                 soci::use(cycle_id), soci::use(step), soci::use(round), soci::use(kind),
                 soci::use(level), soci::use(due_on), soci::use(fire_at), soci::use(done));
            for (const auto& deadline : deadlines) {
                cycle_id = deadline.cycle_id;
                step = deadline.step;
                round = deadline.round;
                kind = deadline.kind;
                level = deadline.level;
                due_on = format_date(deadline.due_on);
                fire_at = seconds_of(deadline.fire_at);
                done = deadline.done ? 1 : 0;
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
        long long id = 0, round = 0, level = 0, fire_at = 0;
        std::string cycle_id, step, kind, due_on;
        // `done = 0` literally, so both databases use the partial index.
        soci::statement read =
            (session_->prepare << "SELECT id, cycle_id, step, round, kind, level, due_on, fire_at "
                                  "FROM deadlines WHERE done = 0 AND fire_at <= :until "
                                  "ORDER BY fire_at, id LIMIT :limit",
             soci::into(id), soci::into(cycle_id), soci::into(step), soci::into(round),
             soci::into(kind), soci::into(level), soci::into(due_on), soci::into(fire_at),
             soci::use(until_seconds), soci::use(max_rows));
        read.execute();
        while (read.fetch()) {
            result.push_back({id, cycle_id, step, static_cast<int>(round), kind,
                              static_cast<int>(level), date_of(due_on, "deadlines.due_on"),
                              instant_of(fire_at), false});
        }
        return result;
    });
}

void SociStore::close_deadlines(std::string_view cycle_id, std::string_view step) {
    guarded("close_deadlines", [&] {
        std::string cycle{cycle_id}, step_name{step};
        *session_ << "UPDATE deadlines SET done = 1 "
                     "WHERE cycle_id = :cycle_id AND step = :step AND done = 0",
            soci::use(cycle), soci::use(step_name);
    });
}

std::optional<Instant> SociStore::next_fire_time() {
    return guarded("next_fire_time", [&]() -> std::optional<Instant> {
        long long fire_at = 0;
        soci::statement read = (session_->prepare << "SELECT fire_at FROM deadlines "
                                                     "WHERE done = 0 ORDER BY fire_at LIMIT 1",
                                soci::into(fire_at));
        if (!read.execute(true)) return std::nullopt;
        return instant_of(fire_at);
    });
}

void SociStore::append_event(EventRecord& event) {
    guarded("append_event", [&] {
        long long at = seconds_of(event.at), seq = 0;
        // RETURNING works on SQLite 3.35+ and PostgreSQL alike.
        soci::statement insert =
            (session_->prepare << "INSERT INTO events (cycle_id, event, actor, payload, "
                                  "state_before, state_after, at, prev_hash, hash) VALUES "
                                  "(:cycle_id, :event, :actor, :payload, :state_before, "
                                  ":state_after, :at, :prev_hash, :hash) RETURNING seq",
             soci::use(event.cycle_id), soci::use(event.event), soci::use(event.actor),
             soci::use(event.payload), soci::use(event.state_before), soci::use(event.state_after),
             soci::use(at), soci::use(event.prev_hash), soci::use(event.hash), soci::into(seq));
        if (!insert.execute(true)) throw StoreError("append_event: no sequence number returned");
        event.seq = seq;
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
        EventColumns row;
        auto prepared =
            (session_->prepare << std::string{event_select} + " ORDER BY seq DESC LIMIT 1");
        into_event_columns(prepared, row);
        soci::statement read = prepared;
        if (!read.execute(true)) return std::nullopt;
        return row.record();
    });
}

bool SociStore::enqueue(OutboxMessage& message) {
    return guarded("enqueue", [&] {
        long long queued_at = seconds_of(message.queued_at), attempts = message.attempts,
                  next_attempt_at = seconds_of(message.next_attempt_at), id = 0;
        // A duplicate message_id inserts nothing and so returns no row.
        soci::statement insert =
            (session_->prepare
                 << "INSERT INTO outbox (message_id, recipient, subject, body, queued_at, status, "
                    "attempts, next_attempt_at) VALUES (:message_id, :recipient, :subject, :body, "
                    ":queued_at, :status, :attempts, :next_attempt_at) "
                    "ON CONFLICT (message_id) DO NOTHING RETURNING id",
             soci::use(message.message_id), soci::use(message.recipient),
             soci::use(message.subject), soci::use(message.body), soci::use(queued_at),
             soci::use(message.status), soci::use(attempts), soci::use(next_attempt_at),
             soci::into(id));
        if (!insert.execute(true)) return false;
        message.id = id;
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

std::unique_ptr<Store> open_store(const std::string& url) {
    return std::make_unique<SociStore>(parse_store_url(url));
}

}  // namespace tilsyn
