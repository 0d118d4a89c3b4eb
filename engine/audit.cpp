#include "engine/audit.hpp"

#include <fmt/format.h>

#include "engine/sha256.hpp"

namespace tilsyn {

namespace {
constexpr int kVerifyPage = 5000;
}

std::string audit_hash(const EventRecord& e) {
    // Length-prefixed fields: no two different events serialize to the same text.
    Sha256 hash;
    auto field = [&](std::string_view value) {
        hash.update(fmt::format("{}:", value.size()));
        hash.update(value);
    };
    field(e.prev_hash);
    field(e.cycle_id);
    field(e.event);
    field(e.actor);
    field(std::to_string(e.at.time_since_epoch().count()));
    field(e.state_before);
    field(e.state_after);
    field(e.payload);
    return to_hex(hash.finish());
}

void append_audit(CaseStore& store, EventRecord& event) {
    store.lock_audit_chain();  // two writers must not both link to the same tip
    auto tip = store.last_event();
    event.prev_hash = tip ? tip->hash : std::string();
    event.hash = audit_hash(event);
    store.append_event(event);
}

AuditCheck verify_audit(CaseStore& store) {
    AuditCheck check;
    std::string previous;
    long long after = 0;
    for (;;) {
        auto page = store.events_after(after, kVerifyPage);
        if (page.empty()) break;
        for (const auto& event : page) {
            ++check.events;
            after = event.seq;
            if (event.prev_hash != previous) {
                check.intact = false;
                check.broken_seq = event.seq;
                check.problem = fmt::format(
                    "event {} does not link to the event before it "
                    "(an event was removed or changed before it)",
                    event.seq);
                return check;
            }
            if (audit_hash(event) != event.hash) {
                check.intact = false;
                check.broken_seq = event.seq;
                check.problem = fmt::format(
                    "event {} ({} on {}) was changed after it was "
                    "recorded: its hash does not match its content",
                    event.seq, event.event, event.cycle_id);
                return check;
            }
            previous = event.hash;
        }
    }
    return check;
}

}  // namespace tilsyn
