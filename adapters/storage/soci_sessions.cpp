// SociStore's SessionStore: dashboard sessions under the hash of their id.
#include <soci/soci.h>

#include <optional>
#include <string>
#include <string_view>

#include "adapters/storage/soci_store.hpp"
#include "adapters/storage/soci_support.hpp"

namespace tilsyn {

using storage::execute_single;
using storage::guarded;
using storage::instant_of;
using storage::seconds_of;

int SociStore::add_session(const StoredSession& session, int per_user) {
    return guarded("add_session", [&] {
        int removed = 0;
        within_transaction([&] {
            std::string hash = session.id_hash;
            long long user_id = session.user_id;
            long long created = seconds_of(session.created_at);
            long long seen = seconds_of(session.last_seen_at);
            *session_ << "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at) "
                         "VALUES (:id_hash, :user_id, :created_at, :last_seen_at)",
                soci::use(hash), soci::use(user_id), soci::use(created), soci::use(seen);
            long long count = 0;
            *session_ << "SELECT COUNT(*) FROM sessions WHERE user_id = :user_id",
                soci::use(user_id), soci::into(count);
            if (count <= per_user) return;
            // The oldest beyond the cap; the new one is the youngest (ties: by id hash, never
            // the new one, which is kept by `id_hash <> :keep`).
            long long excess = count - std::max(per_user, 1);
            *session_ << "DELETE FROM sessions WHERE id_hash IN (SELECT id_hash FROM sessions "
                         "WHERE user_id = :user_id AND id_hash <> :keep "
                         "ORDER BY created_at, id_hash LIMIT :excess)",
                soci::use(user_id), soci::use(hash), soci::use(excess);
            removed = static_cast<int>(excess);
        });
        return removed;
    });
}

std::optional<SessionOfUser> SociStore::find_session(std::string_view id_hash) {
    return guarded("find_session", [&]() -> std::optional<SessionOfUser> {
        std::string key{id_hash};
        SessionOfUser found;
        long long created = 0, seen = 0;
        soci::statement read =
            (session_->prepare << "SELECT s.id_hash, s.user_id, s.created_at, s.last_seen_at, "
                                  "u.email, u.name, u.role, u.area_id, u.institution_id, "
                                  "u.token_hash, u.source, u.disabled FROM sessions s "
                                  "JOIN users u ON u.id = s.user_id "
                                  "WHERE s.id_hash = :id_hash AND u.disabled = ''",
             soci::into(found.session.id_hash), soci::into(found.session.user_id),
             soci::into(created), soci::into(seen), soci::into(found.user.email),
             soci::into(found.user.name), soci::into(found.user.role),
             soci::into(found.user.area_id), soci::into(found.user.institution_id),
             soci::into(found.user.token_hash), soci::into(found.user.source),
             soci::into(found.user.disabled), soci::use(key));
        if (!execute_single(read)) return std::nullopt;
        found.user.id = found.session.user_id;
        found.session.created_at = instant_of(created);
        found.session.last_seen_at = instant_of(seen);
        return found;
    });
}

void SociStore::touch_session(std::string_view id_hash, Instant at) {
    guarded("touch_session", [&] {
        std::string key{id_hash};
        long long seen = seconds_of(at);
        *session_ << "UPDATE sessions SET last_seen_at = :at WHERE id_hash = :id_hash",
            soci::use(seen), soci::use(key);
    });
}

bool SociStore::remove_session(std::string_view id_hash) {
    return guarded("remove_session", [&] {
        std::string key{id_hash};
        soci::statement remove =
            (session_->prepare << "DELETE FROM sessions WHERE id_hash = :id_hash", soci::use(key));
        remove.execute(true);
        return remove.get_affected_rows() > 0;
    });
}

int SociStore::remove_sessions_of(long long user_id) {
    return guarded("remove_sessions_of", [&] {
        soci::statement remove =
            (session_->prepare << "DELETE FROM sessions WHERE user_id = :user_id",
             soci::use(user_id));
        remove.execute(true);
        return static_cast<int>(remove.get_affected_rows());
    });
}

int SociStore::remove_expired_sessions(Instant created_before, Instant seen_before) {
    return guarded("remove_expired_sessions", [&] {
        long long created = seconds_of(created_before);
        long long seen = seconds_of(seen_before);
        soci::statement remove =
            (session_->prepare << "DELETE FROM sessions WHERE created_at < :created "
                                  "OR last_seen_at < :seen",
             soci::use(created), soci::use(seen));
        remove.execute(true);
        return static_cast<int>(remove.get_affected_rows());
    });
}

}  // namespace tilsyn
