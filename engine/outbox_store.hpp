// The outbox port: mail queued in the transaction of the change it tells about, and claimed,
// marked and retried later by OutboxDelivery on any node.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/civil_time.hpp"
#include "engine/store_transaction.hpp"

namespace tilsyn {

struct OutboxMessage {
    long long id = 0;
    std::string message_id;  // stable per reminder/escalation; enqueueing it twice is a no-op
    std::string recipient;
    std::string subject;
    std::string body;
    std::string calendar;  // an iCalendar object the mail carries (an invitation), or empty
    Instant queued_at{};
    std::string status = "pending";  // pending, sent, failed
    int attempts = 0;
    Instant next_attempt_at{};
    std::string last_error;  // of the last failed attempt
};

/// The mail queue. Enqueueing is part of the transaction that decides to tell someone;
/// delivery claims and marks messages outside it.
class Outbox : public virtual Transactional {
  public:
    /// Queues a message; returns false (and changes nothing) when its message_id is queued.
    virtual bool enqueue(OutboxMessage& message) = 0;
    /// Pending messages with next_attempt_at <= now, oldest first.
    virtual std::vector<OutboxMessage> pending_mail(Instant now, int limit) = 0;
    /// Claims up to `limit` pending messages due by `now` for `node` until `lease_until`.
    /// Messages another node holds an unexpired claim on are skipped (on PostgreSQL the
    /// claim is taken with FOR UPDATE SKIP LOCKED, so concurrent nodes never claim the same
    /// row); a crashed node's claims are taken over once their lease has run out, or at once by
    /// the node itself when it restarts under the same name. Commits.
    virtual std::vector<OutboxMessage> claim_mail(Instant now, int limit, std::string_view node,
                                                  Instant lease_until) = 0;
    /// Releases the claims `node` holds on messages it did not get to (shutting down).
    virtual void release_claims(std::string_view node) = 0;
    /// Delivered: status sent, claim released.
    virtual void mark_mail_sent(long long id, Instant at) = 0;
    /// A failed attempt: attempts + 1, next try at `retry_at`, claim released.
    virtual void mark_mail_retry(long long id, Instant retry_at, std::string_view error) = 0;
    /// Given up: status failed, kept with its last error (never dropped).
    virtual void mark_mail_failed(long long id, std::string_view error) = 0;
    /// Messages with a status, oldest first.
    virtual std::vector<OutboxMessage> outbox(std::string_view status, int limit) = 0;
    /// Puts a pending or failed message back in line, due at `at`; false for an unknown id or
    /// a message already sent.
    virtual bool requeue_mail(long long id, Instant at) = 0;
    /// The earliest next attempt of a pending message.
    virtual std::optional<Instant> next_mail_attempt() = 0;
    /// How many outbox messages have a status (pending, sent, failed).
    virtual long long outbox_count(std::string_view status) = 0;
};

}  // namespace tilsyn
