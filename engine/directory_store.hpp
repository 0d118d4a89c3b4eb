// The directory port: areas, institutions and the people who act on them, with their API
// tokens and calendar feeds. Kept in line with the configuration by `sync_directory`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/civil_time.hpp"
#include "engine/config.hpp"
#include "engine/store_transaction.hpp"
#include "engine/theme.hpp"

namespace tilsyn {

/// A person known to the system: from the config (leaders, boards, chiefs, director) or added
/// with `user add`. Only a hash of an API token is ever stored.
struct StoredUser {
    long long id = 0;
    std::string email;
    std::string name;
    std::string role;            // admin, director, area_chief, leader, board
    std::string area_id;         // for area_chief
    std::string institution_id;  // for leader and board
    std::string token_hash;      // empty when the person has no token
    std::string source;          // "config" or "manual"
    /// "" while the person may sign in; "config" when gone from the configuration, "manual"
    /// when an administrator disabled them (`user disable`).
    std::string disabled;
    bool active() const { return disabled.empty(); }
};

/// What `migrate` changed when it brought the directory in line with the configuration.
struct DirectorySync {
    int areas_added = 0;
    int areas_updated = 0;
    int institutions_added = 0;
    int institutions_updated = 0;
    int institutions_deactivated = 0;  // gone from the config: kept, marked inactive
    int people_added = 0;
    int people_updated = 0;
    /// People of the configuration who are gone from it: disabled now. And people disabled so
    /// who are back in it: enabled again.
    std::vector<StoredUser> people_disabled;
    std::vector<StoredUser> people_enabled;
    bool changed() const;
};

struct StoredArea {
    std::string id;
    std::string name;
};

struct StoredInstitution {
    std::string id;
    std::string name;
    std::string kind;
    std::string area_id;
    bool active = true;
};

/// Who is who: read by every request and event (who may act), written by `migrate` and
/// `user add`.
class DirectoryStore : public virtual Transactional {
  public:
    /// Upserts areas, institutions and the people of the configuration (idempotent); marks
    /// institutions no longer configured inactive rather than deleting them.
    virtual DirectorySync sync_directory(const Config& config) = 0;

    virtual std::vector<StoredArea> areas() = 0;
    virtual std::vector<StoredInstitution> institutions() = 0;
    virtual std::vector<StoredUser> users() = 0;

    virtual std::optional<StoredInstitution> find_institution(std::string_view id) = 0;

    /// Adds a user; false when the same (email, role, area, institution) exists.
    virtual bool add_user(StoredUser& user) = 0;
    virtual std::vector<StoredUser> find_users_by_email(std::string_view email) = 0;
    /// The active user holding this token (a disabled one holds none that works).
    virtual std::optional<StoredUser> find_user_by_token_hash(std::string_view token_hash) = 0;
    /// Replaces a user's token hash (a new token; the old one stops working) and ends the
    /// user's dashboard sessions.
    virtual void set_token_hash(long long user_id, std::string_view token_hash) = 0;
    /// Disables a user (`reason` "manual" or "config") or enables one (`reason` ""); a disabled
    /// user's sessions end. False when the user already was so.
    virtual bool set_user_disabled(long long user_id, std::string_view reason) = 0;

    /// Records a calendar feed of a user under the hash of its secret.
    virtual void add_feed(long long user_id, std::string_view token_hash, Instant at) = 0;
    /// The active user of a feed that is not revoked.
    virtual std::optional<StoredUser> find_feed_user(std::string_view token_hash) = 0;
    /// Revokes every live feed of a user; returns how many.
    virtual int revoke_feeds(long long user_id, Instant at) = 0;

    /// The political themes, published or not, by period, age band and the order recorded.
    virtual std::vector<ThemeRecord> themes() = 0;
    /// Records a theme (unpublished); false when its id exists.
    virtual bool add_theme(const ThemeRecord& theme) = 0;
    /// Publishes the unpublished themes of a period and band at `at`; returns how many.
    virtual int publish_themes(int period, std::string_view age_band, Instant at) = 0;
};

}  // namespace tilsyn
