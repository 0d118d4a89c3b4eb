// What a new configuration would change, before it goes live (`tilsyn diff`): the running
// cycles keep the timeline they started with; the upcoming ones take the new one. Computed with
// the planner's own pure functions (cycle_starts, schedule_cycle, reminder_notices,
// escalation_notices, plan_recipients), so the diff says what `plan` and the live engine would
// do with each configuration.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "engine/case_store.hpp"
#include "engine/civil_time.hpp"
#include "engine/directory_store.hpp"
#include "engine/domain.hpp"
#include "engine/planner.hpp"

namespace tilsyn {

/// A workflow instance of the running database that runs on a configured cycle.
struct RunningInstance {
    std::string cycle_config;
    Date started_on{};
    std::string timeline;  // the snapshot (JSON) it started with
};

/// The running database's cycles (not supervision cases) that still have a deadline open,
/// each with the timeline snapshot it started with (read once per cycle and start: the
/// instances a period opened share it).
std::vector<RunningInstance> running_instances(CaseStore& store);

/// The running instances of one configured cycle. They keep the timeline they started with,
/// whatever the new configuration says; `on_other_timeline` of them started with a timeline the
/// new configuration no longer has (the ones a careless reader would think move).
struct RunningGroup {
    std::string cycle;
    std::size_t running = 0;
    std::size_t on_other_timeline = 0;
    bool in_new_config = true;
};

/// One dated item of upcoming cycle instances that moves, appears or disappears, for
/// `institutions` tilbud alike (every tilbud a cycle covers shares its instance's dates).
struct PlanChange {
    std::string cycle;
    Date start{};      // the instance's start under the new configuration (else the old)
    std::string step;  // the step id; "start" for the cycle's start
    std::uint8_t round = 0;
    PlanKind kind = PlanKind::due;
    std::uint8_t level = 0;
    std::optional<Date> before;  // nullopt: new with the new configuration
    std::optional<Date> after;   // nullopt: gone with the new configuration
    int workdays = 0;            // after - before in working days (the new calendar); signed
    std::size_t institutions = 0;
};

/// What people read of a change (Danish): the step's title with its round, what it is ("Frist",
/// "Påmindelse 1", "Eskalering 2", "Start") and how far it moves ("+5" working days, "ny",
/// "bortfalder"). The CLI's table and the dashboard's page say the same.
struct ChangeWords {
    std::string step;
    std::string kind;
    std::string moved;
};
ChangeWords change_words(const PlanChange& change);

/// A person whose number of reminders and escalations in the period changes.
struct MailChange {
    std::string email;
    long before = 0;
    long after = 0;
};

/// A tilbud that joins or leaves: the organisation (against the running database's directory;
/// `cycle` empty) or one cycle (against the current configuration).
struct InstitutionChange {
    std::string id;
    std::string name;
    std::string cycle;
    bool joins = true;
};

struct ConfigDiff {
    Date from{};  // upcoming: instances starting after `from` and before `to`
    Date to{};
    std::vector<RunningGroup> running;
    std::vector<PlanChange> changes;
    std::vector<MailChange> mail;
    std::vector<InstitutionChange> institutions;

    /// Whether anything moves (the running cycles keeping their timeline is no move).
    bool moves() const { return !changes.empty() || !mail.empty() || !institutions.empty(); }
};

/// Working days from `a` to `b`: the working days in (a, b] when b > a, negated when b < a.
int workdays_between(Date a, Date b, const Calendar& calendar);

/// Compares the upcoming cycle instances (starting in (from, to)) of `current` and `next`,
/// pairing each cycle's periods in order; `running` and `stored` come from the running
/// database (its instances and its directory's tilbud, active or not).
ConfigDiff diff_configs(const Domain& current, const Domain& next,
                        const std::vector<RunningInstance>& running,
                        const std::vector<StoredInstitution>& stored, Date from, Date to);

/// A table for people (Danish), with the steps' titles.
void write_diff_table(std::ostream& out, const ConfigDiff& diff);

/// One JSON object: {"from","to","moves",running[],changes[],mail[],institutions[]}.
void write_diff_json(std::ostream& out, const ConfigDiff& diff);

}  // namespace tilsyn
