// The case port: workflow instances (cycles and supervision cases), the periods that opened
// them, their deadlines and the append-only audit trail. The case service and the scheduler
// write them in one transaction per event or fired deadline.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/civil_time.hpp"
#include "engine/store_transaction.hpp"

namespace tilsyn {

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
/// The actor of the events the engine records itself (a cycle opened).
inline constexpr std::string_view kSystemActor = "system";

struct EventRecord {
    long long seq = 0;
    std::string cycle_id;
    std::string event;
    std::string actor;    // the sender's e-mail address, or kSystemActor
    std::string payload;  // JSON
    std::string state_before;
    std::string state_after;
    Instant at{};
    std::string prev_hash;
    std::string hash;
    /// The documents recorded with it (engine/documents.hpp: JSON array of name, type, size,
    /// SHA-256), or "" for none; part of the hash when not empty.
    std::string documents;
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

/// Which part of the audit trail a report reads, in a few set queries: the cycles (not
/// supervision cases) started in [started_from, started_to] of tilbud of these kinds and of
/// these cycle configs, and the supervision cases they opened.
struct StartedScope {
    Date started_from{};
    Date started_to{};
    std::vector<std::string> kinds;          // institution kinds; empty: every kind
    std::vector<std::string> cycle_configs;  // config cycle ids; empty: every one
    std::vector<std::string> events;         // event names read; others are skipped
    std::vector<std::string> steps;          // steps whose "due" deadlines are read
};

/// The workflow instances and everything timed or recorded about them.
class CaseStore : public virtual Transactional {
  public:
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
    /// The scope's instances (its cycles, then the cases they opened; `next_due` left empty),
    /// then their events (without prev_hash and hash; in no particular order), then the "due"
    /// deadlines of its steps of its cycles, each passed to its callback. The cost grows with
    /// the instances in scope, not with the audit trail; memory does not grow with the rows.
    virtual void visit_started(const StartedScope& scope,
                               const std::function<void(const CycleStatusRow&)>& instance,
                               const std::function<void(const EventRecord&)>& event,
                               const std::function<void(const DeadlineRecord&)>& deadline) = 0;
    /// The events of these audit sequence numbers (those that exist), by seq.
    virtual std::vector<EventRecord> events_by_seq(const std::vector<long long>& seqs) = 0;
    /// Serializes audit appends across connections until the transaction ends (PostgreSQL:
    /// an advisory transaction lock; SQLite's write lock already does it).
    virtual void lock_audit_chain() = 0;
};

}  // namespace tilsyn
