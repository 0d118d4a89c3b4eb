// Dashboard sessions: created at login with an API token, kept in memory (a restart logs
// everyone out), each with its own CSRF token. Time is an argument, so tests move it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <unordered_map>

#include "engine/civil_time.hpp"
#include "engine/store.hpp"

namespace tilsyn::http {

/// A session lasts this long after login.
constexpr std::chrono::hours kSessionLifetime{8};
/// At most this many live sessions; the oldest is dropped beyond it.
constexpr std::size_t kMaxSessions = 10000;

struct Session {
    std::string id;    // the cookie value: 256 random bits, hex
    std::string csrf;  // the forms' hidden token: 256 random bits, hex
    StoredUser user;
    Instant expires_at{};
};

class SessionStore {
  public:
    /// A new session for `user`, valid until now + kSessionLifetime.
    const Session& create(const StoredUser& user, Instant now);
    /// The live session with this id; an expired one is removed and not returned.
    const Session* find(const std::string& id, Instant now);
    void remove(const std::string& id);
    std::size_t size() const { return sessions_.size(); }

  private:
    std::unordered_map<std::string, Session> sessions_;
};

}  // namespace tilsyn::http
