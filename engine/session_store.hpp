// The sessions port: dashboard sessions kept in the database, so that they survive a restart,
// every node of one database sees them, and logging out ends them everywhere. Only a hash of a
// session's id is stored; the id itself lives in the browser's cookie.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/civil_time.hpp"
#include "engine/directory_store.hpp"
#include "engine/store_transaction.hpp"

namespace tilsyn {

struct StoredSession {
    std::string id_hash;  // SHA-256 of the cookie's value, hex
    long long user_id = 0;
    Instant created_at{};
    Instant last_seen_at{};
};

/// A live session and the person it belongs to, as the directory holds them now.
struct SessionOfUser {
    StoredSession session;
    StoredUser user;
};

/// Read by every dashboard request; written at login, logout, and when access ends (a rotated
/// token, a disabled person).
class SessionStore : public virtual Transactional {
  public:
    /// Records a new session, then removes that user's oldest sessions so that at most
    /// `per_user` remain (the new one among them); returns how many were removed.
    virtual int add_session(const StoredSession& session, int per_user) = 0;
    /// The session under this hash, with its user; nullopt when there is none or its user is
    /// disabled.
    virtual std::optional<SessionOfUser> find_session(std::string_view id_hash) = 0;
    /// Sets when the session was last used.
    virtual void touch_session(std::string_view id_hash, Instant at) = 0;
    /// Ends one session (logout); true when it existed.
    virtual bool remove_session(std::string_view id_hash) = 0;
    /// Ends every session of a user (token rotated, person disabled); returns how many.
    virtual int remove_sessions_of(long long user_id) = 0;
    /// Removes sessions created before `created_before` or unused since `seen_before` (both
    /// expired); returns how many.
    virtual int remove_expired_sessions(Instant created_before, Instant seen_before) = 0;
};

}  // namespace tilsyn
