#include "engine/audit.hpp"

#include <fmt/format.h>

#include <optional>

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
    if (!e.documents.empty()) field(e.documents);  // entries without documents hash as before
    return to_hex(hash.finish());
}

void append_audit(CaseStore& store, EventRecord& event) {
    store.lock_audit_chain();  // two writers must not both link to the same tip
    auto tip = store.last_event();
    event.prev_hash = tip ? tip->hash : std::string();
    event.hash = audit_hash(event);
    store.append_event(event);
}

namespace {

/// The problem with the documents of an event, or "" when they are the ones it recorded.
std::string check_event_documents(DocumentStore& store, const EventRecord& event,
                                  long long& checked) {
    const auto recorded = documents_from_json(event.documents);
    if (!recorded) {
        return fmt::format("event {} ({} on {}): its list of documents is not readable", event.seq,
                           event.event, event.cycle_id);
    }
    const auto stored = store.documents_of_event(event.seq);
    std::size_t own = 0;  // recorded with this event (not pinned from an earlier one)
    for (std::size_t i = 0; i < recorded->size(); ++i) {
        const DocumentInfo& info = (*recorded)[i];
        std::optional<StoredDocument> document;
        if (info.pinned_from > 0) {
            document = pinned_document(store, info, event.seq);
            if (document) {
                DocumentInfo pinned = info;
                pinned.pinned_from = 0;  // compared as the earlier event recorded it
                if (auto problem = check_stored_document(store, *document, pinned)) {
                    return fmt::format(
                        "event {} ({} on {}): the pinned document \"{}\" is not "
                        "the one recorded: {}",
                        event.seq, event.event, event.cycle_id, info.name, *problem);
                }
                continue;  // counted with the event that stored it
            }
        } else {
            for (const auto& d : stored) {
                if (d.position == static_cast<int>(own)) document = d;
            }
            ++own;
        }
        if (!document) {
            return fmt::format("event {} ({} on {}): the document \"{}\" is missing", event.seq,
                               event.event, event.cycle_id, info.name);
        }
        if (auto problem = check_stored_document(store, *document, info)) {
            return fmt::format(
                "event {} ({} on {}): the document \"{}\" is not the one recorded: "
                "{}",
                event.seq, event.event, event.cycle_id, info.name, *problem);
        }
        ++checked;
    }
    if (stored.size() > own) {
        return fmt::format("event {} ({} on {}): {} documents are stored, {} recorded", event.seq,
                           event.event, event.cycle_id, stored.size(), own);
    }
    return {};
}

}  // namespace

AuditCheck verify_audit(CaseStore& store, DocumentStore* documents) {
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
            if (documents && !event.documents.empty()) {
                auto problem = check_event_documents(*documents, event, check.documents);
                if (!problem.empty()) {
                    check.intact = false;
                    check.broken_seq = event.seq;
                    check.problem = std::move(problem);
                    return check;
                }
            }
            previous = event.hash;
        }
    }
    return check;
}

}  // namespace tilsyn
