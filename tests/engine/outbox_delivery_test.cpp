#include "engine/outbox_delivery.hpp"

#include <catch2/catch.hpp>

#include "workflow_fixture.hpp"

namespace {

using tilsyn::testing::at;
using tilsyn::testing::WorkflowWorld;

// A stand-in at the Mailer port: records deliveries, fails on demand.
class RecordingMailer : public tilsyn::Mailer {
  public:
    int fail_next = 0;       // this many sends fail (temporarily) before they succeed
    bool permanent = false;  // failures are permanent
    std::vector<std::pair<std::string, std::string>> sent;  // (to, message)
    void send(const std::string&, const std::string& to, const std::string& message,
              const std::string&) override {
        if (fail_next > 0) {
            --fail_next;
            throw tilsyn::MailError("421 try again later", permanent);
        }
        sent.emplace_back(to, message);
    }
    std::string describe() const override { return "recording"; }
};

void queue(WorkflowWorld& w, const char* id, tilsyn::Instant when) {
    tilsyn::OutboxMessage m;
    m.message_id = id;
    m.recipient = "Lene Leder <leder@frydenlund.example.dk>";
    m.subject = "Påmindelse: Kvalitetsrapport";
    m.body = "Kære Lene,\nfrist mandag.\n";
    m.queued_at = when;
    m.next_attempt_at = when;
    REQUIRE(w.store->enqueue(m));
}

}  // namespace

TEST_CASE("the retry delay doubles from the first retry up to the maximum", "[mail]") {
    tilsyn::DeliveryPolicy policy;  // 1 minute up to 1 hour
    using std::chrono::seconds;
    CHECK(tilsyn::retry_delay(1, policy) == seconds{60});
    CHECK(tilsyn::retry_delay(2, policy) == seconds{120});
    CHECK(tilsyn::retry_delay(6, policy) == seconds{1920});
    CHECK(tilsyn::retry_delay(7, policy) == seconds{3600});
    CHECK(tilsyn::retry_delay(50, policy) == seconds{3600});
}

TEST_CASE("queued mail is sent once with its headers and marked sent", "[mail]") {
    WorkflowWorld w;
    RecordingMailer mailer;
    tilsyn::OutboxDelivery delivery(*w.store, *w.store, mailer, "Tilsyn <tilsyn@example.dk>",
                                    w.zone, {}, "test");
    queue(w, "<a@tilsyn>", at("2026-10-01"));
    auto report = delivery.deliver(at("2026-10-01"));
    CHECK(report.sent == 1);
    REQUIRE(mailer.sent.size() == 1);
    CHECK(mailer.sent[0].first == "leder@frydenlund.example.dk");
    const std::string& message = mailer.sent[0].second;
    CHECK(message.find("Message-ID: <a@tilsyn>\r\n") != std::string::npos);
    CHECK(message.find("From: Tilsyn <tilsyn@example.dk>\r\n") != std::string::npos);
    CHECK(message.find("Subject: =?UTF-8?B?") != std::string::npos);
    CHECK(message.find("Date: Thu, 1 Oct 2026 12:00:00 +0200\r\n") != std::string::npos);
    CHECK(w.store->outbox_count("sent") == 1);
    CHECK(delivery.deliver(at("2026-10-01", 13)).sent == 0);
    CHECK(mailer.sent.size() == 1);
}

TEST_CASE("a temporary failure is retried later with backoff, nothing lost", "[mail]") {
    WorkflowWorld w;
    RecordingMailer mailer;
    tilsyn::OutboxDelivery delivery(*w.store, *w.store, mailer, "Tilsyn <tilsyn@example.dk>",
                                    w.zone, {}, "test");
    queue(w, "<b@tilsyn>", at("2026-10-01"));
    mailer.fail_next = 2;
    auto t = at("2026-10-01");
    CHECK(delivery.deliver(t).retried == 1);
    auto pending = w.store->outbox("pending", 10);
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].attempts == 1);
    CHECK(pending[0].next_attempt_at == t + std::chrono::seconds{60});
    CHECK(pending[0].last_error == "421 try again later");
    // Not due again before the backoff.
    CHECK(delivery.deliver(t + std::chrono::seconds{30}).retried == 0);
    CHECK(delivery.deliver(t + std::chrono::seconds{60}).retried == 1);
    CHECK(w.store->outbox("pending", 10)[0].next_attempt_at == t + std::chrono::seconds{60 + 120});
    CHECK(delivery.deliver(t + std::chrono::seconds{180}).sent == 1);
    CHECK(mailer.sent.size() == 1);
    CHECK(w.store->outbox_count("pending") == 0);
}

TEST_CASE("after the give-up time the message is kept as failed and the admins are told",
          "[mail]") {
    WorkflowWorld w;
    tilsyn::StoredUser admin;
    admin.email = "admin@example.dk";
    admin.role = "admin";
    admin.source = "manual";
    REQUIRE(w.store->add_user(admin));
    RecordingMailer mailer;
    tilsyn::DeliveryPolicy policy;
    tilsyn::OutboxDelivery delivery(*w.store, *w.store, mailer, "Tilsyn <tilsyn@example.dk>",
                                    w.zone, policy, "test");
    queue(w, "<c@tilsyn>", at("2026-10-01"));
    mailer.fail_next = 1;
    auto report = delivery.deliver(at("2026-10-01") + policy.give_up_after);
    CHECK(report.failed == 1);
    auto failed = w.store->outbox("failed", 10);
    REQUIRE(failed.size() == 1);
    CHECK(failed[0].message_id == "<c@tilsyn>");
    // The notice to the admin was queued and, the mailer working again, delivered.
    REQUIRE(mailer.sent.size() == 1);
    CHECK(mailer.sent[0].first == "admin@example.dk");
    // An operator puts it back in line.
    CHECK(w.store->requeue_mail(failed[0].id, at("2026-10-05")));
    CHECK(delivery.deliver(at("2026-10-05")).sent == 1);
    CHECK_FALSE(w.store->requeue_mail(failed[0].id, at("2026-10-06")));  // sent now
    CHECK_FALSE(w.store->requeue_mail(987654, at("2026-10-06")));
}

TEST_CASE("a permanent refusal gives up at once", "[mail]") {
    WorkflowWorld w;
    RecordingMailer mailer;
    mailer.fail_next = 1;
    mailer.permanent = true;
    tilsyn::OutboxDelivery delivery(*w.store, *w.store, mailer, "Tilsyn <tilsyn@example.dk>",
                                    w.zone, {}, "test");
    queue(w, "<d@tilsyn>", at("2026-10-01"));
    CHECK(delivery.deliver(at("2026-10-01")).failed == 1);
    CHECK(w.store->outbox_count("failed") == 1);
}

TEST_CASE("a message claimed by another node is skipped until its lease runs out", "[mail]") {
    WorkflowWorld w;
    queue(w, "<e@tilsyn>", at("2026-10-01"));
    auto t = at("2026-10-01");
    auto claimed = w.store->claim_mail(t, 10, "node-a", t + std::chrono::seconds{300});
    REQUIRE(claimed.size() == 1);
    CHECK(w.store->claim_mail(t, 10, "node-b", t + std::chrono::seconds{300}).empty());
    // node-a crashed: after the lease node-b takes it over.
    auto later = t + std::chrono::seconds{301};
    CHECK(w.store->claim_mail(later, 10, "node-b", later + std::chrono::seconds{300}).size() == 1);
}

TEST_CASE("stopping delivery releases the claims not yet attempted", "[mail]") {
    WorkflowWorld w;
    RecordingMailer mailer;
    tilsyn::OutboxDelivery delivery(*w.store, *w.store, mailer, "Tilsyn <tilsyn@example.dk>",
                                    w.zone, {}, "node-a");
    queue(w, "<f@tilsyn>", at("2026-10-01"));
    queue(w, "<g@tilsyn>", at("2026-10-01"));
    int allowed = 1;
    auto report = delivery.deliver(at("2026-10-01"), [&] { return allowed-- > 0; });
    CHECK(report.sent == 1);
    // The second message is free for another node at once, not after the lease.
    auto t = at("2026-10-01");
    CHECK(w.store->claim_mail(t, 10, "node-b", t + std::chrono::seconds{300}).size() == 1);
}
