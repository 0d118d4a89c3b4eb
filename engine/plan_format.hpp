// Writes a plan as a table, JSON lines or an RFC 5545 calendar.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/config.hpp"
#include "engine/planner.hpp"
#include "engine/time_zone.hpp"

namespace tilsyn {

/// Appends `text` as a quoted JSON string (escaping quotes, backslashes and control
/// characters); shared by the line-oriented JSON outputs (plan, status).
void append_json_string(std::string& out, std::string_view text);

/// E-mail addresses of the people with a role for an institution (leader, board, area chief
/// of its area, director).
std::vector<std::string> recipients(const Config& config, const Institution& institution,
                                    const std::vector<Role>& roles);

/// The roles a plan item is for: who is reminded of its step (of the first step for a start),
/// or its escalation level's roles.
std::vector<Role> plan_item_roles(const Config& config, const PlanItem& item);

/// Who a plan item goes to (for an observation, the observer the config names, else the
/// area chief; never the observed institution's leader).
std::vector<std::string> plan_recipients(const Config& config, const PlanItem& item);

enum class PlanFormat { table, json, ics };

/// Streams plan items in one format (pairs with visit_plan, so a plan of millions of items
/// never sits in memory). Call finish() once after the last item.
class PlanWriter {
  public:
    /// `stamp` is the ICS DTSTAMP (the moment the calendar is generated).
    PlanWriter(std::ostream& out, const Config& config, const TimeZone& zone, PlanFormat format,
               Instant stamp);
    ~PlanWriter();
    PlanWriter(const PlanWriter&) = delete;
    PlanWriter& operator=(const PlanWriter&) = delete;

    void add(const PlanItem& item);
    void finish();

  private:
    void add_json(const PlanItem& item);
    void add_table(const PlanItem& item);
    void add_ics(const PlanItem& item);
    void flush();
    const std::string& to_json(const PlanItem& item);

    std::ostream& out_;
    const Config& config_;
    const TimeZone& zone_;
    PlanFormat format_;
    std::string dtstamp_;
    std::string buffer_;
    std::vector<std::string> to_cache_;  // per institution and role set: the "to" JSON array
    // The "to" of an observer's step, per cycle, institution and role set.
    std::unordered_map<std::uint64_t, std::string> observer_to_cache_;
    // Per-item work is appending precomputed pieces: the JSON of each institution id, and of
    // each cycle's id and step names (the plan has millions of items).
    std::vector<std::string> institution_json_;
    std::vector<std::string> cycle_json_;
    std::vector<std::vector<std::string>> step_json_;
    std::vector<std::vector<unsigned>> step_roles_;        // per cycle: role set of each step
    std::vector<std::vector<bool>> observer_steps_;        // per cycle: the observer does it
    std::vector<std::vector<unsigned>> escalation_roles_;  // per cycle: of each level
    Instant last_at_{};
    std::string time_fields_;
    bool finished_ = false;
};

/// One JSON object per line:
/// {"at","date","institution","cycle","step","kind","to"[,"round"][,"level"]}.
void write_plan_json(std::ostream& out, const Config& config, const TimeZone& zone,
                     const std::vector<PlanItem>& items);

/// A fixed-width table for people.
void write_plan_table(std::ostream& out, const Config& config, const TimeZone& zone,
                      const std::vector<PlanItem>& items);

/// An RFC 5545 calendar with one all-day event per deadline (kind `due`). `stamp` is DTSTAMP.
void write_plan_ics(std::ostream& out, const Config& config, const std::vector<PlanItem>& items,
                    Instant stamp);

/// Folds a content line at 75 octets without splitting a UTF-8 sequence, CRLF-terminated.
std::string fold_ics_line(std::string_view line);

/// Escapes TEXT values (backslash, semicolon, comma, newline).
std::string escape_ics_text(std::string_view text);

/// Appends BEGIN:VCALENDAR and the calendar's properties (PRODID "-//Tilsyn//PRODUCT//DA",
/// X-WR-CALNAME `name`); the caller appends the events and "END:VCALENDAR".
void append_ics_calendar_begin(std::string& out, std::string_view product, std::string_view name);

/// An all-day event (a deadline) of an RFC 5545 calendar.
struct IcsDayEvent {
    std::string_view uid;
    Date date{};
    std::string_view summary;      // plain text; escaped here
    std::string_view description;  // plain text; escaped here
};

/// Appends one VEVENT, folded, CRLF-terminated; `dtstamp` is YYYYMMDDTHHMMSSZ.
void append_ics_day_event(std::string& out, const IcsDayEvent& event, std::string_view dtstamp);

/// A date in RFC 5545 DATE form: YYYYMMDD.
std::string ics_date(Date date);

}  // namespace tilsyn
