// The storage port. The engine decides; a Store commits state, audit and outbox together.
// Implemented by adapters/storage (SOCI over SQLite and PostgreSQL).
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/civil_time.hpp"
#include "engine/config.hpp"

namespace tilsyn {

/// What `migrate` changed when it brought the directory in line with the configuration.
struct DirectorySync {
    int areas_added = 0;
    int areas_updated = 0;
    int institutions_added = 0;
    int institutions_updated = 0;
    int institutions_deactivated = 0;  // gone from the config: kept, marked inactive
    int people_added = 0;
    int people_updated = 0;
    bool changed() const;
};

struct StoredArea {
    std::string id;
    std::string name;
};

struct StoredInstitution {
    std::string id;
    std::string name;
    std::string kind;
    std::string area_id;
    bool active = true;
};

/// A person known to the system: from the config (leaders, boards, chiefs, director) or added
/// with `user add`. Only a hash of an API token is ever stored.
struct StoredUser {
    long long id = 0;
    std::string email;
    std::string name;
    std::string role;            // admin, director, area_chief, leader, board
    std::string area_id;         // for area_chief
    std::string institution_id;  // for leader and board
    std::string token_hash;      // empty when the person has no token
    std::string source;          // "config" or "manual"
};

/// A workflow instance: a cycle, or a supervision case (same id space).
struct CycleRecord {
    std::string id;
    std::string workflow;      // quality_report, learning_dialogue, supervision
    std::string cycle_config;  // the config cycle id it came from
    std::string institution_id;
    std::string parent_id;       // for a supervision case: the cycle that gave the point
    std::string state;           // the state machine's state by name
    std::string timeline;        // snapshot (JSON) of the timeline it started with
    std::string anchors = "{}";  // JSON object: anchor ("start", "given", a step) -> date
    Date started_on{};
    Instant updated_at{};
};

/// A timed item of a workflow instance. `fire_at` is the next moment it is due; the store
/// indexes it so a tick's cost grows with the number of due items only.
struct DeadlineRecord {
    long long id = 0;
    std::string cycle_id;
    std::string step;
    int round = 0;
    std::string kind;  // "due" (marks the deadline; never fires), "reminder", "escalation"
    int level = 0;
    Date due_on{};
    Instant fire_at{};
    bool done = false;
};

/// One entry of the append-only audit trail.
struct EventRecord {
    long long seq = 0;
    std::string cycle_id;
    std::string event;
    std::string actor;
    std::string payload;  // JSON
    std::string state_before;
    std::string state_after;
    Instant at{};
    std::string prev_hash;
    std::string hash;
};

struct OutboxMessage {
    long long id = 0;
    std::string message_id;  // stable per reminder/escalation; enqueueing it twice is a no-op
    std::string recipient;
    std::string subject;
    std::string body;
    Instant queued_at{};
    std::string status = "pending";  // pending, sent, failed
    int attempts = 0;
    Instant next_attempt_at{};
    std::string last_error;  // of the last failed attempt
};

/// One row of what an area chief tracks: a workflow instance with its institution and its
/// earliest open deadline.
struct CycleStatusRow {
    CycleRecord cycle;
    std::string institution_name;
    std::string area_id;
    std::optional<Date> next_due;  // earliest due_on of an open "due" deadline
    std::string next_due_step;
};

/// Raised by a Store for database failures; `what()` says which operation failed and why.
class StoreError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class Store {
  public:
    virtual ~Store() = default;

    /// Creates or upgrades the schema; returns the schema version now in force. Idempotent.
    virtual int migrate() = 0;
    /// 0 for an empty database.
    virtual int schema_version() = 0;

    /// Upserts areas, institutions and the people of the configuration (idempotent); marks
    /// institutions no longer configured inactive rather than deleting them.
    virtual DirectorySync sync_directory(const Config& config) = 0;

    virtual std::vector<StoredArea> areas() = 0;
    virtual std::vector<StoredInstitution> institutions() = 0;
    virtual std::vector<StoredUser> users() = 0;

    /// Runs `work` in one transaction: everything it wrote commits, or nothing does when it
    /// throws (the exception is rethrown). Not reentrant.
    virtual void in_transaction(const std::function<void()>& work) = 0;

    /// Inserts a workflow instance; false (and nothing written) when its id exists.
    virtual bool insert_cycle(const CycleRecord& cycle) = 0;
    virtual std::optional<CycleRecord> find_cycle(std::string_view id) = 0;
    virtual void update_cycle_state(std::string_view id, std::string_view state, Instant at) = 0;
    /// Writes state, anchors and updated_at of an existing instance.
    virtual void update_cycle(const CycleRecord& cycle) = 0;
    /// Instances (cycles and cases), optionally of one area and/or one institution, with their
    /// earliest open "due" deadline; ordered by id. The rows' `cycle.timeline` is left empty.
    virtual std::vector<CycleStatusRow> cycle_status(std::string_view area_id,
                                                     std::string_view institution_id) = 0;
    /// Supervision cases opened from a cycle.
    virtual std::vector<CycleRecord> child_cases(std::string_view parent_id) = 0;

    /// Records that a cycle config's period has been opened; false when it already was.
    virtual bool mark_period_opened(std::string_view cycle_config, Date start, Instant at) = 0;
    virtual bool period_opened(std::string_view cycle_config, Date start) = 0;
    /// Forgets which periods were opened, so the next tick opens the running periods again for
    /// institutions that have none (after the directory gained institutions; opening is
    /// idempotent per institution).
    virtual void forget_opened_periods() = 0;

    virtual std::optional<StoredInstitution> find_institution(std::string_view id) = 0;

    /// Adds a user; false when the same (email, role, area, institution) exists.
    virtual bool add_user(StoredUser& user) = 0;
    virtual std::vector<StoredUser> find_users_by_email(std::string_view email) = 0;
    virtual std::optional<StoredUser> find_user_by_token_hash(std::string_view token_hash) = 0;
    /// Replaces a user's token hash (a new token; the old one stops working).
    virtual void set_token_hash(long long user_id, std::string_view token_hash) = 0;

    /// Records a calendar feed of a user under the hash of its secret.
    virtual void add_feed(long long user_id, std::string_view token_hash, Instant at) = 0;
    /// The user of a feed that is not revoked.
    virtual std::optional<StoredUser> find_feed_user(std::string_view token_hash) = 0;
    /// Revokes every live feed of a user; returns how many.
    virtual int revoke_feeds(long long user_id, Instant at) = 0;

    virtual void add_deadlines(const std::vector<DeadlineRecord>& deadlines) = 0;
    /// Open reminders and escalations (never "due" rows) with fire_at <= until, LATEST first,
    /// at most `limit`. An index range scan: its cost grows with the due items only.
    virtual std::vector<DeadlineRecord> due_deadlines(Instant until, int limit) = 0;
    /// Marks every open deadline of a step of a workflow instance done.
    virtual void close_deadlines(std::string_view cycle_id, std::string_view step) = 0;
    /// Marks every open deadline of a workflow instance done.
    virtual void close_all_deadlines(std::string_view cycle_id) = 0;
    virtual void mark_deadline_done(long long id) = 0;
    /// Marks done every open reminder of (cycle, step, round) with fire_at <= up_to: a fired
    /// reminder supersedes earlier ones missed during downtime. Returns how many it closed.
    virtual int close_reminders_up_to(std::string_view cycle_id, std::string_view step, int round,
                                      Instant up_to) = 0;
    /// Every deadline of an instance (open and done), by fire_at then id.
    virtual std::vector<DeadlineRecord> deadlines(std::string_view cycle_id) = 0;
    /// The earliest fire_at of an open reminder or escalation.
    virtual std::optional<Instant> next_fire_time() = 0;

    /// Appends to the audit trail and assigns `seq`.
    virtual void append_event(EventRecord& event) = 0;
    virtual std::vector<EventRecord> events(std::string_view cycle_id) = 0;
    virtual std::optional<EventRecord> last_event() = 0;
    /// The audit trail in order: events with seq > after_seq, at most `limit`.
    virtual std::vector<EventRecord> events_after(long long after_seq, int limit) = 0;

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
    /// Serializes audit appends across connections until the transaction ends (PostgreSQL:
    /// an advisory transaction lock; SQLite's write lock already does it).
    virtual void lock_audit_chain() = 0;

    /// After a failure: when the connection to the database server is lost (a PostgreSQL
    /// restart), connects again and returns true; the operation that failed is not retried.
    /// Never inside a transaction. SQLite has no connection to lose: false.
    virtual bool reconnect_if_lost() { return false; }

    /// How many outbox messages have a status (pending, sent, failed).
    virtual long long outbox_count(std::string_view status) = 0;
};

}  // namespace tilsyn
