// Dashboard sessions, kept in the database (the SessionStore port): they survive a restart,
// every node on one database sees them, and logging out ends them everywhere. The cookie holds
// 256 random bits; the database only their SHA-256. A session ends after the configuration's
// idle time without a request, or its absolute lifetime after login; its person keeps at most
// `per_person` of them; and it ends when the person is disabled or their token is replaced.
// Time is an argument, so tests move it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "engine/civil_time.hpp"
#include "engine/config.hpp"
#include "engine/session_store.hpp"

namespace tilsyn::http {

/// The cookie that carries a session's id.
constexpr std::string_view kSessionCookie = "tilsyn_session";
/// A session's last use is written at most this often (a request within it writes nothing).
constexpr std::chrono::seconds kSessionTouchEvery{60};

struct Session {
    std::string id_hash;  // SHA-256 of the cookie's value
    std::string csrf;     // the forms' hidden token: derived from the id, never stored
    StoredUser user;      // as the directory holds it now
};

/// Starts a session for `user`; returns the cookie's value (shown to nobody else). Ends that
/// user's oldest sessions beyond policy.per_person and every expired session.
std::string start_session(SessionStore& store, const StoredUser& user, const SessionPolicy& policy,
                          Instant now);

/// The live session of a cookie's value; nullopt when unknown, ended, expired (then removed) or
/// its person is disabled.
std::optional<Session> find_session(SessionStore& store, std::string_view cookie_value,
                                    const SessionPolicy& policy, Instant now);

/// The Set-Cookie value for a session: HttpOnly, SameSite=Strict, Max-Age the absolute
/// lifetime, and Secure when `secure` (the dashboard is served over https).
std::string session_cookie(std::string_view value, const SessionPolicy& policy, bool secure);
/// The Set-Cookie value that removes the session cookie.
std::string cleared_session_cookie(bool secure);

}  // namespace tilsyn::http
