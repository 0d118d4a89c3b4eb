// Access follows the organisation: the people of the configuration are synced into the
// directory, those who left it are disabled, and an administrator disables or enables a person
// by hand. Each change of someone's access is an event of the audit trail, committed with it.
#pragma once

#include <string_view>

#include "engine/civil_time.hpp"
#include "engine/config.hpp"
#include "engine/store.hpp"

namespace tilsyn {

/// The audit trail's instance id for a person's access changes: "person/EMAIL".
std::string person_audit_id(std::string_view email);

/// Brings the directory in line with `config` (areas, institutions, people) in one
/// transaction: people gone from it are disabled (tokens, feeds and sessions stop at once),
/// people back in it are enabled again (not those an administrator disabled), and each is
/// recorded in the audit trail as `person_disabled` / `person_enabled` by `actor`.
DirectorySync sync_organisation(Store& store, const Config& config, Instant at,
                                std::string_view actor);

/// Disables (`enable` false, reason "manual") or enables one directory row of a person, with
/// its audit event, in one transaction. False when it already was so.
bool set_person_access(Store& store, const StoredUser& user, bool enable, Instant at,
                       std::string_view actor);

}  // namespace tilsyn
