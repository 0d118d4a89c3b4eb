#include "adapters/http/sessions.hpp"

#include <algorithm>

#include "engine/sha256.hpp"

namespace tilsyn::http {

const Session& SessionStore::create(const StoredUser& user, Instant now) {
    if (sessions_.size() >= kMaxSessions) {
        // Drop expired sessions; if all are live, the one that expires first.
        std::erase_if(sessions_, [&](const auto& entry) { return entry.second.expires_at <= now; });
        if (sessions_.size() >= kMaxSessions) {
            auto oldest = std::min_element(sessions_.begin(), sessions_.end(),
                                           [](const auto& a, const auto& b) {
                                               return a.second.expires_at < b.second.expires_at;
                                           });
            sessions_.erase(oldest);
        }
    }
    Session session{random_hex_256(), random_hex_256(), user, now + kSessionLifetime};
    const std::string id = session.id;
    return sessions_.insert_or_assign(id, std::move(session)).first->second;
}

const Session* SessionStore::find(const std::string& id, Instant now) {
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return nullptr;
    if (it->second.expires_at <= now) {
        sessions_.erase(it);
        return nullptr;
    }
    return &it->second;
}

void SessionStore::remove(const std::string& id) { sessions_.erase(id); }

}  // namespace tilsyn::http
