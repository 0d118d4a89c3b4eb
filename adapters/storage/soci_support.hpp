// What the files of SociStore share (soci_store.cpp: connection, transactions and schema;
// soci_directory.cpp, soci_cases.cpp, soci_outbox.cpp: one port each): SOCI's exceptions turned
// into StoreError, engine values to and from columns, the rows read in more than one place, and
// the statements an event's transaction prepares once. Internal to the storage adapter.
#pragma once

#include <fmt/format.h>
#include <soci/soci.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>

#include "adapters/storage/soci_store.hpp"
#include "engine/civil_time.hpp"

namespace tilsyn::storage {

/// SOCI's messages can span lines; a StoreError is one line.
std::string one_line(std::string_view text);

/// Runs `body`, turning SOCI's exceptions into StoreError naming the operation.
template <class Body>
auto guarded(std::string_view operation, Body&& body) -> decltype(body()) {
    try {
        return body();
    } catch (const StoreError&) {
        throw;
    } catch (const soci::soci_error& e) {
        // Not what(): SOCI appends the statement with its bound values, which can be mail
        // bodies or token hashes. The operation name says where.
        throw StoreError(fmt::format("{}: {}", operation, one_line(e.get_error_message())));
    } catch (const std::bad_cast& e) {
        throw StoreError(fmt::format("{}: unexpected column type ({})", operation, e.what()));
    } catch (const std::runtime_error& e) {
        throw StoreError(fmt::format("{}: {}", operation, one_line(e.what())));
    }
}

// ---------------------------------------------------------------------------------------------
// Conversions

inline long long seconds_of(Instant at) { return at.time_since_epoch().count(); }
inline Instant instant_of(long long seconds) { return Instant{std::chrono::seconds{seconds}}; }

/// The date a YYYY-MM-DD column holds; StoreError naming the column when it holds none.
Date date_of(const std::string& text, std::string_view column);

// ---------------------------------------------------------------------------------------------
// Rows read by more than one operation

/// Columns read into plain variables (never soci::row: see schema.cpp on BIGINT).
struct CycleColumns {
    std::string id, workflow, cycle_config, institution_id, parent_id, state, timeline, anchors,
        started_on;
    long long updated_at = 0;

    CycleRecord record() const {
        return {id,
                workflow,
                cycle_config,
                institution_id,
                parent_id,
                state,
                timeline,
                anchors,
                date_of(started_on, "cycles.started_on"),
                instant_of(updated_at)};
    }
};

inline constexpr const char* cycle_select =
    "SELECT id, workflow, cycle_config, institution_id, parent_id, state, timeline, anchors, "
    "started_on, updated_at FROM cycles";

/// Binds every column of `row` as an output, in cycle_select's order.
inline void into_cycle_columns(soci::details::prepare_temp_type& prepared, CycleColumns& row) {
    prepared, soci::into(row.id), soci::into(row.workflow), soci::into(row.cycle_config),
        soci::into(row.institution_id), soci::into(row.parent_id), soci::into(row.state),
        soci::into(row.timeline), soci::into(row.anchors), soci::into(row.started_on),
        soci::into(row.updated_at);
}

struct DeadlineColumns {
    long long id = 0, round = 0, level = 0, fire_at = 0, done = 0;
    std::string cycle_id, step, kind, due_on;

    DeadlineRecord record() const {
        return {id,
                cycle_id,
                step,
                static_cast<int>(round),
                kind,
                static_cast<int>(level),
                date_of(due_on, "deadlines.due_on"),
                instant_of(fire_at),
                done != 0};
    }
};

struct EventColumns {
    long long seq = 0, at = 0;
    std::string cycle_id, event, actor, payload, state_before, state_after, prev_hash, hash,
        documents;

    EventRecord record() const {
        return {seq,         cycle_id,       event,     actor, payload,  state_before,
                state_after, instant_of(at), prev_hash, hash,  documents};
    }
};

inline constexpr const char* event_select =
    "SELECT seq, cycle_id, event, actor, payload, state_before, state_after, at, prev_hash, hash, "
    "documents FROM events";

/// Binds every column of `row` as an output, in event_select's order.
inline void into_event_columns(soci::details::prepare_temp_type& prepared, EventColumns& row) {
    prepared, soci::into(row.seq), soci::into(row.cycle_id), soci::into(row.event),
        soci::into(row.actor), soci::into(row.payload), soci::into(row.state_before),
        soci::into(row.state_after), soci::into(row.at), soci::into(row.prev_hash),
        soci::into(row.hash), soci::into(row.documents);
}

// ---------------------------------------------------------------------------------------------
// Statements

/// `slot`'s statement, prepared by `make` (which returns the prepare expression) on first use.
template <class Make>
soci::statement& prepared_once(std::optional<soci::statement>& slot, Make&& make) {
    if (!slot) slot.emplace(make());
    return *slot;
}

/// Executes a statement that yields at most one row, then runs it to its end. On SQLite a
/// statement left standing on its first row stays active: outside a transaction a SELECT would
/// pin its old snapshot, and an INSERT ... RETURNING makes COMMIT fail ("SQL statements in
/// progress"). The second fetch finds no row and leaves the bound variables as they are.
inline bool execute_single(soci::statement& statement) {
    if (!statement.execute(true)) return false;
    statement.fetch();
    return true;
}

}  // namespace tilsyn::storage

namespace tilsyn {

/// Each statement is prepared on its first use and then re-executed: binding its variables
/// (the members next to it) by reference, so a call only assigns them. Single-row binds only.
struct SociStore::Prepared {
    std::string find_cycle_id;
    storage::CycleColumns found_cycle;
    std::optional<soci::statement> find_cycle, find_cycle_for_update;

    std::string update_id, update_state, update_anchors;
    long long update_at = 0;
    std::optional<soci::statement> update_cycle;

    std::string close_cycle_id, close_step;
    std::optional<soci::statement> close_deadlines;

    storage::DeadlineColumns new_deadline;
    std::optional<soci::statement> insert_deadline;

    long long done_id = 0;
    std::optional<soci::statement> mark_deadline_done;

    std::string reminders_cycle_id, reminders_step;
    long long reminders_round = 0, reminders_up_to = 0;
    std::optional<soci::statement> close_reminders_up_to;

    storage::EventColumns last;
    std::optional<soci::statement> last_event;

    storage::EventColumns appended;
    std::optional<soci::statement> append_event;

    OutboxMessage queued;
    long long queued_at = 0, queued_attempts = 0, queued_next_attempt_at = 0, queued_id = 0;
    std::optional<soci::statement> enqueue;

    long long rowid = 0;
    std::optional<soci::statement> last_insert_rowid;  // SQLite only

    std::string institution_key;
    StoredInstitution institution;
    long long institution_active = 0;
    std::optional<soci::statement> find_institution;
};

}  // namespace tilsyn
