#include "engine/political_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <set>

#include "engine/html.hpp"
#include "engine/timeline.hpp"
#include "workflows/description.hpp"
#include "workflows/workflow.hpp"

namespace tilsyn {

namespace json = boost::json;

namespace {

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

void add_into(AreaFigures& total, const AreaFigures& area) {
    total.cycles += area.cycles;
    total.plans_on_time += area.plans_on_time;
    total.plans_late += area.plans_late;
    total.plans_pending += area.plans_pending;
    for (std::size_t g = 0; g < kEffectGoals.size(); ++g) {
        auto& t = total.goals[g];
        const auto& a = area.goals[g];
        t.development_points += a.development_points;
        t.supervision_points += a.supervision_points;
        t.cases_opened += a.cases_opened;
        t.cases_resolved += a.cases_resolved;
        t.cases_open += a.cases_open;
    }
}

std::string csv_field(std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

}  // namespace

std::optional<int> parse_report_year(std::string_view text) {
    if (text.size() != 4 || text.find_first_not_of("0123456789") != std::string_view::npos ||
        text < "2000" || text > "2100") {
        return std::nullopt;
    }
    return std::stoi(std::string(text));
}

std::string age_band_of_year(int year) { return year % 2 == 0 ? "6-18" : "0-6"; }

PoliticalReport build_political_report(Store& store, const Config& config, int year,
                                       const std::vector<std::string>& areas) {
    PoliticalReport report;
    report.year = year;
    report.age_band = age_band_of_year(year);
    std::map<std::string, std::size_t> area_index;
    for (const auto& area : config.areas) {
        if (!areas.empty() && std::find(areas.begin(), areas.end(), area.id) == areas.end()) {
            continue;
        }
        area_index[area.id] = report.areas.size();
        report.areas.push_back(AreaFigures{area.id, area.name, 0, {}, {}, 0, 0, 0});
    }
    std::map<std::string, std::string> kind_of;  // institution id -> kind
    for (const auto& inst : store.institutions()) kind_of[inst.id] = inst.kind;
    auto in_band = [&](const std::string& institution) {
        auto it = kind_of.find(institution);
        if (it == kind_of.end()) return false;
        auto kind = parse_kind(it->second);
        return kind && age_band(*kind) == report.age_band;
    };

    const auto rows = store.cycle_status("", "");
    std::set<std::string> in_scope;  // cycle ids
    for (const auto& row : rows) {
        const auto& c = row.cycle;
        const auto* workflow = workflows::find_workflow(c.workflow);
        if (!workflow || workflow->is_case) continue;
        const int started = static_cast<int>(std::chrono::year_month_day{c.started_on}.year());
        if ((started != year && started != year - 1) || !in_band(c.institution_id)) continue;
        auto area_it = area_index.find(row.area_id);
        if (area_it == area_index.end()) continue;
        AreaFigures& area = report.areas[area_it->second];
        in_scope.insert(c.id);
        ++area.cycles;
        for (const auto& event : store.events(c.id)) {
            boost::system::error_code ec;
            auto value = json::parse(event.payload, ec);
            if (ec || !value.is_object()) continue;
            const auto& payload = value.as_object();
            const auto* described = workflows::find_event(event.event);
            if (!described) continue;
            if (described->records_board_signals) {
                std::string signal = text_of(payload, "signals_political");
                if (signal.find_first_not_of(" \t\r\n") != std::string::npos) {
                    area.political_signals.push_back({row.institution_name, std::move(signal)});
                }
                continue;
            }
            if (!described->records_points) continue;
            for (const char* key : {"development_points", "focus_areas", "supervision_points"}) {
                const auto* list = payload.if_contains(key);
                if (!list || !list->is_array()) continue;
                const bool supervision = std::string_view(key) == "supervision_points";
                for (const auto& item : list->as_array()) {
                    if (!item.is_object()) continue;
                    const int g = goal_index(text_of(item.as_object(), "goal"));
                    if (g < 0) continue;
                    auto& figures = area.goals[g];
                    const std::string title = fmt::format("{}: {}", row.institution_name,
                                                          text_of(item.as_object(), "title"));
                    if (supervision) {
                        ++figures.supervision_points;
                        figures.supervision_titles.push_back(title);
                    } else {
                        ++figures.development_points;
                        figures.development_titles.push_back(title);
                    }
                }
            }
        }
        // Steps the report counts as on time or late (the development plan's approval).
        for (const auto& step : workflow->steps) {
            if (!step.political_on_time) continue;
            const Anchors anchors = anchors_from_json(c.anchors);
            const auto approved = find_anchor(anchors, step.id);
            std::optional<Date> due;
            for (const auto& d : store.deadlines(c.id)) {
                if (d.step == step.id && d.kind == "due") due = d.due_on;
            }
            auto machine = workflows::make_machine(c.workflow, c.state);
            if (approved && due) {
                ++(*approved <= *due ? area.plans_on_time : area.plans_late);
            } else if (machine && !machine->is_final()) {  // not cancelled
                ++area.plans_pending;
            }
        }
    }
    for (const auto& row : rows) {
        const auto& c = row.cycle;
        const auto* workflow = workflows::find_workflow(c.workflow);
        if (!workflow || !workflow->is_case || !in_scope.count(c.parent_id)) continue;
        auto area_it = area_index.find(row.area_id);
        if (area_it == area_index.end()) continue;
        std::string goal;
        for (const auto& event : store.events(c.id)) {
            if (event.event != workflows::kCaseOpenedEvent) continue;
            boost::system::error_code ec;
            auto value = json::parse(event.payload, ec);
            if (!ec && value.is_object()) goal = text_of(value.as_object(), "goal");
        }
        const int g = goal_index(goal);
        if (g < 0) continue;
        auto& figures = report.areas[area_it->second].goals[g];
        ++figures.cases_opened;
        auto machine = workflows::make_machine(c.workflow, c.state);
        ++((machine && machine->is_final()) ? figures.cases_resolved : figures.cases_open);
    }
    for (const auto& area : report.areas) add_into(report.total, area);
    return report;
}

std::string political_report_markdown(const PoliticalReport& report, const Config& config) {
    std::string out = fmt::format(
        "# Politisk rapport {} – {}\n\nAldersgruppe {} år. Kvalitetsrapport- og "
        "læringsdialogforløb startet i {} og {}.\n\n",
        report.year, config.organisation.name, report.age_band, report.year - 1, report.year);
    auto table = [&](const AreaFigures& a) {
        std::string t =
            "| Effektmål | Udviklingspunkter | Tilsynspunkter | Tilsynssager åbnet | "
            "afsluttet | åbne |\n|---|---:|---:|---:|---:|---:|\n";
        for (std::size_t g = 0; g < kEffectGoals.size(); ++g) {
            const auto& f = a.goals[g];
            t += fmt::format("| {} | {} | {} | {} | {} | {} |\n", goal_title(kEffectGoals[g]),
                             f.development_points, f.supervision_points, f.cases_opened,
                             f.cases_resolved, f.cases_open);
        }
        t += fmt::format(
            "\nUdviklingsplaner godkendt til tiden: {}, for sent: {}, ikke godkendt: {}.\n",
            a.plans_on_time, a.plans_late, a.plans_pending);
        return t;
    };
    out += fmt::format("## I alt ({} forløb)\n\n{}\n", report.total.cycles, table(report.total));
    for (const auto& area : report.areas) {
        out += fmt::format("## {} ({} forløb)\n\n{}", area.area_name, area.cycles, table(area));
        out += "\n### Bestyrelsernes signaler til det politiske niveau\n\n";
        if (area.political_signals.empty()) out += "Ingen.\n";
        for (const auto& s : area.political_signals) {
            out += fmt::format("- **{}**: {}\n", s.institution, s.text);
        }
        for (std::size_t g = 0; g < kEffectGoals.size(); ++g) {
            const auto& f = area.goals[g];
            if (f.development_titles.empty() && f.supervision_titles.empty()) continue;
            out += fmt::format("\n### {}\n\n", goal_title(kEffectGoals[g]));
            for (const auto& t : f.development_titles)
                out += fmt::format("- Udviklingspunkt: {}\n", t);
            for (const auto& t : f.supervision_titles)
                out += fmt::format("- Tilsynspunkt: {}\n", t);
        }
        out += "\n";
    }
    return out;
}

std::string political_report_html(const PoliticalReport& report, const Config& config) {
    std::string out =
        fmt::format(R"(<section class="report"><h1>Politisk rapport {}</h1><p class="sub">{} · )"
                    R"(aldersgruppe {} år · forløb startet i {} og {}</p>)",
                    report.year, html_escape(config.organisation.name), report.age_band,
                    report.year - 1, report.year);
    auto table = [&](const AreaFigures& a) {
        std::string t =
            R"(<table class="report"><thead><tr><th>Effektmål</th><th>Udviklingspunkter</th>)"
            R"(<th>Tilsynspunkter</th><th>Tilsynssager åbnet</th><th>afsluttet</th><th>åbne</th>)"
            R"(</tr></thead><tbody>)";
        for (std::size_t g = 0; g < kEffectGoals.size(); ++g) {
            const auto& f = a.goals[g];
            t += fmt::format(
                R"(<tr data-goal="{}"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>)"
                R"(<td>{}</td></tr>)",
                kEffectGoals[g], goal_title(kEffectGoals[g]), f.development_points,
                f.supervision_points, f.cases_opened, f.cases_resolved, f.cases_open);
        }
        t += fmt::format(
            R"(</tbody></table><p>Udviklingsplaner godkendt til tiden: <strong>{}</strong>, )"
            R"(for sent: <strong>{}</strong>, ikke godkendt: <strong>{}</strong>.</p>)",
            a.plans_on_time, a.plans_late, a.plans_pending);
        return t;
    };
    out += fmt::format(R"(<h2>I alt ({} forløb)</h2>{})", report.total.cycles, table(report.total));
    for (const auto& area : report.areas) {
        out += fmt::format(R"(<h2 data-area="{}">{} ({} forløb)</h2>{})", html_escape(area.area_id),
                           html_escape(area.area_name), area.cycles, table(area));
        out += "<h3>Bestyrelsernes signaler til det politiske niveau</h3>";
        if (area.political_signals.empty())
            out += R"(<p class="muted">Ingen.</p>)";
        else
            out += "<ul>";
        for (const auto& s : area.political_signals) {
            out += fmt::format("<li><strong>{}</strong>: {}</li>", html_escape(s.institution),
                               html_escape(s.text));
        }
        if (!area.political_signals.empty()) out += "</ul>";
        for (std::size_t g = 0; g < kEffectGoals.size(); ++g) {
            const auto& f = area.goals[g];
            if (f.development_titles.empty() && f.supervision_titles.empty()) continue;
            out += fmt::format("<h3>{}</h3><ul>", goal_title(kEffectGoals[g]));
            for (const auto& t : f.development_titles) {
                out += fmt::format("<li>Udviklingspunkt: {}</li>", html_escape(t));
            }
            for (const auto& t : f.supervision_titles) {
                out += fmt::format("<li>Tilsynspunkt: {}</li>", html_escape(t));
            }
            out += "</ul>";
        }
    }
    out += "</section>";
    return out;
}

std::string political_report_csv(const PoliticalReport& report) {
    std::string out =
        "year,age_band,area,goal,development_points,supervision_points,cases_opened,"
        "cases_resolved,cases_open,plans_on_time,plans_late,plans_pending\r\n";
    auto rows = [&](const AreaFigures& a, std::string_view area_id) {
        for (std::size_t g = 0; g < kEffectGoals.size(); ++g) {
            const auto& f = a.goals[g];
            out +=
                fmt::format("{},{},{},{},{},{},{},{},{},,,\r\n", report.year, report.age_band,
                            csv_field(area_id), kEffectGoals[g], f.development_points,
                            f.supervision_points, f.cases_opened, f.cases_resolved, f.cases_open);
        }
        int dev = 0, sup = 0, opened = 0, resolved = 0, open = 0;
        for (const auto& f : a.goals) {
            dev += f.development_points;
            sup += f.supervision_points;
            opened += f.cases_opened;
            resolved += f.cases_resolved;
            open += f.cases_open;
        }
        out += fmt::format("{},{},{},all,{},{},{},{},{},{},{},{}\r\n", report.year, report.age_band,
                           csv_field(area_id), dev, sup, opened, resolved, open, a.plans_on_time,
                           a.plans_late, a.plans_pending);
    };
    for (const auto& area : report.areas) rows(area, area.area_id);
    rows(report.total, "all");
    return out;
}

}  // namespace tilsyn
