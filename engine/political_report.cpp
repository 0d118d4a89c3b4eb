#include "engine/political_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "engine/html.hpp"
#include "engine/messages.hpp"
#include "engine/planner.hpp"
#include "engine/timeline.hpp"
#include "workflows/description.hpp"
#include "workflows/workflow.hpp"

namespace tilsyn {

namespace json = boost::json;

namespace {

using std::chrono::year_month_day;

int goal_index(std::string_view goal) {
    for (std::size_t i = 0; i < kEffectGoals.size(); ++i) {
        if (kEffectGoals[i] == goal) return static_cast<int>(i);
    }
    return -1;
}

std::string text_of(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string{};
}

bool blank(std::string_view text) {
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::optional<json::object> parse_object(const std::string& payload) {
    boost::system::error_code ec;
    auto value = json::parse(payload, ec);
    if (ec || !value.is_object()) return std::nullopt;
    return std::move(value.as_object());
}

int year_of(Date date) { return static_cast<int>(year_month_day{date}.year()); }

// ---------------------------------------------------------------------------------------------
// The political themes, as the report reads them.

struct ReportTheme {
    std::string id;
    int period = 0;
    std::string age_band;
    std::string title;
    bool published = false;
};

// The one place the report learns the themes from.
std::vector<ReportTheme> report_themes(Store& store) {
    std::vector<ReportTheme> out;
    for (const auto& t : store.themes()) {
        out.push_back({t.id, t.period, t.age_band, t.title, t.published()});
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Adding up

void add(ReportFigures& into, const ReportFigures& f) {
    into.focus_areas += f.focus_areas;
    into.development_points += f.development_points;
    into.supervision_points += f.supervision_points;
    into.cases_opened += f.cases_opened;
    into.cases_resolved += f.cases_resolved;
    into.cases_open += f.cases_open;
    into.achieved += f.achieved;
    into.partly += f.partly;
    into.not_achieved += f.not_achieved;
    into.support_agreed += f.support_agreed;
}

void add_into(AreaFigures& total, const AreaFigures& area) {
    total.cycles += area.cycles;
    total.plans.on_time += area.plans.on_time;
    total.plans.late += area.plans.late;
    total.plans.pending += area.plans.pending;
    total.statements += area.statements;
    for (std::size_t g = 0; g < kEffectGoals.size(); ++g) add(total.goals[g], area.goals[g]);
}

/// Where a count lands: an area, an effect goal (or none) and a theme (or none).
struct Tally {
    PoliticalReport& report;
    std::map<std::string, ReportFigures> by_theme;  // "" : without a theme

    ReportFigures* goal_of(std::size_t area, std::string_view goal) {
        const int g = goal_index(goal);
        return g < 0 ? nullptr : &report.areas[area].goals[static_cast<std::size_t>(g)];
    }
    template <class F>
    void count(std::size_t area, std::string_view goal, const std::string& theme, F&& field) {
        if (auto* f = goal_of(area, goal)) ++field(*f);
        ++field(by_theme[theme]);
    }
};

// The lists of points a conversation records: their payload keys, and the names an
// assessment gives them ("<seq>:<list>:<n>").
constexpr std::array<std::string_view, 3> kPointKeys = {"focus_areas", "development_points",
                                                        "supervision_points"};
constexpr std::array<std::string_view, 3> kPointLists = {"focus", "development", "supervision"};

int list_index(std::string_view list) {
    for (std::size_t i = 0; i < kPointLists.size(); ++i) {
        if (kPointLists[i] == list) return static_cast<int>(i);
    }
    return -1;
}

struct PointRef {
    long long seq = 0;
    int list = 0;           // index into kPointKeys
    std::size_t index = 0;  // 0-based
};

/// A point as an assessment needs it: its goal (index into kEffectGoals, -1 none) and theme
/// (index into the interned theme ids, -1 none). Kept small: every conversation's are kept.
struct StoredPoint {
    int goal = -1;
    int theme = -1;
};
using PointLists = std::array<std::vector<StoredPoint>, kPointKeys.size()>;

std::optional<PointRef> parse_point_ref(std::string_view text) {
    const auto first = text.find(':');
    const auto second = text.find(':', first == std::string_view::npos ? first : first + 1);
    if (first == std::string_view::npos || second == std::string_view::npos) return std::nullopt;
    const auto seq = text.substr(0, first), list = text.substr(first + 1, second - first - 1),
               n = text.substr(second + 1);
    auto digits = [](std::string_view s) {
        return !s.empty() && s.size() < 18 && s.find_first_not_of("0123456789") == s.npos;
    };
    if (!digits(seq) || !digits(n) || list_index(list) < 0) return std::nullopt;
    const std::size_t index = std::stoull(std::string(n));
    if (index == 0) return std::nullopt;
    return PointRef{std::stoll(std::string(seq)), list_index(list), index - 1};
}

/// The names of the events whose payload holds a field of that name, across the workflows.
std::vector<std::string> events_with_field(std::string_view field) {
    std::vector<std::string> names;
    for (const auto* workflow : workflows::all_workflows()) {
        for (const auto& event : workflow->events) {
            for (const auto& f : event.fields) {
                if (f.name == field) names.emplace_back(event.id);
            }
        }
    }
    return names;
}

std::string replace_all(std::string text, std::string_view what, std::string_view with) {
    if (what.empty()) return text;
    for (auto at = text.find(what); at != std::string::npos;
         at = text.find(what, at + with.size())) {
        text.replace(at, what.size(), with);
    }
    return text;
}

std::size_t utf8_length(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Scope

std::optional<int> parse_report_year(std::string_view text) {
    if (text.size() != 4 || text.find_first_not_of("0123456789") != std::string_view::npos ||
        text < "2000" || text > "2100") {
        return std::nullopt;
    }
    return std::stoi(std::string(text));
}

std::string age_band_of_year(const PoliticalReportSettings& settings, int year) {
    return year % 2 == 0 ? settings.even_years : settings.odd_years;
}

Date report_deadline(const PoliticalReportSettings& settings, int year) {
    return Date{std::chrono::year{year} / settings.deadline_month / settings.deadline_day};
}

Date report_covers_from(const PoliticalReportSettings& settings, int year) {
    return report_deadline(settings, year - 2) + std::chrono::days{1};
}

bool report_covers_cycle(const PoliticalReportSettings& settings, std::string_view cycle_id) {
    return settings.cycles.empty() || std::find(settings.cycles.begin(), settings.cycles.end(),
                                                cycle_id) != settings.cycles.end();
}

std::string shorten_quote(std::string_view text, std::size_t max_chars) {
    std::string flat;
    for (char c : text) {
        const bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n';
        if (space) {
            if (!flat.empty() && flat.back() != ' ') flat += ' ';
        } else {
            flat += c;
        }
    }
    while (!flat.empty() && flat.back() == ' ') flat.pop_back();
    if (utf8_length(flat) <= max_chars || max_chars < 2) return flat;
    // The byte where character max_chars - 1 begins: room for the "…".
    std::size_t chars = 0, cut = 0;
    for (; cut < flat.size(); ++cut) {
        if ((static_cast<unsigned char>(flat[cut]) & 0xC0) != 0x80 && chars++ == max_chars - 1) {
            break;
        }
    }
    std::size_t end = flat.rfind(' ', cut);
    if (end == std::string::npos || end == 0) end = cut;  // one long word: cut inside it
    std::string out = flat.substr(0, end);
    while (!out.empty() && std::string_view(",;:-–").find(out.back()) != std::string_view::npos) {
        out.pop_back();
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "…";
}

std::vector<ConfigProblem> political_report_warnings(const Config& config,
                                                     const Calendar& calendar) {
    std::vector<ConfigProblem> warnings;
    const auto& settings = config.political_report;
    for (const auto& cycle : config.cycles) {
        if (!report_covers_cycle(settings, cycle.id)) continue;
        const auto* workflow = workflows::find_workflow(cycle.workflow);
        if (!workflow || workflow->is_case) continue;
        std::set<std::string> bands;
        for (const auto kind :
             {InstitutionKind::school, InstitutionKind::daycare, InstitutionKind::youth}) {
            const auto& kinds = cycle.institutions.kinds;
            if (kinds.empty() || std::find(kinds.begin(), kinds.end(), kind) != kinds.end()) {
                bands.insert(std::string(age_band(kind)));
            }
        }
        const Date start = cycle.starts.first;
        const auto schedule = schedule_cycle(cycle, start, calendar);
        for (const auto& band : bands) {
            // The report meant to use it: the first of its band whose deadline is on or after
            // its start.
            int year = year_of(start) - 1;
            while (age_band_of_year(settings, year) != band ||
                   report_deadline(settings, year) < start) {
                ++year;
                if (year > year_of(start) + 4) break;  // the band is never reported
            }
            if (age_band_of_year(settings, year) != band) continue;
            const Date deadline = report_deadline(settings, year);
            int late = 0;
            const ScheduledStep* first_late = nullptr;
            for (const auto& item : schedule) {
                const auto& step = workflow->steps[item.step];
                if (!step.feeds_political_report || item.due <= deadline) continue;
                ++late;
                if (!first_late) first_late = &item;
            }
            if (!first_late) continue;
            const auto& step = workflow->steps[first_late->step];
            warnings.push_back(
                {cycle.where,
                 fmt::format(
                     "advarsel: forløbet '{}' (start {}) har {} {} med frist efter fristen for "
                     "den politiske rapport {} for {} år ({}), som dækker forløbet; {} "
                     "{}{} med frist {}. {} ikke med i nogen politisk rapport: ret "
                     "political_report.deadline eller forløbets frister",
                     cycle.id, danish_date(start), late, late == 1 ? "samtale" : "samtaler", year,
                     band, danish_date(deadline), late == 1 ? "det er" : "den første er",
                     step.title,
                     first_late->round ? fmt::format(" (runde {})", first_late->round)
                                       : std::string{},
                     danish_date(first_late->due), late == 1 ? "Den kommer" : "De kommer")});
        }
    }
    return warnings;
}

// ---------------------------------------------------------------------------------------------
// Building

PoliticalReport build_political_report(Store& store, const Config& config, int year,
                                       const std::vector<std::string>& areas) {
    const auto& settings = config.political_report;
    PoliticalReport report;
    report.year = year;
    report.age_band = age_band_of_year(settings, year);
    report.deadline = report_deadline(settings, year);
    report.covers_from = report_covers_from(settings, year);
    report.names_institutions = settings.name_institutions;
    std::map<std::string, std::size_t> area_index;
    for (const auto& area : config.areas) {
        if (!areas.empty() && std::find(areas.begin(), areas.end(), area.id) == areas.end()) {
            continue;
        }
        area_index[area.id] = report.areas.size();
        AreaFigures figures;
        figures.area_id = area.id;
        figures.area_name = area.name;
        report.areas.push_back(std::move(figures));
    }
    std::vector<std::string> institution_names;  // removed from quotes unless named
    if (!settings.name_institutions) {
        for (const auto& inst : store.institutions()) institution_names.push_back(inst.name);
    }

    // What is read: the band's covered cycles of the window and the cases they opened; the
    // conversations' points, the boards' statements, the cases' points and their support; the
    // due dates of the steps counted on time or late.
    StartedScope query{report.covers_from, report.deadline, {}, settings.cycles, {}, {}};
    for (const auto kind :
         {InstitutionKind::school, InstitutionKind::daycare, InstitutionKind::youth}) {
        if (age_band(kind) == report.age_band) query.kinds.emplace_back(kind_name(kind));
    }
    std::set<std::string> point_events, signal_events;
    for (const auto* workflow : workflows::all_workflows()) {
        for (const auto& event : workflow->events) {
            if (event.records_points) point_events.emplace(event.id);
            if (event.records_board_signals) signal_events.emplace(event.id);
        }
        for (const auto& step : workflow->steps) {
            if (step.political_on_time) query.steps.emplace_back(step.id);
        }
    }
    const auto support_names = events_with_field("support");
    const std::set<std::string> support_events(support_names.begin(), support_names.end());
    query.events.assign(point_events.begin(), point_events.end());
    query.events.insert(query.events.end(), signal_events.begin(), signal_events.end());
    query.events.insert(query.events.end(), support_events.begin(), support_events.end());
    query.events.emplace_back(workflows::kCaseOpenedEvent);
    std::sort(query.events.begin(), query.events.end());
    query.events.erase(std::unique(query.events.begin(), query.events.end()), query.events.end());

    // The instances in scope, by id: cycles (area, tilbud) and the cases they opened.
    struct InScope {
        std::size_t area = 0;
        std::string institution_name;
        CycleRecord cycle;
        std::string parent;  // a case's cycle
    };
    std::unordered_map<std::string, InScope> scope;
    Tally tally{report, {}};
    struct CaseFacts {
        std::string goal, theme;
        int support = 0;
        bool opened = false;
    };
    std::unordered_map<std::string, CaseFacts> cases;
    struct Assessment {
        std::size_t area;
        PointRef point;
        std::string result;
    };
    std::vector<Assessment> assessments;
    struct Statement {
        long long seq;
        std::size_t area;
        std::string goal, theme, text, institution;
    };
    std::vector<Statement> statements;
    // The points of every conversation read, by its seq, for the assessments of later ones.
    std::unordered_map<long long, PointLists> points_of;
    std::vector<std::string> theme_ids;
    std::unordered_map<std::string, int> theme_index;
    auto keep_points = [&](long long seq, const json::object& payload) {
        PointLists lists;
        for (std::size_t l = 0; l < kPointKeys.size(); ++l) {
            const auto* list = payload.if_contains(kPointKeys[l]);
            if (!list || !list->is_array()) continue;
            for (const auto& item : list->as_array()) {
                StoredPoint point;
                if (item.is_object()) {
                    point.goal = goal_index(text_of(item.as_object(), "goal"));
                    const std::string theme = text_of(item.as_object(), "theme");
                    if (!theme.empty()) {
                        auto [it, added] = theme_index.emplace(theme, theme_ids.size());
                        if (added) theme_ids.push_back(theme);
                        point.theme = it->second;
                    }
                }
                lists[l].push_back(point);
            }
        }
        points_of.emplace(seq, std::move(lists));
    };
    std::unordered_map<std::string, std::optional<Date>> due_of;  // cycle id -> approval due

    store.visit_started(
        query,
        [&](const CycleStatusRow& row) {
            const auto* workflow = workflows::find_workflow(row.cycle.workflow);
            if (!workflow) return;
            if (workflow->is_case) {
                auto parent = scope.find(row.cycle.parent_id);
                if (parent == scope.end()) return;
                const std::size_t area = parent->second.area;
                scope[row.cycle.id] = {area, row.institution_name, row.cycle, row.cycle.parent_id};
                return;
            }
            auto area_it = area_index.find(row.area_id);
            if (area_it == area_index.end()) return;
            scope[row.cycle.id] = {area_it->second, row.institution_name, row.cycle, {}};
            ++report.areas[area_it->second].cycles;
        },
        [&](const EventRecord& event) {
            auto in = scope.find(event.cycle_id);
            if (in == scope.end()) return;
            auto payload = parse_object(event.payload);
            if (!payload) return;
            const std::size_t area = in->second.area;
            if (!in->second.parent.empty()) {  // a supervision case
                auto& facts = cases[event.cycle_id];
                if (event.event == workflows::kCaseOpenedEvent) {
                    facts.opened = true;
                    facts.goal = text_of(*payload, "goal");
                    facts.theme = text_of(*payload, "theme");
                } else if (support_events.count(event.event)) {
                    ++facts.support;
                }
                return;
            }
            if (signal_events.count(event.event)) {
                std::string text = text_of(*payload, "signals_political");
                std::string goal = text_of(*payload, "signals_goal");
                std::string theme = text_of(*payload, "signals_theme");
                if (blank(text) && goal.empty() && theme.empty()) return;
                statements.push_back({event.seq, area, std::move(goal), std::move(theme),
                                      std::move(text), in->second.institution_name});
                return;
            }
            if (!point_events.count(event.event)) return;
            for (const std::string_view k : kPointKeys) {
                const auto* list = payload->if_contains(k);
                if (!list || !list->is_array()) continue;
                for (const auto& item : list->as_array()) {
                    if (!item.is_object()) continue;
                    const auto& point = item.as_object();
                    const std::string goal = text_of(point, "goal"),
                                      theme = text_of(point, "theme");
                    tally.count(area, goal, theme, [&](ReportFigures& f) -> int& {
                        return k == "focus_areas"          ? f.focus_areas
                               : k == "development_points" ? f.development_points
                                                           : f.supervision_points;
                    });
                }
            }
            if (const auto* list = payload->if_contains("assessments"); list && list->is_array()) {
                for (const auto& item : list->as_array()) {
                    if (!item.is_object()) continue;
                    auto ref = parse_point_ref(text_of(item.as_object(), "point"));
                    if (!ref) continue;
                    assessments.push_back({area, *ref, text_of(item.as_object(), "result")});
                }
            }
            keep_points(event.seq, *payload);
        },
        [&](const DeadlineRecord& deadline) {
            if (!scope.count(deadline.cycle_id)) return;
            auto& due = due_of[deadline.cycle_id + "\n" + deadline.step];
            if (!due || deadline.due_on > *due) due = deadline.due_on;  // the latest, as armed
        });

    // Supervision cases: counted by the point that opened them.
    for (const auto& [id, in] : scope) {
        if (in.parent.empty()) continue;
        const auto facts = cases.find(id);
        if (facts == cases.end() || !facts->second.opened) continue;
        auto machine = workflows::make_machine(in.cycle.workflow, in.cycle.state);
        const bool resolved = machine && machine->is_final();
        const auto& f = facts->second;
        tally.count(in.area, f.goal, f.theme,
                    [](ReportFigures& r) -> int& { return r.cases_opened; });
        tally.count(in.area, f.goal, f.theme, [&](ReportFigures& r) -> int& {
            return resolved ? r.cases_resolved : r.cases_open;
        });
        for (int i = 0; i < f.support; ++i) {
            tally.count(in.area, f.goal, f.theme,
                        [](ReportFigures& r) -> int& { return r.support_agreed; });
        }
    }

    // Assessments: counted by the earlier point they assess (its goal and theme), which an
    // earlier period may have given: those events are read by their seq.
    std::vector<long long> missing;
    for (const auto& a : assessments) {
        if (!points_of.count(a.point.seq)) missing.push_back(a.point.seq);
    }
    std::sort(missing.begin(), missing.end());
    missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
    for (auto& event : store.events_by_seq(missing)) {
        if (auto payload = parse_object(event.payload)) keep_points(event.seq, *payload);
    }
    for (const auto& a : assessments) {
        auto found = points_of.find(a.point.seq);
        if (found == points_of.end()) continue;
        const auto& list = found->second[static_cast<std::size_t>(a.point.list)];
        if (a.point.index >= list.size()) continue;
        const StoredPoint& point = list[a.point.index];
        const std::string goal =
            point.goal < 0 ? std::string{}
                           : std::string(kEffectGoals[static_cast<std::size_t>(point.goal)]);
        const std::string theme =
            point.theme < 0 ? std::string{} : theme_ids[static_cast<std::size_t>(point.theme)];
        if (a.result != "achieved" && a.result != "partly" && a.result != "not_achieved") continue;
        tally.count(a.area, goal, theme, [&](ReportFigures& r) -> int& {
            return a.result == "achieved" ? r.achieved
                   : a.result == "partly" ? r.partly
                                          : r.not_achieved;
        });
    }

    // Plans: on time, late or not yet.
    for (const auto& [id, in] : scope) {
        if (!in.parent.empty()) continue;
        const auto* workflow = workflows::find_workflow(in.cycle.workflow);
        for (const auto& step : workflow->steps) {
            if (!step.political_on_time) continue;
            const Anchors anchors = anchors_from_json(in.cycle.anchors);
            const auto approved = find_anchor(anchors, step.id);
            const auto due = due_of.find(id + "\n" + std::string(step.id));
            auto machine = workflows::make_machine(in.cycle.workflow, in.cycle.state);
            auto& plans = report.areas[in.area].plans;
            if (approved && due != due_of.end() && due->second) {
                ++(*approved <= *due->second ? plans.on_time : plans.late);
            } else if (machine && !machine->is_final()) {  // not cancelled
                ++plans.pending;
            }
        }
    }

    // Themes: the band's themes of the periods in scope, in the order recorded, then any
    // other theme a point names, then the points without one.
    const auto themes = report_themes(store);
    auto title_of = [&](const std::string& id) -> std::string {
        for (const auto& t : themes) {
            if (t.id == id) return t.title;
        }
        return "Ukendt tema";
    };
    std::vector<std::string> theme_order;
    for (const auto& t : themes) {
        if (t.published && t.age_band == report.age_band &&
            t.period >= year_of(report.covers_from) && t.period <= year_of(report.deadline)) {
            theme_order.push_back(t.id);
        }
    }
    for (const auto& [id, figures] : tally.by_theme) {
        if (!id.empty() &&
            std::find(theme_order.begin(), theme_order.end(), id) == theme_order.end()) {
            theme_order.push_back(id);
        }
    }
    for (const auto& s : statements) {
        if (!s.theme.empty() &&
            std::find(theme_order.begin(), theme_order.end(), s.theme) == theme_order.end()) {
            theme_order.push_back(s.theme);
        }
    }
    for (const auto& id : theme_order)
        report.themes.push_back({id, title_of(id), tally.by_theme[id]});
    report.themes.push_back({"", "Uden tema", tally.by_theme[""]});

    // The boards' statements: grouped by goal (in kEffectGoals order, then none) and theme
    // (in the themes' order, then none); the first quotes of each group, by when they came.
    std::sort(statements.begin(), statements.end(),
              [](const Statement& a, const Statement& b) { return a.seq < b.seq; });
    std::vector<std::string> goals(kEffectGoals.begin(), kEffectGoals.end());
    goals.emplace_back();
    std::vector<std::string> theme_keys = theme_order;
    theme_keys.emplace_back();
    for (const auto& goal : goals) {
        for (const auto& theme : theme_keys) {
            StatementGroup group{goal, theme, {}, 0, {}};
            if (!goal.empty() && !theme.empty()) {
                group.title = fmt::format("{} · {}", goal_title(goal), title_of(theme));
            } else if (!goal.empty()) {
                group.title = std::string(goal_title(goal));
            } else if (!theme.empty()) {
                group.title = title_of(theme);
            } else {
                group.title = "Uden emne";
            }
            for (const auto& s : statements) {
                if (s.goal != goal || s.theme != theme) continue;
                ++group.statements;
                if (group.quotes.size() >= kQuotesPerGroup || blank(s.text)) continue;
                std::string text = s.text;
                if (!report.names_institutions) {
                    for (const auto& name : institution_names) {
                        if (utf8_length(name) >= 3) text = replace_all(text, name, "[tilbuddet]");
                    }
                }
                group.quotes.push_back(
                    {shorten_quote(text, kQuoteLength),
                     report.names_institutions ? s.institution : report.areas[s.area].area_name});
            }
            if (group.statements > 0) report.statements.push_back(std::move(group));
        }
    }
    for (const auto& s : statements) ++report.areas[s.area].statements;

    for (const auto& area : report.areas) add_into(report.total, area);
    return report;
}

// ---------------------------------------------------------------------------------------------
// Text, Markdown and CSV

std::string csv_cell(std::string_view text) {
    std::string out;
    if (!text.empty() &&
        std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) {
        out += '\'';
    }
    out += text;
    if (out.find_first_of(";\"\r\n") == std::string::npos) return out;
    std::string quoted = "\"";
    for (char c : out) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + "\"";
}

std::string markdown_text(std::string_view text) {
    std::string out;
    bool line_start = true;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\r' || c == '\n') {
            if (!out.empty() && out.back() != ' ') out += ' ';
            continue;
        }
        // Everywhere: what marks emphasis, code, links, HTML, tables and escapes.
        if (std::string_view("\\`*_[]<>|~").find(c) != std::string_view::npos) out += '\\';
        // At the start: what makes a heading, a list, a quote or a rule.
        else if (line_start && std::string_view("#+-=>").find(c) != std::string_view::npos)
            out += '\\';
        else if (line_start && c >= '0' && c <= '9') {
            // "1. " or "1) " would start a numbered list.
            std::size_t j = i;
            while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
            out.append(text.substr(i, j - i));
            if (j < text.size() && (text[j] == '.' || text[j] == ')')) out += '\\';
            i = j - 1;
            line_start = false;
            continue;
        }
        out += c;
        if (c != ' ') line_start = false;
    }
    return out;
}

namespace {

struct Column {
    std::string_view key;    // data-col
    std::string_view title;  // what people read
    int ReportFigures::*field;
};

constexpr std::array<Column, 10> kColumns = {{
    {"focus_areas", "Fokusområder", &ReportFigures::focus_areas},
    {"development_points", "Udviklingspunkter", &ReportFigures::development_points},
    {"supervision_points", "Tilsynspunkter", &ReportFigures::supervision_points},
    {"cases_opened", "Tilsynssager åbnet", &ReportFigures::cases_opened},
    {"cases_resolved", "Tilsynssager afsluttet", &ReportFigures::cases_resolved},
    {"cases_open", "Tilsynssager åbne", &ReportFigures::cases_open},
    {"achieved", "Tidligere punkter nået", &ReportFigures::achieved},
    {"partly", "Delvist nået", &ReportFigures::partly},
    {"not_achieved", "Ikke nået", &ReportFigures::not_achieved},
    {"support_agreed", "Aftalt understøttelse", &ReportFigures::support_agreed},
}};

// The bars of a chart: the first three columns, the points given.
constexpr std::size_t kChartSeries = 3;
constexpr std::array<std::string_view, kChartSeries> kSeriesColours = {"#2b6a9e", "#e0a526",
                                                                       "#b8433b"};

std::string scope_sentence(const PoliticalReport& report) {
    return fmt::format(
        "Aldersgruppe {} år. Forløb startet fra {} til {} (rapportens frist). {}", report.age_band,
        danish_date(report.covers_from), danish_date(report.deadline),
        report.names_institutions
            ? "Tilbud nævnes ved navn."
            : std::string("Kun områder nævnes; tilbuddenes navne er fjernet, også i citaterne."));
}

std::string plan_sentence(const PlanFigures& p) {
    return fmt::format(
        "Udviklingsplaner godkendt til tiden: {}, for sent: {}, ikke godkendt endnu: {}.",
        p.on_time, p.late, p.pending);
}

}  // namespace

std::string political_report_markdown(const PoliticalReport& report, const Config& config) {
    std::string out =
        fmt::format("# Politisk rapport {} – {}\n\n{}\n\n", report.year,
                    markdown_text(config.organisation.name), markdown_text(scope_sentence(report)));
    auto header = [](std::string_view first) {
        std::string h = fmt::format("| {} |", first), rule = "|---|";
        for (const auto& c : kColumns) {
            h += fmt::format(" {} |", c.title);
            rule += "---:|";
        }
        return h + "\n" + rule + "\n";
    };
    auto row = [](std::string_view title, const ReportFigures& f) {
        std::string r = fmt::format("| {} |", markdown_text(title));
        for (const auto& c : kColumns) r += fmt::format(" {} |", f.*(c.field));
        return r + "\n";
    };
    auto goal_table = [&](const AreaFigures& a) {
        std::string t = header("Effektmål");
        for (std::size_t g = 0; g < kEffectGoals.size(); ++g) {
            t += row(goal_title(kEffectGoals[g]), a.goals[g]);
        }
        return t;
    };
    out += fmt::format("## I alt ({} forløb)\n\n### Effektmål\n\n{}\n", report.total.cycles,
                       goal_table(report.total));
    out += "### Politisk besluttede temaer\n\n" + header("Tema");
    for (const auto& t : report.themes) out += row(t.title, t.figures);
    out += fmt::format("\n### Udviklingsplaner\n\n{}\n\n", plan_sentence(report.total.plans));
    out += fmt::format(
        "### Bestyrelsernes signaler til det politiske niveau\n\n{} {} med signaler til det "
        "politiske niveau, samlet efter effektmål og tema.\n\n",
        report.total.statements, report.total.statements == 1 ? "udtalelse" : "udtalelser");
    for (const auto& g : report.statements) {
        out += fmt::format("#### {} ({} {})\n\n", markdown_text(g.title), g.statements,
                           g.statements == 1 ? "udtalelse" : "udtalelser");
        for (const auto& q : g.quotes) {
            out += fmt::format("- »{}« ({})\n", markdown_text(q.text), markdown_text(q.from));
        }
        out += "\n";
    }
    for (const auto& area : report.areas) {
        out += fmt::format("## {} ({} forløb)\n\n{}\n{}\n\n", markdown_text(area.area_name),
                           area.cycles, goal_table(area), plan_sentence(area.plans));
    }
    return out;
}

namespace {

struct Bar {
    std::string row;    // data-row
    std::string label;  // what people read
    std::array<int, kChartSeries> values{};
};

std::string short_label(const std::string& text) { return shorten_quote(text, 56); }

/// A horizontal bar chart, one group of bars per row, drawn with presentation attributes only
/// (the dashboard's policy allows no inline styles). Each bar carries the chart, row and
/// column of its table cell and its value.
std::string bar_chart(std::string_view chart, std::string_view title, const std::vector<Bar>& bars,
                      const std::vector<std::pair<std::string_view, std::string_view>>& series) {
    int max = 1;
    for (const auto& b : bars) {
        for (std::size_t s = 0; s < series.size(); ++s) max = std::max(max, b.values[s]);
    }
    constexpr int kWidth = 400, kBarArea = 330, kBarHeight = 14, kGap = 3, kLabel = 20;
    const int group = kLabel + static_cast<int>(series.size()) * (kBarHeight + kGap) + 8;
    const int legend = series.size() > 1 ? 24 : 0;
    const int height = legend + static_cast<int>(bars.size()) * group + 4;
    std::string out = fmt::format(
        R"(<figure class="chart"><svg role="img" aria-labelledby="chart-{0}-title" )"
        R"(viewBox="0 0 {1} {2}" width="100%" preserveAspectRatio="xMinYMin meet" )"
        R"(data-chart="{0}" xmlns="http://www.w3.org/2000/svg"><title id="chart-{0}-title">)"
        R"({3}</title><desc>Søjlerne viser tallene i tabellen nedenfor.</desc>)",
        chart, kWidth, height, html_escape(title));
    if (legend) {
        int x = 0;
        for (std::size_t s = 0; s < series.size(); ++s) {
            out += fmt::format(R"(<rect x="{}" y="4" width="12" height="12" fill="{}"/>)"
                               R"(<text x="{}" y="14" font-size="12" fill="#222">{}</text>)",
                               x, kSeriesColours[s], x + 16, html_escape(series[s].second));
            x += 28 + static_cast<int>(utf8_length(series[s].second)) * 7;
        }
    }
    int y = legend;
    for (const auto& b : bars) {
        out += fmt::format(R"(<text x="0" y="{}" font-size="13" fill="#222">{}</text>)", y + 14,
                           html_escape(short_label(b.label)));
        int bar_y = y + kLabel;
        for (std::size_t s = 0; s < series.size(); ++s) {
            const int v = b.values[s];
            const int w = v == 0 ? 0 : std::max(2, v * kBarArea / max);
            out += fmt::format(
                R"(<rect x="0" y="{}" width="{}" height="{}" fill="{}" data-chart="{}" )"
                R"(data-row="{}" data-col="{}" data-value="{}"><title>{}: {}</title></rect>)"
                R"(<text x="{}" y="{}" font-size="12" fill="#222">{}</text>)",
                bar_y, w, kBarHeight, kSeriesColours[s], chart, html_escape(b.row), series[s].first,
                v, html_escape(series[s].second), v, w + 6, bar_y + kBarHeight - 3, v);
            bar_y += kBarHeight + kGap;
        }
        y += group;
    }
    return out + "</svg></figure>";
}

std::string figures_table(std::string_view chart, std::string_view first,
                          const std::vector<std::pair<std::string, std::string>>& rows,
                          const std::vector<const ReportFigures*>& figures) {
    // Two header rows: the cases' and the assessments' columns under one heading each, and
    // soft hyphens in the long words, so the table fits a laptop's screen and an A4 page.
    std::string t = fmt::format(
        R"(<div class="table-wrap"{}><table class="report"><thead><tr><th scope="col" )"
        R"(rowspan="2">{}</th><th scope="col" rowspan="2">Fokus&shy;områder</th><th )"
        R"(scope="col" rowspan="2">Udviklings&shy;punkter</th><th scope="col" rowspan="2">)"
        R"(Tilsyns&shy;punkter</th><th scope="colgroup" colspan="3">Tilsynssager</th>)"
        R"(<th scope="colgroup" colspan="3">Tidligere punkter</th><th scope="col" )"
        R"(rowspan="2">Aftalt under&shy;støttelse</th></tr><tr><th scope="col">åbnet</th>)"
        R"(<th scope="col">afsluttet</th><th scope="col">åbne</th><th scope="col">nået</th>)"
        R"(<th scope="col">delvist nået</th><th scope="col">ikke nået</th></tr></thead><tbody>)",
        scroll_region(fmt::format("Tabel: {}", html_escape(first))), first);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& [key, title] = rows[i];
        t += fmt::format(R"(<tr data-row="{}"><th scope="row">{}</th>)", html_escape(key),
                         html_escape(title));
        for (const auto& c : kColumns) {
            if (chart.empty()) {
                t += fmt::format("<td>{}</td>", (*figures[i]).*(c.field));
            } else {
                t += fmt::format(R"(<td data-chart="{}" data-row="{}" data-col="{}">{}</td>)",
                                 chart, html_escape(key), c.key, (*figures[i]).*(c.field));
            }
        }
        t += "</tr>";
    }
    return t + "</tbody></table></div>";
}

std::string goal_table(std::string_view chart, const AreaFigures& a) {
    std::vector<std::pair<std::string, std::string>> rows;
    std::vector<const ReportFigures*> figures;
    for (std::size_t g = 0; g < kEffectGoals.size(); ++g) {
        rows.emplace_back(kEffectGoals[g], goal_title(kEffectGoals[g]));
        figures.push_back(&a.goals[g]);
    }
    return figures_table(chart, "Effektmål", rows, figures);
}

std::vector<std::pair<std::string_view, std::string_view>> point_series() {
    std::vector<std::pair<std::string_view, std::string_view>> s;
    for (std::size_t i = 0; i < kChartSeries; ++i)
        s.emplace_back(kColumns[i].key, kColumns[i].title);
    return s;
}

Bar figures_bar(std::string row, std::string label, const ReportFigures& f) {
    Bar b{std::move(row), std::move(label), {}};
    for (std::size_t i = 0; i < kChartSeries; ++i) b.values[i] = f.*(kColumns[i].field);
    return b;
}

std::string plans_table(std::string_view chart, const PlanFigures& p) {
    std::string cells;
    for (const auto& [key, title, value] :
         {std::tuple{"on_time", "Godkendt til tiden", p.on_time},
          std::tuple{"late", "Godkendt for sent", p.late},
          std::tuple{"pending", "Ikke godkendt endnu", p.pending}}) {
        cells += fmt::format(
            R"(<tr data-row="{0}"><th scope="row">{1}</th><td data-chart="{2}" data-row="{0}" )"
            R"(data-col="plans">{3}</td></tr>)",
            key, title, chart, value);
    }
    return R"(<div class="table-wrap")" + scroll_region("Tabel: Udviklingsplaner") +
           R"(><table class="report narrow"><thead><tr><th scope="col">)"
           R"(Udviklingsplaner</th><th scope="col">Antal</th></tr></thead><tbody>)" +
           cells + "</tbody></table></div>";
}

}  // namespace

std::string political_report_html(const PoliticalReport& report, const Config& config) {
    std::string out = fmt::format(
        R"(<section class="report"><h1>Politisk rapport {}</h1><p class="sub">{}</p>)"
        R"(<p class="sub">{}</p>)",
        report.year, html_escape(config.organisation.name), html_escape(scope_sentence(report)));

    out += fmt::format(R"(<h2>I alt ({} forløb)</h2><h3>Effektmål</h3>)", report.total.cycles);
    std::vector<Bar> goal_bars;
    for (std::size_t g = 0; g < kEffectGoals.size(); ++g) {
        goal_bars.push_back(figures_bar(std::string(kEffectGoals[g]),
                                        std::string(goal_title(kEffectGoals[g])),
                                        report.total.goals[g]));
    }
    out += bar_chart("goals", "Fokusområder, udviklingspunkter og tilsynspunkter pr. effektmål",
                     goal_bars, point_series());
    out += goal_table("goals", report.total);

    out += "<h3>Politisk besluttede temaer</h3>";
    std::vector<Bar> theme_bars;
    std::vector<std::pair<std::string, std::string>> theme_rows;
    std::vector<const ReportFigures*> theme_figures;
    for (const auto& t : report.themes) {
        const std::string key = t.theme.empty() ? "-" : t.theme;
        theme_bars.push_back(figures_bar(key, t.title, t.figures));
        theme_rows.emplace_back(key, t.title);
        theme_figures.push_back(&t.figures);
    }
    out += bar_chart("themes", "Fokusområder, udviklingspunkter og tilsynspunkter pr. tema",
                     theme_bars, point_series());
    out += figures_table("themes", "Tema", theme_rows, theme_figures);

    out += "<h3>Udviklingsplaner</h3>";
    const auto& p = report.total.plans;
    out += bar_chart("plans", "Udviklingsplaner godkendt til tiden, for sent og ikke endnu",
                     {Bar{"on_time", "Godkendt til tiden", {p.on_time}},
                      Bar{"late", "Godkendt for sent", {p.late}},
                      Bar{"pending", "Ikke godkendt endnu", {p.pending}}},
                     {{"plans", "Udviklingsplaner"}});
    out += plans_table("plans", p);

    out += fmt::format(
        R"(<h3>Bestyrelsernes signaler til det politiske niveau</h3><p>{} {} med signaler til )"
        R"(det politiske niveau, samlet efter effektmål og tema.</p>)",
        report.total.statements, report.total.statements == 1 ? "udtalelse" : "udtalelser");
    if (!report.statements.empty()) {
        std::vector<Bar> bars;
        std::string rows;
        for (std::size_t i = 0; i < report.statements.size(); ++i) {
            const auto& g = report.statements[i];
            const std::string key = fmt::format("{}|{}", g.goal, g.theme);
            bars.push_back(Bar{key, g.title, {g.statements}});
            rows += fmt::format(
                R"(<tr data-row="{0}"><th scope="row">{1}</th><td data-chart="statements" )"
                R"(data-row="{0}" data-col="statements">{2}</td></tr>)",
                html_escape(key), html_escape(g.title), g.statements);
        }
        out += bar_chart("statements", "Bestyrelsernes udtalelser pr. emne", bars,
                         {{"statements", "Udtalelser"}});
        out += R"(<div class="table-wrap")" + scroll_region("Tabel: Bestyrelsernes udtalelser") +
               R"(><table class="report narrow"><thead><tr><th )"
               R"(scope="col">Emne</th><th scope="col">Udtalelser</th></tr></thead><tbody>)" +
               rows + "</tbody></table></div>";
        for (const auto& g : report.statements) {
            out += fmt::format(R"(<h4>{} <span class="muted">({} {})</span></h4>)",
                               html_escape(g.title), g.statements,
                               g.statements == 1 ? "udtalelse" : "udtalelser");
            if (g.quotes.empty()) continue;
            out += R"(<ul class="quotes">)";
            for (const auto& q : g.quotes) {
                out += fmt::format(R"(<li><q>{}</q> <span class="muted">({})</span></li>)",
                                   html_escape(q.text), html_escape(q.from));
            }
            out += "</ul>";
        }
    }

    out += "<h2>Områderne</h2>";
    for (const auto& area : report.areas) {
        out += fmt::format(R"(<h3 data-area="{}">{} ({} forløb)</h3>{}<p>{}</p>)",
                           html_escape(area.area_id), html_escape(area.area_name), area.cycles,
                           goal_table("", area), html_escape(plan_sentence(area.plans)));
    }
    out += "</section>";
    return out;
}

std::string political_report_csv(const PoliticalReport& report) {
    constexpr std::string_view kBom = "\xEF\xBB\xBF";
    std::string out(kBom);
    out += "År;Aldersgruppe;Område;Opdelt efter;Emne;Forløb";
    for (const auto& c : kColumns) out += ";" + csv_cell(c.title);
    out +=
        ";Planer godkendt til tiden;Planer godkendt for sent;Planer ikke godkendt endnu;"
        "Udtalelser;Citater\r\n";
    auto start = [&](std::string_view area, std::string_view by, std::string_view subject) {
        return fmt::format("{};{};{};{};{}", report.year, csv_cell(report.age_band), csv_cell(area),
                           csv_cell(by), csv_cell(subject));
    };
    auto figures = [](const ReportFigures& f) {
        std::string r;
        for (const auto& c : kColumns) r += fmt::format(";{}", f.*(c.field));
        return r;
    };
    const std::string no_figures(kColumns.size(), ';');
    auto area_rows = [&](const AreaFigures& a, std::string_view name) {
        for (std::size_t g = 0; g < kEffectGoals.size(); ++g) {
            out += start(name, "Effektmål", goal_title(kEffectGoals[g])) + ";" +
                   figures(a.goals[g]) + ";;;;;\r\n";
        }
        out += fmt::format("{};{}{};{};{};{};{};\r\n", start(name, "Udviklingsplaner", "Alle"),
                           a.cycles, no_figures, a.plans.on_time, a.plans.late, a.plans.pending,
                           a.statements);
    };
    for (const auto& area : report.areas) area_rows(area, area.area_name);
    area_rows(report.total, "I alt");
    for (const auto& t : report.themes) {
        out += start("I alt", "Tema", t.title) + ";" + figures(t.figures) + ";;;;;\r\n";
    }
    for (const auto& g : report.statements) {
        std::string quotes;
        for (const auto& q : g.quotes) {
            // A line break inside the quoted cell, written CRLF as every line of the file.
            quotes += (quotes.empty() ? "" : "\r\n") + fmt::format("{} ({})", q.text, q.from);
        }
        // A quote's own text may begin the cell: neutralised like any other.
        out +=
            fmt::format("{};{};;;;{};{}\r\n", start("I alt", "Bestyrelsernes udtalelser", g.title),
                        no_figures, g.statements, csv_cell(quotes));
    }
    return out;
}

}  // namespace tilsyn
