// The storage adapter's Outbox on SQLite and PostgreSQL: queueing once per message_id, pending
// mail, counts by status. Claims and marks are tested through OutboxDelivery
// (tests/engine/outbox_delivery_test.cpp).
#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "adapters/storage/soci_store.hpp"
#include "storage_fixture.hpp"

namespace {

using namespace tilsyn;
using namespace tilsyn::storage_testing;

}  // namespace

STORE_TEST_CASE("enqueueing the same message_id twice queues it once", enqueue_is_idempotent) {
    Store& store = *db.store;
    prepare(store);

    auto first = message("escalation-qr-1-quality_report-1", 1000);
    REQUIRE(store.enqueue(first));
    CHECK(first.id > 0);
    auto again = message("escalation-qr-1-quality_report-1", 2000);
    again.subject = "something else";
    CHECK_FALSE(store.enqueue(again));
    CHECK(again.id == 0);

    auto later = message("reminder-qr-2", 1500);
    later.next_attempt_at = instant(5000);  // a retry that is not due yet
    REQUIRE(store.enqueue(later));
    auto second = message("reminder-qr-3", 1200);
    REQUIRE(store.enqueue(second));

    auto pending = store.pending_mail(instant(3000), 10);
    REQUIRE(pending.size() == 2);
    CHECK(pending[0].message_id == "escalation-qr-1-quality_report-1");
    CHECK(pending[0].subject == "Påmindelse: kvalitetsrapport");
    CHECK(pending[0].status == "pending");
    CHECK(pending[0].attempts == 0);
    CHECK(pending[0].queued_at == instant(1000));
    CHECK(pending[1].message_id == "reminder-qr-3");
    CHECK(store.pending_mail(instant(3000), 1).size() == 1);
    CHECK(store.pending_mail(instant(9000), 10).size() == 3);
}

STORE_TEST_CASE("the outbox counts its messages by status", outbox_counts_by_status) {
    Store& store = *db.store;
    prepare(store);
    CHECK(store.outbox_count("pending") == 0);
    for (int i = 0; i < 3; ++i) {
        auto queued = message(fmt::format("reminder-{}", i), 1000 + i);
        REQUIRE(store.enqueue(queued));
    }
    auto failed = message("escalation-1", 1000);
    failed.status = "failed";
    failed.attempts = 5;
    REQUIRE(store.enqueue(failed));
    auto duplicate = message("reminder-0", 2000);
    CHECK_FALSE(store.enqueue(duplicate));

    CHECK(store.outbox_count("pending") == 3);
    CHECK(store.outbox_count("failed") == 1);
    CHECK(store.outbox_count("sent") == 0);
}

STORE_TEST_CASE("a message's invitation is stored with it and read back by every query",
                outbox_keeps_the_calendar) {
    Store& store = *db.store;
    prepare(store);
    const std::string calendar =
        "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
        "SUMMARY;LANGUAGE=da:Kvalitetssamtale: Børnehuset Åbrinken\\, Øst\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n";
    // Several in a row through the prepared insert, with and without a calendar.
    for (int i = 0; i < 4; ++i) {
        auto queued = message(fmt::format("invitation-{}", i), 1000 + i);
        if (i % 2 == 0) queued.calendar = calendar + std::to_string(i);
        REQUIRE(store.enqueue(queued));
    }
    auto pending = store.pending_mail(instant(5000), 10);
    REQUIRE(pending.size() == 4);
    for (int i = 0; i < 4; ++i) {
        INFO(i);
        CHECK(pending[i].calendar == (i % 2 == 0 ? calendar + std::to_string(i) : ""));
    }
    const auto listed = store.outbox("pending", 10);
    REQUIRE(listed.size() == 4);
    CHECK(listed[0].calendar == calendar + "0");
    const auto claimed = store.claim_mail(instant(5000), 10, "node-a", instant(6000));
    REQUIRE(claimed.size() == 4);
    CHECK(claimed[2].calendar == calendar + "2");
    CHECK(claimed[3].calendar.empty());
}
