#include "engine/outbox_delivery.hpp"

#include <fmt/format.h>

#include "engine/mail_message.hpp"

namespace tilsyn {

namespace {
// Notices about undeliverable notices would loop: they are not sent about themselves.
constexpr std::string_view kNoticePrefix = "<undeliverable-";
}  // namespace

std::chrono::seconds retry_delay(int attempts, const DeliveryPolicy& policy) {
    auto delay = policy.first_retry;
    for (int i = 1; i < attempts && delay < policy.max_retry; ++i) delay *= 2;
    return std::min(delay, policy.max_retry);
}

OutboxDelivery::OutboxDelivery(Outbox& outbox, DirectoryStore& directory, Mailer& mailer,
                               std::string from, const TimeZone& zone, DeliveryPolicy policy,
                               std::string node)
    : outbox_(outbox),
      directory_(directory),
      mailer_(mailer),
      from_(std::move(from)),
      zone_(zone),
      policy_(policy),
      node_(std::move(node)) {}

void OutboxDelivery::give_up(const OutboxMessage& message, const std::string& error, Instant now) {
    outbox_.in_transaction([&] {
        outbox_.mark_mail_failed(message.id, error);
        if (message.message_id.rfind(kNoticePrefix, 0) == 0) return;
        for (const auto& user : directory_.users()) {
            if (user.role != "admin") continue;
            OutboxMessage notice;
            notice.message_id = fmt::format("{}{}-{}@tilsyn>", kNoticePrefix, message.id, user.id);
            notice.recipient = user.email;
            notice.subject = fmt::format("Mail kunne ikke leveres: {}", message.subject);
            notice.body = fmt::format(
                "Hej,\n\nTilsyn har opgivet at levere denne mail efter {} forsøg:\n\n"
                "Til: {}\nEmne: {}\nMessage-ID: {}\nSidste fejl: {}\n\n"
                "Se den med 'tilsyn outbox list --status failed' og send den igen med "
                "'tilsyn outbox retry {}'.\n",
                message.attempts + 1, message.recipient, message.subject, message.message_id, error,
                message.id);
            notice.queued_at = now;
            notice.next_attempt_at = now;
            outbox_.enqueue(notice);
        }
    });
}

DeliveryReport OutboxDelivery::deliver(Instant now, const std::function<bool()>& keep_going) {
    DeliveryReport report;
    const std::string from_address = mail_address(from_);
    for (;;) {
        auto batch = outbox_.claim_mail(now, policy_.batch, node_, now + policy_.lease);
        if (batch.empty()) break;
        for (const auto& message : batch) {
            if (keep_going && !keep_going()) {
                outbox_.release_claims(node_);  // others need not wait for the lease
                return report;
            }
            try {
                mailer_.send(from_address, mail_address(message.recipient),
                             format_mail(message, from_, message.queued_at,
                                         zone_.offset_at(message.queued_at)),
                             message.message_id);
                outbox_.mark_mail_sent(message.id, now);
                ++report.sent;
            } catch (const MailError& e) {
                const bool too_old = now - message.queued_at >= policy_.give_up_after;
                if (e.permanent() || too_old) {
                    give_up(message, e.what(), now);
                    ++report.failed;
                } else {
                    outbox_.mark_mail_retry(
                        message.id, now + retry_delay(message.attempts + 1, policy_), e.what());
                    ++report.retried;
                }
            }
        }
    }
    return report;
}

}  // namespace tilsyn
