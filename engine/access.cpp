#include "engine/access.hpp"

#include <fmt/format.h>

#include "engine/audit.hpp"
#include "engine/plan_format.hpp"

namespace tilsyn {

namespace {

void record(Store& store, const StoredUser& user, std::string_view event, std::string_view reason,
            Instant at, std::string_view actor) {
    std::string payload = "{\"email\":";
    append_json_string(payload, user.email);
    payload += ",\"role\":";
    append_json_string(payload, user.role);
    payload += ",\"area\":";
    append_json_string(payload, user.area_id);
    payload += ",\"institution\":";
    append_json_string(payload, user.institution_id);
    payload += ",\"reason\":";
    append_json_string(payload, reason);
    payload += "}";
    EventRecord record;
    record.cycle_id = person_audit_id(user.email);
    record.event = std::string(event);
    record.actor = std::string(actor);
    record.payload = std::move(payload);
    record.state_before = event == "person_disabled" ? "active" : "disabled";
    record.state_after = event == "person_disabled" ? "disabled" : "active";
    record.at = at;
    append_audit(store, record);
}

}  // namespace

std::string person_audit_id(std::string_view email) { return fmt::format("person/{}", email); }

DirectorySync sync_organisation(Store& store, const Config& config, Instant at,
                                std::string_view actor) {
    DirectorySync sync;
    store.in_transaction([&] {
        sync = store.sync_directory(config);
        for (const auto& user : sync.people_disabled) {
            record(store, user, "person_disabled", "config", at, actor);
        }
        for (const auto& user : sync.people_enabled) {
            record(store, user, "person_enabled", "config", at, actor);
        }
    });
    return sync;
}

bool set_person_access(Store& store, const StoredUser& user, bool enable, Instant at,
                       std::string_view actor) {
    bool changed = false;
    store.in_transaction([&] {
        changed = store.set_user_disabled(user.id, enable ? "" : "manual");
        if (changed) {
            record(store, user, enable ? "person_enabled" : "person_disabled", "manual", at, actor);
        }
    });
    return changed;
}

}  // namespace tilsyn
