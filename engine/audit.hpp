// The append-only, tamper-evident audit trail: each event stores a SHA-256 over its content
// and the previous event's hash, so changing or removing any event breaks the chain after it.
#pragma once

#include <string>

#include "engine/case_store.hpp"
#include "engine/documents.hpp"

namespace tilsyn {

/// The hash of an event's content chained to `event.prev_hash`.
std::string audit_hash(const EventRecord& event);

/// Sets prev_hash from the chain's tip, computes the hash and appends the event (call inside
/// the transaction that makes the change it records).
void append_audit(CaseStore& store, EventRecord& event);

struct AuditCheck {
    long long events = 0;
    long long documents = 0;  // stored documents read back and checked
    bool intact = true;
    long long broken_seq = 0;  // the first event whose link is broken
    std::string problem;
};

/// Walks the whole trail in pages and names the first broken link. With `documents`, also
/// reads every stored document back and checks it against what its event recorded (size and
/// SHA-256), naming the first document that differs or is missing.
AuditCheck verify_audit(CaseStore& store, DocumentStore* documents = nullptr);

}  // namespace tilsyn
