// The report for the byråd (interface.md §2 `report political`, README "The political
// report"): for the age band a year reports (`political_report.age_bands`), per effect goal and
// per political theme, the focus areas chosen, the development and supervision points given,
// the supervision cases opened, resolved and still open, the earlier points assessed (achieved,
// partly, not) and the support agreed in cases; a summary of what the boards' statements
// signal to the political level, grouped by effect goal and theme with counts and short
// quotes; and the development plans approved on time, late or not yet.
//
// In scope: the covered cycles (`political_report.cycles`, default every cycle) of tilbud of
// that band that started after the band's previous report's deadline, up to and including this
// report's own (`political_report.deadline`), and the supervision cases they opened. The
// stored events are read in a few set queries for the whole scope (CaseStore::visit_started).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/calendar.hpp"
#include "engine/config.hpp"
#include "engine/event_payload.hpp"
#include "engine/store.hpp"

namespace tilsyn {

/// What the report counts, per effect goal or theme.
struct ReportFigures {
    int focus_areas = 0;  // chosen in learning conversations
    int development_points = 0;
    int supervision_points = 0;
    int cases_opened = 0;
    int cases_resolved = 0;
    int cases_open = 0;
    int achieved = 0;  // earlier points assessed in a conversation in scope
    int partly = 0;
    int not_achieved = 0;
    int support_agreed = 0;  // support agreements recorded in the supervision cases
};

/// A political theme's row; `theme` empty: the points that name none ("Uden tema").
struct ThemeFigures {
    std::string theme;
    std::string title;
    ReportFigures figures;
};

struct PlanFigures {
    int on_time = 0;  // approved on or before the approval's due date
    int late = 0;
    int pending = 0;  // not approved (yet), in a cycle that is not cancelled
};

struct Quote {
    std::string text;  // shortened at a word boundary; tilbud names removed unless named
    std::string from;  // the tilbud's name when the report names tilbud, else its area's
};

/// The boards' statements whose signals to the political level are about one effect goal and
/// theme (either may be empty; both empty: "Uden emne").
struct StatementGroup {
    std::string goal;
    std::string theme;
    std::string title;  // what people read
    int statements = 0;
    std::vector<Quote> quotes;  // at most kQuotesPerGroup
};

struct AreaFigures {
    std::string area_id;
    std::string area_name;
    int cycles = 0;
    std::array<ReportFigures, kEffectGoals.size()> goals;  // in kEffectGoals order
    PlanFigures plans;
    int statements = 0;  // board statements with signals to the political level
};

struct PoliticalReport {
    int year = 0;
    std::string age_band;  // "6-18" or "0-6"
    Date deadline{};       // the report's own deadline
    Date covers_from{};    // cycles started from this day up to `deadline`
    bool names_institutions = false;
    std::vector<AreaFigures> areas;  // in configuration order; areas without cycles included
    AreaFigures total;               // area_id "": the sums
    std::vector<ThemeFigures> themes;
    std::vector<StatementGroup> statements;
};

inline constexpr std::size_t kQuotesPerGroup = 3;
inline constexpr std::size_t kQuoteLength = 160;  // characters, "…" included

/// A report year: four digits, 2000 to 2100; nullopt otherwise.
std::optional<int> parse_report_year(std::string_view text);

/// The age band the report of `year` covers (`political_report.age_bands`).
std::string age_band_of_year(const PoliticalReportSettings& settings, int year);
/// The report's own deadline: `political_report.deadline` in `year`.
Date report_deadline(const PoliticalReportSettings& settings, int year);
/// The first start date the report of `year` covers: the day after the deadline of the
/// band's previous report (two years before).
Date report_covers_from(const PoliticalReportSettings& settings, int year);
/// Whether the report covers a cycle of the configuration.
bool report_covers_cycle(const PoliticalReportSettings& settings, std::string_view cycle_id);

/// `text` on one line (runs of white space as one space), at most `max_chars` characters
/// (UTF-8 code points): cut at the last word boundary before the limit, then "…".
std::string shorten_quote(std::string_view text, std::size_t max_chars);

/// For `check`: a covered cycle whose conversations fall due after the deadline of the report
/// meant to use them (the first of its band whose deadline is on or after its start), one
/// warning (Danish, at the cycle's id) per cycle and age band, for its first start.
std::vector<ConfigProblem> political_report_warnings(const Config& config,
                                                     const Calendar& calendar);

/// Builds the report from the stored cycles, cases and audit trail. `areas` limits it to
/// those area ids (empty: all).
PoliticalReport build_political_report(Store& store, const Config& config, int year,
                                       const std::vector<std::string>& areas = {});

/// Markdown; every text it prints is escaped.
std::string political_report_markdown(const PoliticalReport& report, const Config& config);
/// A fragment (no <html>): the dashboard embeds it; the CLI wraps it in a page. Bar charts are
/// inline SVG (role="img", a <title>) whose bars carry the same numbers as the tables.
std::string political_report_html(const PoliticalReport& report, const Config& config);
/// As Excel reads it in Denmark: UTF-8 with a byte-order mark, `;` between cells, CRLF,
/// Danish headers; one row per area and effect goal, per theme, per area's plans and per
/// group of statements.
std::string political_report_csv(const PoliticalReport& report);

/// One CSV cell: a text beginning with = + - @ TAB or CR gets a leading ' (Excel would take
/// it for a formula); quoted when it holds ; " CR or LF.
std::string csv_cell(std::string_view text);
/// A text as Markdown prints it literally: its punctuation that Markdown reads is escaped, and
/// line breaks become spaces.
std::string markdown_text(std::string_view text);

}  // namespace tilsyn
