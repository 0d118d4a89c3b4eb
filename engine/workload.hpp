// How much falls on each person each ISO week (`tilsyn workload`, the dashboard's heat map,
// and `check`'s warning of a week with too many conversations): the plan's deadlines, counted
// for the people reminded of them (plan_recipients), by what their step asks (its
// StepActivity: a task, a conversation, an observation or a 1:1).
#pragma once

#include <compare>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "engine/civil_time.hpp"
#include "engine/domain.hpp"
#include "engine/role.hpp"

namespace tilsyn {

struct IsoWeek {
    int year = 0;
    int week = 0;  // 1-53
    auto operator<=>(const IsoWeek&) const = default;
};

/// The ISO 8601 week a day belongs to (weeks start on Monday; week 1 holds the year's first
/// Thursday).
IsoWeek iso_week(Date date);

/// The Monday that starts an ISO week.
Date iso_week_monday(IsoWeek week);

/// "2026-W47".
std::string format_iso_week(IsoWeek week);

struct WorkloadCounts {
    int deadlines = 0;  // every deadline, whatever it asks (the three below included)
    int conversations = 0;
    int observations = 0;
    int one_to_ones = 0;
    /// The meetings one person holds or takes part in: conversations and 1:1s.
    int meetings() const { return conversations + one_to_ones; }
};

struct WorkloadPerson {
    std::string email;
    std::string name;
    std::vector<Role> roles;            // what the configuration makes them
    std::vector<WorkloadCounts> weeks;  // one per Workload::weeks
};

struct Workload {
    Date from{};
    Date to{};
    std::vector<IsoWeek> weeks;          // every ISO week that meets [from, to), in order
    std::vector<WorkloadPerson> people;  // those with at least one deadline, by e-mail
};

struct WorkloadFilter {
    std::optional<Role> role;  // only people the configuration gives this role
    std::string email;         // only this person (empty: everyone)
};

/// The deadlines due in [from, to), as the plan dates them (every step completed on its due
/// date), per person and ISO week. The configuration must have passed check_config_rules.
Workload compute_workload(const Domain& domain, Date from, Date to, const WorkloadFilter& filter);

/// A week in which one person has more conversations and 1:1s than `max_per_week`.
struct WorkloadPeak {
    std::string email;
    std::string name;
    IsoWeek week;
    int meetings = 0;
};
std::vector<WorkloadPeak> workload_peaks(const Workload& workload, int max_per_week);

/// The period `check` looks at: from the first start of the earliest cycle to two years after
/// the first start of the latest one (one whole period of every cycle).
std::pair<Date, Date> workload_check_period(const Config& config);

/// A table for people (Danish): one row per person and week with anything due.
void write_workload_table(std::ostream& out, const Workload& workload);

/// One JSON object per person and week with anything due:
/// {"email","name","week","monday","deadlines","conversations","observations","one_to_ones"}.
void write_workload_json(std::ostream& out, const Workload& workload);

/// A heat map as an SVG document: a row per person, a column per week, each cell's colour
/// its number of deadlines, cells over `max_per_week` conversations outlined; every cell has a
/// <title> with the person, the week and the counts (Danish). Self-contained, no script.
std::string workload_svg(const Workload& workload, int max_per_week);

}  // namespace tilsyn
