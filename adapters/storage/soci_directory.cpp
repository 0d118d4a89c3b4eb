// SociStore's DirectoryStore: areas, institutions, people, tokens and calendar feeds.
#include <fmt/format.h>
#include <soci/soci.h>

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "adapters/storage/soci_store.hpp"
#include "adapters/storage/soci_support.hpp"

namespace tilsyn {

using storage::execute_single;
using storage::guarded;
using storage::instant_of;
using storage::prepared_once;
using storage::seconds_of;

namespace {

constexpr const char* user_select =
    "SELECT id, email, name, role, area_id, institution_id, token_hash, source, disabled FROM "
    "users";

/// Binds every field of `row` as an output, in user_select's order.
void into_user(soci::details::prepare_temp_type& prepared, StoredUser& row) {
    prepared, soci::into(row.id), soci::into(row.email), soci::into(row.name), soci::into(row.role),
        soci::into(row.area_id), soci::into(row.institution_id), soci::into(row.token_hash),
        soci::into(row.source), soci::into(row.disabled);
}

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
            std::unordered_map<std::string, StoredUser> stored_people;  // by user_key
            {
                StoredUser row;
                auto prepared = (sql.prepare << std::string{user_select});
                into_user(prepared, row);
                soci::statement read = prepared;
                read.execute();
                while (read.fetch()) {
                    stored_people[user_key(row.email, row.role, row.area_id, row.institution_id)] =
                        row;
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

            std::unordered_set<std::string> configured_people;
            auto sync_person = [&](const Person& person, std::string_view person_role,
                                   std::string_view person_area,
                                   std::string_view person_institution) {
                if (person.email.empty()) return;
                auto key = user_key(person.email, person_role, person_area, person_institution);
                configured_people.insert(key);
                auto found = stored_people.find(key);
                if (found != stored_people.end() && found->second.name == person.name) return;
                email = person.email;
                name = person.name;
                role = person_role;
                area_id = person_area;
                institution_id = person_institution;
                upsert_person.execute(true);
                ++(found == stored_people.end() ? result.people_added : result.people_updated);
                if (found != stored_people.end()) found->second.name = person.name;
            };
            sync_person(config.organisation.director, role_name(Role::director), "", "");
            for (const auto& area : config.areas) {
                sync_person(area.chief, role_name(Role::area_chief), area.id, "");
            }
            for (const auto& institution : config.institutions) {
                sync_person(institution.leader, role_name(Role::leader), "", institution.id);
                sync_person(institution.board, role_name(Role::board), "", institution.id);
            }
            // People of the configuration who left it lose access; those who came back get it
            // again, unless an administrator disabled them.
            for (auto& [key, user] : stored_people) {
                if (user.source != "config") continue;
                const bool configured = configured_people.contains(key);
                if (!configured && user.active()) {
                    set_user_disabled(user.id, "config");
                    user.disabled = "config";
                    result.people_disabled.push_back(user);
                } else if (configured && user.disabled == "config") {
                    set_user_disabled(user.id, "");
                    user.disabled.clear();
                    result.people_enabled.push_back(user);
                }
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
                                      "AND disabled = '' "
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
        within_transaction([&] {
            std::string hash{token_hash};
            *session_ << "UPDATE users SET token_hash = :token_hash WHERE id = :id",
                soci::use(hash), soci::use(user_id);
            *session_ << "DELETE FROM sessions WHERE user_id = :id", soci::use(user_id);
        });
    });
}

bool SociStore::set_user_disabled(long long user_id, std::string_view reason) {
    return guarded("set_user_disabled", [&] {
        bool changed = false;
        within_transaction([&] {
            std::string value{reason};
            std::string other{reason};
            soci::statement update = (session_->prepare << "UPDATE users SET disabled = :reason "
                                                           "WHERE id = :id AND disabled <> :same",
                                      soci::use(value), soci::use(user_id), soci::use(other));
            update.execute(true);
            changed = update.get_affected_rows() > 0;
            if (changed && !value.empty()) {
                *session_ << "DELETE FROM sessions WHERE user_id = :id", soci::use(user_id);
            }
        });
        return changed;
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
                                  "u.institution_id, u.token_hash, u.source, u.disabled "
                                  "FROM calendar_feeds f JOIN users u ON u.id = f.user_id "
                                  "WHERE f.token_hash = :token_hash AND f.revoked_at = 0 "
                                  "AND u.disabled = ''",
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

std::vector<ThemeRecord> SociStore::themes() {
    return guarded("themes", [&] {
        std::vector<ThemeRecord> result;
        ThemeRecord row;
        long long period = 0, published = 0;
        soci::statement read =
            (session_->prepare << "SELECT id, period, age_band, title, description, published_at "
                                  "FROM themes ORDER BY period, age_band, seq",
             soci::into(row.id), soci::into(period), soci::into(row.age_band),
             soci::into(row.title), soci::into(row.description), soci::into(published));
        read.execute();
        while (read.fetch()) {
            row.period = static_cast<int>(period);
            row.published_at = instant_of(published);
            result.push_back(row);
        }
        return result;
    });
}

bool SociStore::add_theme(const ThemeRecord& theme) {
    return guarded("add_theme", [&] {
        long long taken = 0;
        *session_ << "SELECT COUNT(*) FROM themes WHERE id = :id", soci::use(theme.id),
            soci::into(taken);
        if (taken > 0) return false;
        long long period = theme.period, published = seconds_of(theme.published_at);
        *session_ << "INSERT INTO themes (id, period, age_band, title, description, "
                     "published_at) VALUES (:id, :period, :age_band, :title, :description, "
                     ":published_at)",
            soci::use(theme.id), soci::use(period), soci::use(theme.age_band),
            soci::use(theme.title), soci::use(theme.description), soci::use(published);
        return true;
    });
}

int SociStore::publish_themes(int period, std::string_view age_band, Instant at) {
    return guarded("publish_themes", [&] {
        long long year = period, when = seconds_of(at), count = 0;
        std::string band{age_band};
        *session_ << "SELECT COUNT(*) FROM themes WHERE period = :period AND age_band = :band "
                     "AND published_at = 0",
            soci::use(year), soci::use(band), soci::into(count);
        *session_ << "UPDATE themes SET published_at = :at WHERE period = :period AND "
                     "age_band = :band AND published_at = 0",
            soci::use(when), soci::use(year), soci::use(band);
        return static_cast<int>(count);
    });
}

}  // namespace tilsyn
