#include "adapters/http/sessions.hpp"

#include <fmt/format.h>

#include "engine/sha256.hpp"

namespace tilsyn::http {

namespace {

bool plausible(std::string_view value) {
    if (value.size() != 64) return false;
    return value.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::string csrf_of(std::string_view cookie_value) {
    // Knowing the page's CSRF token tells nothing about the cookie (a one-way function of it),
    // and nothing beyond the id's hash needs storing.
    return sha256_hex(fmt::format("csrf\x1f{}", cookie_value));
}

}  // namespace

std::string start_session(SessionStore& store, const StoredUser& user, const SessionPolicy& policy,
                          Instant now) {
    store.remove_expired_sessions(now - policy.absolute, now - policy.idle);
    std::string value = random_hex_256();
    store.add_session(StoredSession{sha256_hex(value), user.id, now, now}, policy.per_person);
    return value;
}

std::optional<Session> find_session(SessionStore& store, std::string_view cookie_value,
                                    const SessionPolicy& policy, Instant now) {
    if (!plausible(cookie_value)) return std::nullopt;
    const std::string hash = sha256_hex(cookie_value);
    auto found = store.find_session(hash);
    if (!found) return std::nullopt;
    const StoredSession& stored = found->session;
    if (now - stored.created_at >= policy.absolute || now - stored.last_seen_at >= policy.idle) {
        store.remove_session(hash);
        return std::nullopt;
    }
    if (now - stored.last_seen_at >= kSessionTouchEvery) store.touch_session(hash, now);
    return Session{hash, csrf_of(cookie_value), std::move(found->user)};
}

std::string session_cookie(std::string_view value, const SessionPolicy& policy, bool secure) {
    return fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}", kSessionCookie,
                       value,
                       std::chrono::duration_cast<std::chrono::seconds>(policy.absolute).count(),
                       secure ? "; Secure" : "");
}

std::string cleared_session_cookie(bool secure) {
    return fmt::format("{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}", kSessionCookie,
                       secure ? "; Secure" : "");
}

}  // namespace tilsyn::http
