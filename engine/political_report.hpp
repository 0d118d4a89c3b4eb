// The report for the political level (interface.md §2 `report political`): for the age band
// reported in a year (6-18 in even years, 0-6 in odd years), per area and per effect goal,
// the boards' signals to the political level, the development and supervision points (a
// learning conversation's focus areas count as development points), the supervision cases
// opened, resolved and still open, and the development plans approved on time or late.
//
// In scope: the quality-report and learning-dialogue cycles of institutions of that band
// that started in the year or the year before (each band is reported every second year, so a
// report covers the two years since the band's last one), and the supervision cases they
// opened.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config.hpp"
#include "engine/event_payload.hpp"
#include "engine/store.hpp"

namespace tilsyn {

struct GoalFigures {
    int development_points = 0;
    int supervision_points = 0;
    int cases_opened = 0;
    int cases_resolved = 0;
    int cases_open = 0;
    std::vector<std::string> development_titles;  // "Institution: title"
    std::vector<std::string> supervision_titles;
};

struct Signal {
    std::string institution;  // name
    std::string text;
};

struct AreaFigures {
    std::string area_id;
    std::string area_name;
    int cycles = 0;
    std::array<GoalFigures, kEffectGoals.size()> goals;  // in kEffectGoals order
    std::vector<Signal> political_signals;
    int plans_on_time = 0;  // approved on or before the plan_approval due date
    int plans_late = 0;
    int plans_pending = 0;  // a quality report cycle whose plan is not approved (yet)
};

struct PoliticalReport {
    int year = 0;
    std::string age_band;            // "6-18" or "0-6"
    std::vector<AreaFigures> areas;  // in configuration order; areas without cycles included
    AreaFigures total;               // area_id "" : the sums
};

/// A report year: four digits, 2000 to 2100; nullopt otherwise.
std::optional<int> parse_report_year(std::string_view text);

/// "6-18" for even years, "0-6" for odd ones.
std::string age_band_of_year(int year);

/// Builds the report from the stored cycles, cases and audit trail. `areas` limits it to
/// those area ids (empty: all).
PoliticalReport build_political_report(Store& store, const Config& config, int year,
                                       const std::vector<std::string>& areas = {});

std::string political_report_markdown(const PoliticalReport& report, const Config& config);
/// A fragment (no <html>): the dashboard embeds it; the CLI wraps it in a page.
std::string political_report_html(const PoliticalReport& report, const Config& config);
/// One row per area and goal, and a row per area with goal "all" carrying the plan counts.
std::string political_report_csv(const PoliticalReport& report);

}  // namespace tilsyn
