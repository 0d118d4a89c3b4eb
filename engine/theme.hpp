// The politically decided themes (politisk besluttede temaer, seeds 001/003): the committee
// decides them per period and age band, forvaltningen records and publishes them, and every
// tilbud of that band ties the focus areas of its learning conversations to them. What the
// report to the byråd counts per theme starts here.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/civil_time.hpp"
#include "engine/config.hpp"

namespace tilsyn {

class Store;

struct ThemeRecord {
    std::string id;        // [a-z0-9][a-z0-9-]*, unique
    int period = 0;        // the year its two-year period begins: a cycle started in that
                           // year belongs to it (period_of)
    std::string age_band;  // "0-6" or "6-18" (age_band(kind))
    std::string title;     // what people read
    std::string description;
    Instant published_at{};  // the epoch: recorded, not published yet
    bool published() const { return published_at != Instant{}; }
};

/// The period a cycle started on `started_on` belongs to.
int period_of(Date started_on);

/// "2026-2027": a period as people read it.
std::string period_title(int period);

/// What is wrong with a theme before it is recorded (Danish, saying what to do), with the
/// field at fault; nullopt when it may be recorded. Its id must be new (`existing`).
struct ThemeProblem {
    std::string field;
    std::string message;
};
std::optional<ThemeProblem> theme_problem(const ThemeRecord& theme,
                                          const std::vector<ThemeRecord>& existing);

/// The published themes of a period and band, in the order they were recorded.
std::vector<const ThemeRecord*> themes_for(const std::vector<ThemeRecord>& all, int period,
                                           std::string_view age_band);

/// The theme with this id, or nullptr.
const ThemeRecord* find_theme(const std::vector<ThemeRecord>& all, std::string_view id);

/// Records a theme (unpublished) after theme_problem, in one transaction; the problem when
/// it is refused (and nothing is stored).
std::optional<ThemeProblem> record_theme(Store& store, const ThemeRecord& theme);

struct ThemesPublished {
    int themes = 0;  // published now (0: there was nothing to publish)
    int mails = 0;   // queued
};

/// Publishes the recorded themes of a period and age band, in one transaction: they become
/// choosable, and every leader and area chief of a tilbud in that band is told by mail (the
/// period's themes, all of them). Nothing to publish changes nothing and sends nothing.
ThemesPublished publish_themes(Store& store, const Config& config, int period,
                               std::string_view age_band, Instant now);

}  // namespace tilsyn
