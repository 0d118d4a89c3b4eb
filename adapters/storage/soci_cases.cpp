// SociStore's CaseStore: workflow instances, opened periods, deadlines and the audit trail.
#include <fmt/format.h>
#include <soci/soci.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/storage/schema.hpp"
#include "adapters/storage/soci_store.hpp"
#include "adapters/storage/soci_support.hpp"

namespace tilsyn {

using storage::cycle_select;
using storage::CycleColumns;
using storage::date_of;
using storage::DeadlineColumns;
using storage::event_select;
using storage::EventColumns;
using storage::execute_single;
using storage::guarded;
using storage::instant_of;
using storage::into_cycle_columns;
using storage::into_event_columns;
using storage::prepared_once;
using storage::seconds_of;

// ---------------------------------------------------------------------------------------------
// Workflow instances and opened periods

bool SociStore::insert_cycle(const CycleRecord& cycle) {
    return guarded("insert_cycle", [&] {
        std::string started_on = format_date(cycle.started_on);
        long long updated_at = seconds_of(cycle.updated_at);
        // Only a duplicate id is tolerated; any other failure (an unknown institution) throws.
        soci::statement insert =
            (session_->prepare
                 << "INSERT INTO cycles (id, workflow, cycle_config, institution_id, parent_id, "
                    "state, timeline, anchors, started_on, updated_at) VALUES (:id, :workflow, "
                    ":cycle_config, :institution_id, :parent_id, :state, :timeline, :anchors, "
                    ":started_on, :updated_at) ON CONFLICT (id) DO NOTHING",
             soci::use(cycle.id), soci::use(cycle.workflow), soci::use(cycle.cycle_config),
             soci::use(cycle.institution_id), soci::use(cycle.parent_id), soci::use(cycle.state),
             soci::use(cycle.timeline), soci::use(cycle.anchors), soci::use(started_on),
             soci::use(updated_at));
        insert.execute(true);
        return insert.get_affected_rows() == 1;
    });
}

std::optional<CycleRecord> SociStore::find_cycle(std::string_view id) {
    return guarded("find_cycle", [&]() -> std::optional<CycleRecord> {
        auto& p = prepared();
        // Inside a transaction on PostgreSQL the row is locked until commit, so that a
        // read-decide-write on one instance is serialized as it is under SQLite's single writer
        // (READ COMMITTED would otherwise let two writers decide on the same old state).
        const bool lock = in_transaction_ && backend_ == StoreUrl::Backend::postgresql;
        auto& read = prepared_once(lock ? p.find_cycle_for_update : p.find_cycle, [&] {
            auto prepared = (session_->prepare << std::string{cycle_select} + " WHERE id = :id" +
                                                      (lock ? " FOR UPDATE" : ""),
                             soci::use(p.find_cycle_id));
            into_cycle_columns(prepared, p.found_cycle);
            return prepared;
        });
        p.find_cycle_id = id;
        if (!execute_single(read)) return std::nullopt;
        return p.found_cycle.record();
    });
}

void SociStore::update_cycle_state(std::string_view id, std::string_view state, Instant at) {
    guarded("update_cycle_state", [&] {
        std::string key{id}, new_state{state};
        long long updated_at = seconds_of(at);
        soci::statement update =
            (session_->prepare
                 << "UPDATE cycles SET state = :state, updated_at = :updated_at WHERE id = :id",
             soci::use(new_state), soci::use(updated_at), soci::use(key));
        update.execute(true);
        if (update.get_affected_rows() == 0) {
            throw StoreError(fmt::format("update_cycle_state: no workflow instance \"{}\"", id));
        }
    });
}

void SociStore::update_cycle(const CycleRecord& cycle) {
    guarded("update_cycle", [&] {
        auto& p = prepared();
        auto& update = prepared_once(p.update_cycle, [&] {
            return (session_->prepare << "UPDATE cycles SET state = :state, anchors = :anchors, "
                                         "updated_at = :updated_at WHERE id = :id",
                    soci::use(p.update_state), soci::use(p.update_anchors), soci::use(p.update_at),
                    soci::use(p.update_id));
        });
        p.update_state = cycle.state;
        p.update_anchors = cycle.anchors;
        p.update_at = seconds_of(cycle.updated_at);
        p.update_id = cycle.id;
        update.execute(true);
        if (update.get_affected_rows() == 0) {
            throw StoreError(fmt::format("update_cycle: no workflow instance \"{}\"", cycle.id));
        }
    });
}

std::vector<CycleStatusRow> SociStore::cycle_status(std::string_view area_id,
                                                    std::string_view institution_id) {
    return guarded("cycle_status", [&] {
        // One query for all rows. The earliest open "due" deadline of each instance comes from
        // correlated subqueries over deadlines_by_cycle_step (due_on is YYYY-MM-DD text, so its
        // order is the calendar's); a filter that is empty is left out of the text altogether.
        constexpr const char* earliest_due =
            "FROM deadlines d WHERE d.cycle_id = c.id AND d.done = 0 AND d.kind = 'due' "
            "ORDER BY d.due_on, d.id LIMIT 1";
        // The timeline snapshot is left out (a listing does not need it; it is the largest
        // column), and due date and step come from one subquery as "YYYY-MM-DD step".
        std::string query = fmt::format(
            "SELECT c.id, c.workflow, c.cycle_config, c.institution_id, c.parent_id, c.state, "
            "'', c.anchors, c.started_on, c.updated_at, i.name, i.area_id, "
            "COALESCE((SELECT d.due_on || ' ' || d.step {0}), '') "
            "FROM cycles c JOIN institutions i ON i.id = c.institution_id",
            earliest_due);
        std::string area{area_id}, institution{institution_id};
        std::vector<std::string> conditions;
        if (!area.empty()) conditions.emplace_back("i.area_id = :area_id");
        if (!institution.empty()) conditions.emplace_back("c.institution_id = :institution_id");
        for (std::size_t i = 0; i < conditions.size(); ++i) {
            query += (i == 0 ? " WHERE " : " AND ") + conditions[i];
        }
        // In the table's own order (no index walk, a lookup per row), sorted by id below.

        CycleColumns row;
        std::string institution_name, row_area, next_due;
        auto prepared = (session_->prepare << query);
        into_cycle_columns(prepared, row);
        prepared, soci::into(institution_name), soci::into(row_area), soci::into(next_due);
        if (!area.empty()) prepared, soci::use(area);
        if (!institution.empty()) prepared, soci::use(institution);
        soci::statement read = prepared;
        std::vector<CycleStatusRow> result;
        read.execute();
        while (read.fetch()) {
            CycleStatusRow status{row.record(), institution_name, row_area, std::nullopt, {}};
            if (next_due.size() > 11) {
                status.next_due = date_of(next_due.substr(0, 10), "deadlines.due_on");
                status.next_due_step = next_due.substr(11);
            }
            result.push_back(std::move(status));
        }
        std::vector<std::size_t> order(result.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return result[a].cycle.id < result[b].cycle.id;
        });
        std::vector<CycleStatusRow> sorted;
        sorted.reserve(result.size());
        for (std::size_t i : order) sorted.push_back(std::move(result[i]));
        return sorted;
    });
}

std::vector<CycleRecord> SociStore::child_cases(std::string_view parent_id) {
    return guarded("child_cases", [&] {
        std::vector<CycleRecord> result;
        std::string key{parent_id};
        if (key.empty()) return result;  // '' is every top-level cycle's parent_id
        CycleColumns row;
        auto prepared = (session_->prepare << std::string{cycle_select} +
                                                  " WHERE parent_id = :parent_id ORDER BY id",
                         soci::use(key));
        into_cycle_columns(prepared, row);
        soci::statement read = prepared;
        read.execute();
        while (read.fetch()) result.push_back(row.record());
        return result;
    });
}

bool SociStore::mark_period_opened(std::string_view cycle_config, Date start, Instant at) {
    return guarded("mark_period_opened", [&] {
        std::string config{cycle_config}, start_on = format_date(start);
        long long opened_at = seconds_of(at);
        soci::statement insert =
            (session_->prepare << "INSERT INTO opened_periods (cycle_config, start_on, opened_at) "
                                  "VALUES (:cycle_config, :start_on, :opened_at) "
                                  "ON CONFLICT (cycle_config, start_on) DO NOTHING",
             soci::use(config), soci::use(start_on), soci::use(opened_at));
        insert.execute(true);
        return insert.get_affected_rows() == 1;
    });
}

bool SociStore::period_opened(std::string_view cycle_config, Date start) {
    return guarded("period_opened", [&] {
        std::string config{cycle_config}, start_on = format_date(start);
        long long count = 0;
        *session_ << "SELECT count(*) FROM opened_periods "
                     "WHERE cycle_config = :cycle_config AND start_on = :start_on",
            soci::use(config), soci::use(start_on), soci::into(count);
        return count > 0;
    });
}

void SociStore::forget_opened_periods() {
    guarded("forget_opened_periods", [&] { *session_ << "DELETE FROM opened_periods"; });
}

// ---------------------------------------------------------------------------------------------
// Deadlines

void SociStore::add_deadlines(const std::vector<DeadlineRecord>& deadlines) {
    if (deadlines.empty()) return;
    guarded("add_deadlines", [&] {
        within_transaction([&] {
            auto& p = prepared();
            auto& d = p.new_deadline;
            // One row per execution, never a vector bind (SOCI issue 910 on PostgreSQL).
            auto& insert = prepared_once(p.insert_deadline, [&] {
                return (session_->prepare
                            << "INSERT INTO deadlines (cycle_id, step, round, kind, level, "
                               "due_on, fire_at, done) VALUES (:cycle_id, :step, :round, :kind, "
                               ":level, :due_on, :fire_at, :done)",
                        soci::use(d.cycle_id), soci::use(d.step), soci::use(d.round),
                        soci::use(d.kind), soci::use(d.level), soci::use(d.due_on),
                        soci::use(d.fire_at), soci::use(d.done));
            });
            for (const auto& deadline : deadlines) {
                d.cycle_id = deadline.cycle_id;
                d.step = deadline.step;
                d.round = deadline.round;
                d.kind = deadline.kind;
                d.level = deadline.level;
                d.due_on = format_date(deadline.due_on);
                d.fire_at = seconds_of(deadline.fire_at);
                d.done = deadline.done ? 1 : 0;
                insert.execute(true);
            }
        });
    });
}

std::vector<DeadlineRecord> SociStore::due_deadlines(Instant until, int limit) {
    return guarded("due_deadlines", [&] {
        std::vector<DeadlineRecord> result;
        if (limit <= 0) return result;
        long long until_seconds = seconds_of(until), max_rows = limit;
        DeadlineColumns row;
        // Inside a transaction on PostgreSQL the rows stay locked until commit and rows another
        // node has locked are skipped: two schedulers never fire the same deadline.
        const bool lock = backend_ == StoreUrl::Backend::postgresql && in_transaction_;
        soci::statement read = (session_->prepare << std::string{schema::firing_deadlines_query} +
                                                         (lock ? " FOR UPDATE SKIP LOCKED" : ""),
                                soci::into(row.id), soci::into(row.cycle_id), soci::into(row.step),
                                soci::into(row.round), soci::into(row.kind), soci::into(row.level),
                                soci::into(row.due_on), soci::into(row.fire_at),
                                soci::use(until_seconds), soci::use(max_rows));
        read.execute();
        while (read.fetch()) result.push_back(row.record());
        return result;
    });
}

void SociStore::close_deadlines(std::string_view cycle_id, std::string_view step) {
    guarded("close_deadlines", [&] {
        auto& p = prepared();
        auto& update = prepared_once(p.close_deadlines, [&] {
            return (session_->prepare << "UPDATE deadlines SET done = 1 "
                                         "WHERE cycle_id = :cycle_id AND step = :step AND done = 0",
                    soci::use(p.close_cycle_id), soci::use(p.close_step));
        });
        p.close_cycle_id = cycle_id;
        p.close_step = step;
        update.execute(true);
    });
}

void SociStore::close_all_deadlines(std::string_view cycle_id) {
    guarded("close_all_deadlines", [&] {
        std::string key{cycle_id};
        *session_ << "UPDATE deadlines SET done = 1 WHERE cycle_id = :cycle_id AND done = 0",
            soci::use(key);
    });
}

void SociStore::mark_deadline_done(long long id) {
    guarded("mark_deadline_done", [&] {
        auto& p = prepared();
        auto& update = prepared_once(p.mark_deadline_done, [&] {
            return (session_->prepare << "UPDATE deadlines SET done = 1 WHERE id = :id",
                    soci::use(p.done_id));
        });
        p.done_id = id;
        update.execute(true);
    });
}

int SociStore::close_reminders_up_to(std::string_view cycle_id, std::string_view step, int round,
                                     Instant up_to) {
    return guarded("close_reminders_up_to", [&] {
        auto& p = prepared();
        auto& update = prepared_once(p.close_reminders_up_to, [&] {
            return (session_->prepare << "UPDATE deadlines SET done = 1 "
                                         "WHERE cycle_id = :cycle_id AND step = :step "
                                         "AND round = :round AND kind = 'reminder' AND done = 0 "
                                         "AND fire_at <= :up_to",
                    soci::use(p.reminders_cycle_id), soci::use(p.reminders_step),
                    soci::use(p.reminders_round), soci::use(p.reminders_up_to));
        });
        p.reminders_cycle_id = cycle_id;
        p.reminders_step = step;
        p.reminders_round = round;
        p.reminders_up_to = seconds_of(up_to);
        update.execute(true);
        return static_cast<int>(update.get_affected_rows());
    });
}

std::vector<DeadlineRecord> SociStore::deadlines(std::string_view cycle_id) {
    return guarded("deadlines", [&] {
        std::string key{cycle_id};
        DeadlineColumns row;
        soci::statement read =
            (session_->prepare << "SELECT id, cycle_id, step, round, kind, level, due_on, "
                                  "fire_at, done FROM deadlines WHERE cycle_id = :cycle_id "
                                  "ORDER BY fire_at, id",
             soci::into(row.id), soci::into(row.cycle_id), soci::into(row.step),
             soci::into(row.round), soci::into(row.kind), soci::into(row.level),
             soci::into(row.due_on), soci::into(row.fire_at), soci::into(row.done), soci::use(key));
        std::vector<DeadlineRecord> result;
        read.execute();
        while (read.fetch()) result.push_back(row.record());
        return result;
    });
}

std::optional<Instant> SociStore::next_fire_time() {
    return guarded("next_fire_time", [&]() -> std::optional<Instant> {
        long long fire_at = 0;
        soci::statement read =
            (session_->prepare << std::string{schema::next_fire_time_query}, soci::into(fire_at));
        if (!execute_single(read)) return std::nullopt;
        return instant_of(fire_at);
    });
}

// ---------------------------------------------------------------------------------------------
// The audit trail

void SociStore::append_event(EventRecord& event) {
    guarded("append_event", [&] {
        auto& p = prepared();
        auto& e = p.appended;
        const bool sqlite = backend_ == StoreUrl::Backend::sqlite;
        auto& insert = prepared_once(p.append_event, [&] {
            // PostgreSQL returns the new seq; SQLite reads last_insert_rowid() instead.
            auto prepared =
                (session_->prepare << std::string{"INSERT INTO events (cycle_id, event, actor, "
                                                  "payload, state_before, state_after, at, "
                                                  "prev_hash, hash, documents) VALUES (:cycle_id, "
                                                  ":event, :actor, :payload, :state_before, "
                                                  ":state_after, :at, :prev_hash, :hash, "
                                                  ":documents)"} +
                                          (sqlite ? "" : " RETURNING seq"),
                 soci::use(e.cycle_id), soci::use(e.event), soci::use(e.actor),
                 soci::use(e.payload), soci::use(e.state_before), soci::use(e.state_after),
                 soci::use(e.at), soci::use(e.prev_hash), soci::use(e.hash),
                 soci::use(e.documents));
            if (!sqlite) prepared, soci::into(e.seq);
            return prepared;
        });
        e.cycle_id = event.cycle_id;
        e.event = event.event;
        e.actor = event.actor;
        e.payload = event.payload;
        e.state_before = event.state_before;
        e.state_after = event.state_after;
        e.at = seconds_of(event.at);
        e.prev_hash = event.prev_hash;
        e.hash = event.hash;
        e.documents = event.documents;
        if (sqlite) {
            insert.execute(true);
            e.seq = last_insert_rowid();
        } else if (!execute_single(insert)) {
            throw StoreError("append_event: no sequence number returned");
        }
        event.seq = e.seq;
    });
}

std::vector<EventRecord> SociStore::events(std::string_view cycle_id) {
    return guarded("events", [&] {
        std::string key{cycle_id};
        EventColumns row;
        auto prepared = (session_->prepare << std::string{event_select} +
                                                  " WHERE cycle_id = :cycle_id ORDER BY seq",
                         soci::use(key));
        into_event_columns(prepared, row);
        soci::statement read = prepared;
        std::vector<EventRecord> result;
        read.execute();
        while (read.fetch()) result.push_back(row.record());
        return result;
    });
}

std::optional<EventRecord> SociStore::last_event() {
    return guarded("last_event", [&]() -> std::optional<EventRecord> {
        auto& p = prepared();
        auto& read = prepared_once(p.last_event, [&] {
            auto prepared =
                (session_->prepare << std::string{event_select} + " ORDER BY seq DESC LIMIT 1");
            into_event_columns(prepared, p.last);
            return prepared;
        });
        if (!execute_single(read)) return std::nullopt;
        return p.last.record();
    });
}

std::vector<EventRecord> SociStore::events_after(long long after_seq, int limit) {
    return guarded("events_after", [&] {
        std::vector<EventRecord> result;
        if (limit <= 0) return result;
        long long after = after_seq, max_rows = limit;
        EventColumns row;
        auto prepared = (session_->prepare << std::string{event_select} +
                                                  " WHERE seq > :after ORDER BY seq LIMIT :limit",
                         soci::use(after), soci::use(max_rows));
        into_event_columns(prepared, row);
        soci::statement read = prepared;
        read.execute();
        while (read.fetch()) result.push_back(row.record());
        return result;
    });
}

namespace {

/// `'a', 'b'`: the IN list of a set query, whose length SOCI cannot bind; each text a SQL
/// string literal (its quotes doubled).
std::string quoted_list(const std::vector<std::string>& texts) {
    std::string out;
    for (const auto& text : texts) {
        out += out.empty() ? "'" : ", '";
        for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
        out += "'";
    }
    return out;
}

/// The condition on a cycle `c` joined with its institution `i` that puts it in the scope.
std::string in_scope(const StartedScope& scope, std::string_view c, std::string_view i) {
    std::string where =
        fmt::format("{0}.parent_id = '' AND {0}.started_on BETWEEN :from AND :to", c);
    if (!scope.kinds.empty())
        where += fmt::format(" AND {}.kind IN ({})", i, quoted_list(scope.kinds));
    if (!scope.cycle_configs.empty()) {
        where += fmt::format(" AND {}.cycle_config IN ({})", c, quoted_list(scope.cycle_configs));
    }
    return where;
}

}  // namespace

void SociStore::visit_started(const StartedScope& scope,
                              const std::function<void(const CycleStatusRow&)>& instance,
                              const std::function<void(const EventRecord&)>& event,
                              const std::function<void(const DeadlineRecord&)>& deadline) {
    guarded("visit_started", [&] {
        std::string from = format_date(scope.started_from), to = format_date(scope.started_to);
        // Each query is driven by the cycles in scope (cycles_by_parent finds parent_id = '',
        // then the cases by their parent), reading events through events_by_cycle and
        // deadlines through deadlines_by_cycle_step: other periods are never touched.
        // started_on is YYYY-MM-DD text, so BETWEEN is the calendar's.
        // (FROM ..., WHERE ...) of the cycles in scope and of their cases, as `c`.
        const std::pair<std::string, std::string> cycles{
            "FROM cycles c JOIN institutions i ON i.id = c.institution_id",
            " WHERE " + in_scope(scope, "c", "i")};
        const std::pair<std::string, std::string> cases{
            "FROM cycles p JOIN institutions i ON i.id = p.institution_id JOIN cycles c ON "
            "c.parent_id = p.id",
            " WHERE " + in_scope(scope, "p", "i")};
        for (const auto& [join, where] : {cycles, cases}) {
            CycleColumns row;
            std::string institution_name, area;
            soci::statement read =
                (session_->prepare
                     << "SELECT c.id, c.workflow, c.cycle_config, c.institution_id, c.parent_id, "
                        "c.state, '', c.anchors, c.started_on, c.updated_at, i.name, i.area_id " +
                            join + where,
                 soci::into(row.id), soci::into(row.workflow), soci::into(row.cycle_config),
                 soci::into(row.institution_id), soci::into(row.parent_id), soci::into(row.state),
                 soci::into(row.timeline), soci::into(row.anchors), soci::into(row.started_on),
                 soci::into(row.updated_at), soci::into(institution_name), soci::into(area),
                 soci::use(from), soci::use(to));
            read.execute();
            while (read.fetch()) instance({row.record(), institution_name, area, std::nullopt, {}});
        }
        if (!scope.events.empty()) {
            const std::string names = quoted_list(scope.events);
            for (const auto& [join, where] : {cycles, cases}) {
                EventColumns row;
                soci::statement read =
                    (session_->prepare << "SELECT e.seq, e.cycle_id, e.event, '', e.payload, '', "
                                          "'', e.at, '', '' " +
                                              join + " JOIN events e ON e.cycle_id = c.id" + where +
                                              " AND e.event IN (" + names + ")",
                     soci::into(row.seq), soci::into(row.cycle_id), soci::into(row.event),
                     soci::into(row.actor), soci::into(row.payload), soci::into(row.state_before),
                     soci::into(row.state_after), soci::into(row.at), soci::into(row.prev_hash),
                     soci::into(row.hash), soci::use(from), soci::use(to));
                read.execute();
                while (read.fetch()) event(row.record());
            }
        }
        if (!scope.steps.empty()) {
            DeadlineColumns row;
            soci::statement read =
                (session_->prepare
                     << "SELECT d.id, d.cycle_id, d.step, d.round, d.kind, d.level, d.due_on, "
                        "d.fire_at, d.done " +
                            cycles.first + " JOIN deadlines d ON d.cycle_id = c.id" +
                            cycles.second + " AND d.kind = 'due' AND d.step IN (" +
                            quoted_list(scope.steps) + ")",
                 soci::into(row.id), soci::into(row.cycle_id), soci::into(row.step),
                 soci::into(row.round), soci::into(row.kind), soci::into(row.level),
                 soci::into(row.due_on), soci::into(row.fire_at), soci::into(row.done),
                 soci::use(from), soci::use(to));
            read.execute();
            while (read.fetch()) deadline(row.record());
        }
    });
}

std::vector<EventRecord> SociStore::events_by_seq(const std::vector<long long>& seqs) {
    return guarded("events_by_seq", [&] {
        std::vector<EventRecord> result;
        // Numbers only, so the IN list is written out; in chunks that any backend takes.
        constexpr std::size_t kChunk = 500;
        for (std::size_t first = 0; first < seqs.size(); first += kChunk) {
            std::string list;
            for (std::size_t i = first; i < std::min(seqs.size(), first + kChunk); ++i) {
                list += (list.empty() ? "" : ", ") + std::to_string(seqs[i]);
            }
            EventColumns row;
            auto prepared =
                (session_->prepare << std::string{event_select} + " WHERE seq IN (" + list + ")");
            into_event_columns(prepared, row);
            soci::statement read = prepared;
            read.execute();
            while (read.fetch()) result.push_back(row.record());
        }
        std::sort(result.begin(), result.end(),
                  [](const EventRecord& a, const EventRecord& b) { return a.seq < b.seq; });
        return result;
    });
}

void SociStore::lock_audit_chain() {
    if (backend_ != StoreUrl::Backend::postgresql) return;
    guarded("lock_audit_chain", [&] {
        // Any fixed key: the chain is one per database.
        *session_ << "SELECT pg_advisory_xact_lock(7383247)";
    });
}

}  // namespace tilsyn
