// SociStore's Outbox: queueing, claims by delivering nodes, and the marks of each attempt.
#include <soci/soci.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/storage/soci_store.hpp"
#include "adapters/storage/soci_support.hpp"

namespace tilsyn {

using storage::execute_single;
using storage::guarded;
using storage::instant_of;
using storage::prepared_once;
using storage::seconds_of;

namespace {

constexpr std::string_view outbox_columns =
    "SELECT id, message_id, recipient, subject, body, calendar, queued_at, status, attempts, "
    "next_attempt_at, last_error FROM outbox";

struct OutboxColumns {
    OutboxMessage row;
    long long queued_at = 0, attempts = 0, next_attempt_at = 0;
    OutboxMessage record() {
        OutboxMessage out = row;
        out.queued_at = instant_of(queued_at);
        out.attempts = static_cast<int>(attempts);
        out.next_attempt_at = instant_of(next_attempt_at);
        return out;
    }
};

}  // namespace

bool SociStore::enqueue(OutboxMessage& message) {
    return guarded("enqueue", [&] {
        auto& p = prepared();
        auto& m = p.queued;
        const bool sqlite = backend_ == StoreUrl::Backend::sqlite;
        // A duplicate message_id inserts nothing (and so returns no row, or changes no row).
        auto& insert = prepared_once(p.enqueue, [&] {
            auto prepared =
                (session_->prepare
                     << std::string{"INSERT INTO outbox (message_id, recipient, subject, body, "
                                    "calendar, queued_at, status, attempts, next_attempt_at) "
                                    "VALUES (:message_id, :recipient, :subject, :body, "
                                    ":calendar, :queued_at, :status, :attempts, "
                                    ":next_attempt_at) ON CONFLICT (message_id) DO NOTHING"} +
                            (sqlite ? "" : " RETURNING id"),
                 soci::use(m.message_id), soci::use(m.recipient), soci::use(m.subject),
                 soci::use(m.body), soci::use(m.calendar), soci::use(p.queued_at),
                 soci::use(m.status), soci::use(p.queued_attempts),
                 soci::use(p.queued_next_attempt_at));
            if (!sqlite) prepared, soci::into(p.queued_id);
            return prepared;
        });
        m.message_id = message.message_id;
        m.recipient = message.recipient;
        m.subject = message.subject;
        m.body = message.body;
        m.calendar = message.calendar;
        m.status = message.status;
        p.queued_at = seconds_of(message.queued_at);
        p.queued_attempts = message.attempts;
        p.queued_next_attempt_at = seconds_of(message.next_attempt_at);
        if (sqlite) {
            insert.execute(true);
            if (insert.get_affected_rows() != 1) return false;
            p.queued_id = last_insert_rowid();
        } else if (!execute_single(insert)) {
            return false;
        }
        message.id = p.queued_id;
        return true;
    });
}

std::vector<OutboxMessage> SociStore::pending_mail(Instant now, int limit) {
    return guarded(
        "pending_mail", [&] {
            std::vector<OutboxMessage> result;
            if (limit <= 0) return result;
            long long now_seconds = seconds_of(now), max_rows = limit;
            OutboxMessage row;
            long long queued_at = 0, attempts = 0, next_attempt_at = 0;
            soci::statement read =
                (session_->prepare
                     << "SELECT id, message_id, recipient, subject, body, calendar, queued_at, "
                        "status, attempts, next_attempt_at FROM outbox "
                        "WHERE status = 'pending' AND next_attempt_at <= :now "
                        "ORDER BY queued_at, id LIMIT :limit",
                 soci::into(row.id), soci::into(row.message_id), soci::into(row.recipient),
                 soci::into(row.subject), soci::into(row.body), soci::into(row.calendar),
                 soci::into(queued_at), soci::into(row.status), soci::into(attempts),
                 soci::into(next_attempt_at), soci::use(now_seconds), soci::use(max_rows));
            read.execute();
            while (read.fetch()) {
                row.queued_at = instant_of(queued_at);
                row.attempts = static_cast<int>(attempts);
                row.next_attempt_at = instant_of(next_attempt_at);
                result.push_back(row);
            }
            return result;
        });
}

long long SociStore::outbox_count(std::string_view status) {
    return guarded("outbox_count", [&] {
        std::string key{status};
        long long count = 0;
        *session_ << "SELECT count(*) FROM outbox WHERE status = :status", soci::use(key),
            soci::into(count);
        return count;
    });
}

std::vector<OutboxMessage> SociStore::claim_mail(Instant now, int limit, std::string_view node,
                                                 Instant lease_until) {
    std::vector<OutboxMessage> result;
    if (limit <= 0) return result;
    within_transaction([&] {
        guarded("claim_mail", [&] {
            long long now_seconds = seconds_of(now), max_rows = limit;
            const bool postgres = backend_ == StoreUrl::Backend::postgresql;
            std::string self{node};
            OutboxColumns c;
            // A node takes back its own unexpired claims: those of an earlier run of it that
            // was killed (a restarted node with the same --node resumes at once).
            soci::statement read =
                (session_->prepare << std::string{outbox_columns} +
                                          " WHERE status = 'pending' AND next_attempt_at <= :now "
                                          "AND (claim_until <= :now2 OR claimed_by = :self) "
                                          "ORDER BY next_attempt_at, id LIMIT :limit" +
                                          (postgres ? " FOR UPDATE SKIP LOCKED" : ""),
                 soci::into(c.row.id), soci::into(c.row.message_id), soci::into(c.row.recipient),
                 soci::into(c.row.subject), soci::into(c.row.body), soci::into(c.row.calendar),
                 soci::into(c.queued_at), soci::into(c.row.status), soci::into(c.attempts),
                 soci::into(c.next_attempt_at), soci::into(c.row.last_error),
                 soci::use(now_seconds), soci::use(now_seconds), soci::use(self),
                 soci::use(max_rows));
            read.execute();
            while (read.fetch()) result.push_back(c.record());
            std::string owner{node};
            long long lease = seconds_of(lease_until), id = 0;
            soci::statement claim =
                (session_->prepare << "UPDATE outbox SET claimed_by = :node, claim_until = :lease "
                                      "WHERE id = :id",
                 soci::use(owner), soci::use(lease), soci::use(id));
            for (const auto& message : result) {
                id = message.id;
                claim.execute(true);
            }
        });
    });
    return result;
}

void SociStore::release_claims(std::string_view node) {
    guarded("release_claims", [&] {
        std::string owner{node};
        *session_ << "UPDATE outbox SET claimed_by = '', claim_until = 0 "
                     "WHERE claimed_by = :node AND status = 'pending'",
            soci::use(owner);
    });
}

void SociStore::mark_mail_sent(long long id, Instant at) {
    guarded("mark_mail_sent", [&] {
        long long when = seconds_of(at);
        *session_ << "UPDATE outbox SET status = 'sent', sent_at = :at, attempts = attempts + 1, "
                     "claimed_by = '', claim_until = 0 WHERE id = :id",
            soci::use(when), soci::use(id);
    });
}

void SociStore::mark_mail_retry(long long id, Instant retry_at, std::string_view error) {
    guarded("mark_mail_retry", [&] {
        long long when = seconds_of(retry_at);
        std::string text{error};
        *session_ << "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = :at, "
                     "last_error = :error, claimed_by = '', claim_until = 0 WHERE id = :id",
            soci::use(when), soci::use(text), soci::use(id);
    });
}

void SociStore::mark_mail_failed(long long id, std::string_view error) {
    guarded("mark_mail_failed", [&] {
        std::string text{error};
        *session_ << "UPDATE outbox SET status = 'failed', attempts = attempts + 1, "
                     "last_error = :error, claimed_by = '', claim_until = 0 WHERE id = :id",
            soci::use(text), soci::use(id);
    });
}

std::vector<OutboxMessage> SociStore::outbox(std::string_view status, int limit) {
    return guarded("outbox", [&] {
        std::vector<OutboxMessage> result;
        std::string key{status};
        long long max_rows = limit;
        OutboxColumns c;
        soci::statement read =
            (session_->prepare << std::string{outbox_columns} +
                                      " WHERE status = :status ORDER BY queued_at, id LIMIT :limit",
             soci::into(c.row.id), soci::into(c.row.message_id), soci::into(c.row.recipient),
             soci::into(c.row.subject), soci::into(c.row.body), soci::into(c.row.calendar),
             soci::into(c.queued_at), soci::into(c.row.status), soci::into(c.attempts),
             soci::into(c.next_attempt_at), soci::into(c.row.last_error), soci::use(key),
             soci::use(max_rows));
        read.execute();
        while (read.fetch()) result.push_back(c.record());
        return result;
    });
}

bool SociStore::requeue_mail(long long id, Instant at) {
    return guarded("requeue_mail", [&] {
        long long when = seconds_of(at);
        soci::statement update =
            (session_->prepare << "UPDATE outbox SET status = 'pending', next_attempt_at = :at, "
                                  "claimed_by = '', claim_until = 0 "
                                  "WHERE id = :id AND status <> 'sent'",
             soci::use(when), soci::use(id));
        update.execute(true);
        return update.get_affected_rows() > 0;
    });
}

std::optional<Instant> SociStore::next_mail_attempt() {
    return guarded("next_mail_attempt", [&]() -> std::optional<Instant> {
        long long next = 0;
        soci::indicator ind = soci::i_null;
        *session_ << "SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending'",
            soci::into(next, ind);
        if (ind != soci::i_ok) return std::nullopt;
        return instant_of(next);
    });
}

}  // namespace tilsyn
