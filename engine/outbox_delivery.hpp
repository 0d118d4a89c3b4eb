// Delivers the mail outbox: claim due messages, send each through the Mailer port, then mark it
// sent. A failed attempt is retried with exponential backoff; after the give-up time (or on a
// permanent refusal) the message is kept as failed and the administrators are told. Nothing is
// ever dropped silently, and a retry carries the same Message-ID.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "engine/directory_store.hpp"
#include "engine/mailer.hpp"
#include "engine/outbox_store.hpp"
#include "engine/time_zone.hpp"

namespace tilsyn {

struct DeliveryPolicy {
    std::chrono::seconds first_retry{60};           // after the first failure
    std::chrono::seconds max_retry{3600};           // backoff doubles up to this
    std::chrono::seconds give_up_after{3 * 86400};  // counted from when the message was queued
    std::chrono::seconds lease{300};                // a claim's life: a crashed node's expires
    int batch = 50;
};

struct DeliveryReport {
    int sent = 0;
    int retried = 0;
    int failed = 0;
};

/// The wait before attempt `attempts + 1` after `attempts` failures: first_retry doubled per
/// failure, at most max_retry.
std::chrono::seconds retry_delay(int attempts, const DeliveryPolicy& policy);

class OutboxDelivery {
  public:
    /// `from` is the configured sender ("Tilsyn <tilsyn@example.dk>"); `node` names this
    /// process in claims. `directory` names the administrators told about a message given up;
    /// it is read inside `outbox`'s transaction, so both are ports of the same store.
    OutboxDelivery(Outbox& outbox, DirectoryStore& directory, Mailer& mailer, std::string from,
                   const TimeZone& zone, DeliveryPolicy policy, std::string node);

    /// Delivers what is due by `now`, batch by batch, until nothing is due or `keep_going`
    /// says stop (checked between messages).
    DeliveryReport deliver(Instant now, const std::function<bool()>& keep_going = {});

  private:
    void give_up(const OutboxMessage& message, const std::string& error, Instant now);

    Outbox& outbox_;
    DirectoryStore& directory_;
    Mailer& mailer_;
    std::string from_;
    const TimeZone& zone_;
    DeliveryPolicy policy_;
    std::string node_;
};

}  // namespace tilsyn
