#include "engine/workload.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "engine/deadlines.hpp"
#include "engine/html.hpp"
#include "engine/messages.hpp"
#include "engine/plan_format.hpp"
#include "engine/planner.hpp"
#include "workflows/description.hpp"

namespace tilsyn {

IsoWeek iso_week(Date date) {
    using namespace std::chrono;
    const int weekday_number = static_cast<int>(weekday{date}.iso_encoding());  // Monday 1
    const Date thursday = date + days{4 - weekday_number};
    const year y = year_month_day{thursday}.year();
    const Date first = sys_days{y / January / 1};
    return {static_cast<int>(y), static_cast<int>((thursday - first).count() / 7 + 1)};
}

Date iso_week_monday(IsoWeek week) {
    using namespace std::chrono;
    // January 4th is always in week 1.
    const Date jan4 = sys_days{year{week.year} / January / 4};
    const Date monday = jan4 - days{static_cast<int>(weekday{jan4}.iso_encoding()) - 1};
    return monday + days{7 * (week.week - 1)};
}

std::string format_iso_week(IsoWeek week) { return fmt::format("{}-W{:02}", week.year, week.week); }

namespace {

struct PersonInfo {
    std::string name;
    std::vector<Role> roles;
};

/// Everyone the configuration names, with the roles it gives them.
std::unordered_map<std::string, PersonInfo> people_of(const Config& config) {
    std::unordered_map<std::string, PersonInfo> people;
    auto add = [&](const Person& person, Role role) {
        if (person.email.empty()) return;
        PersonInfo& info = people[person.email];
        if (info.name.empty()) info.name = person.name;
        if (std::find(info.roles.begin(), info.roles.end(), role) == info.roles.end()) {
            info.roles.push_back(role);
        }
    };
    add(config.organisation.administration, Role::admin);
    add(config.organisation.director, Role::director);
    for (const auto& area : config.areas) add(area.chief, Role::area_chief);
    for (const auto& inst : config.institutions) {
        add(inst.leader, Role::leader);
        add(inst.board, Role::board);
    }
    return people;
}

/// Writes `text` out once it holds a megabyte, so a long listing is not held whole.
void flush_if_large(std::ostream& out, std::string& text) {
    if (text.size() < (std::size_t{1} << 20)) return;
    out << text;
    text.clear();
}

}  // namespace

Workload compute_workload(const Domain& domain, Date from, Date to, const WorkloadFilter& filter) {
    const Config& config = domain.config;
    Workload workload;
    workload.from = from;
    workload.to = to;
    if (to <= from) return workload;
    const Date first_monday = iso_week_monday(iso_week(from));
    for (Date monday = first_monday; monday < to; monday += std::chrono::days{7}) {
        workload.weeks.push_back(iso_week(monday));
    }
    const auto people = people_of(config);
    std::unordered_map<std::string, std::size_t> index;
    // Each deadline's people depend on its tilbud, cycle and step only: resolved once into
    // indices of workload.people (those the filter keeps), kept for the cycle at hand as spans
    // of one flat list (one allocation, not one per tilbud and step).
    constexpr std::uint32_t kUnresolved = ~std::uint32_t{0};
    struct Span {
        std::uint32_t begin = kUnresolved;
        std::uint32_t end = 0;
    };
    std::vector<std::uint32_t> resolved;
    std::vector<Span> spans;  // by covered tilbud (its position in `covered`) and step
    auto resolve = [&](const PlanItem& item) -> Span {
        Span span{static_cast<std::uint32_t>(resolved.size()), 0};
        for (const auto& email : plan_recipients(config, item)) {
            if (!filter.email.empty() && email != filter.email) continue;
            auto it = index.find(email);
            if (it == index.end()) {
                auto info = people.find(email);
                if (filter.role && (info == people.end() ||
                                    std::find(info->second.roles.begin(), info->second.roles.end(),
                                              *filter.role) == info->second.roles.end())) {
                    continue;
                }
                WorkloadPerson person;
                person.email = email;
                if (info != people.end()) {
                    person.name = info->second.name;
                    person.roles = info->second.roles;
                }
                person.weeks.resize(workload.weeks.size());
                it = index.emplace(email, workload.people.size()).first;
                workload.people.push_back(std::move(person));
            }
            resolved.push_back(static_cast<std::uint32_t>(it->second));
        }
        span.end = static_cast<std::uint32_t>(resolved.size());
        return span;
    };
    // The plan's deadlines (every step completed on its due date), instance by instance: every
    // tilbud a cycle covers shares its instance's dates.
    for (std::size_t c = 0; c < config.cycles.size(); ++c) {
        const CycleConfig& cycle = config.cycles[c];
        const auto* workflow = workflows::find_workflow(cycle.workflow);
        if (!workflow) continue;
        std::vector<std::uint32_t> covered;
        for (std::size_t i = 0; i < config.institutions.size(); ++i) {
            if (selects(cycle.institutions, config.institutions[i])) {
                covered.push_back(static_cast<std::uint32_t>(i));
            }
        }
        const std::size_t steps = workflow->steps.size();
        resolved.clear();
        spans.assign(covered.size() * steps, Span{});
        for (Date start : cycle_starts(cycle, from, to)) {
            visit_instance(cycle, start, domain.calendar, [&](const InstanceItem& due) {
                if (due.kind != PlanKind::due || due.date < from || due.date >= to) return;
                const workflows::StepActivity activity = workflow->steps[due.step].activity;
                const auto week = static_cast<std::size_t>((due.date - first_monday).count() / 7);
                PlanItem item;
                item.date = due.date;
                item.cycle = static_cast<std::uint16_t>(c);
                item.step = due.step;
                item.kind = PlanKind::due;
                item.round = due.round;
                for (std::size_t k = 0; k < covered.size(); ++k) {
                    item.institution = covered[k];
                    Span& span = spans[k * steps + due.step];
                    if (span.begin == kUnresolved) span = resolve(item);
                    for (std::uint32_t r = span.begin; r < span.end; ++r) {
                        const std::uint32_t person = resolved[r];
                        WorkloadCounts& counts = workload.people[person].weeks[week];
                        ++counts.deadlines;
                        switch (activity) {
                            case workflows::StepActivity::conversation:
                                ++counts.conversations;
                                break;
                            case workflows::StepActivity::observation:
                                ++counts.observations;
                                break;
                            case workflows::StepActivity::one_to_one:
                                ++counts.one_to_ones;
                                break;
                            case workflows::StepActivity::task:
                                break;
                        }
                    }
                }
            });
        }
    }
    std::sort(workload.people.begin(), workload.people.end(),
              [](const WorkloadPerson& a, const WorkloadPerson& b) { return a.email < b.email; });
    return workload;
}

std::vector<WorkloadPeak> workload_peaks(const Workload& workload, int max_per_week) {
    std::vector<WorkloadPeak> peaks;
    for (const auto& person : workload.people) {
        for (std::size_t w = 0; w < workload.weeks.size(); ++w) {
            const int meetings = person.weeks[w].meetings();
            if (meetings > max_per_week) {
                peaks.push_back({person.email, person.name, workload.weeks[w], meetings});
            }
        }
    }
    return peaks;
}

std::pair<Date, Date> workload_check_period(const Config& config) {
    if (config.cycles.empty()) return {Date{}, Date{}};
    Date first = config.cycles.front().starts.first, last = first;
    for (const auto& cycle : config.cycles) {
        first = std::min(first, cycle.starts.first);
        last = std::max(last, cycle.starts.first);
    }
    return {first, add_months(last, 24)};
}

void write_workload_table(std::ostream& out, const Workload& workload) {
    std::string text = fmt::format("{:<44} {:<9} {:<10} {:>7} {:>8} {:>13} {:>4}\n", "PERSON",
                                   "UGE", "MANDAG", "FRISTER", "SAMTALER", "OBSERVATIONER", "1:1");
    for (const auto& person : workload.people) {
        for (std::size_t w = 0; w < workload.weeks.size(); ++w) {
            const WorkloadCounts& c = person.weeks[w];
            if (c.deadlines == 0) continue;
            text += fmt::format("{:<44} {:<9} {:<10} {:>7} {:>8} {:>13} {:>4}\n", person.email,
                                format_iso_week(workload.weeks[w]),
                                danish_date(iso_week_monday(workload.weeks[w])), c.deadlines,
                                c.conversations, c.observations, c.one_to_ones);
        }
        flush_if_large(out, text);
    }
    out << text;
}

void write_workload_json(std::ostream& out, const Workload& workload) {
    std::string text;
    for (const auto& person : workload.people) {
        for (std::size_t w = 0; w < workload.weeks.size(); ++w) {
            const WorkloadCounts& c = person.weeks[w];
            if (c.deadlines == 0) continue;
            text += "{\"email\":";
            append_json_string(text, person.email);
            text += ",\"name\":";
            append_json_string(text, person.name);
            text += fmt::format(
                ",\"week\":\"{}\",\"monday\":\"{}\",\"deadlines\":{},\"conversations\":{},"
                "\"observations\":{},\"one_to_ones\":{}}}\n",
                format_iso_week(workload.weeks[w]), format_date(iso_week_monday(workload.weeks[w])),
                c.deadlines, c.conversations, c.observations, c.one_to_ones);
        }
        flush_if_large(out, text);
    }
    out << text;
}

std::string workload_svg(const Workload& workload, int max_per_week) {
    constexpr int kCell = 14, kLabel = 260, kHeader = 40, kGap = 1;
    int most = 1;
    for (const auto& person : workload.people) {
        for (const auto& c : person.weeks) most = std::max(most, c.deadlines);
    }
    const int width = kLabel + static_cast<int>(workload.weeks.size()) * kCell + 10;
    const int height = kHeader + static_cast<int>(workload.people.size()) * kCell + 10;
    std::string svg = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"heatmap\" width=\"{0}\" "
        "height=\"{1}\" viewBox=\"0 0 {0} {1}\" role=\"img\" aria-label=\"Arbejdsbyrde pr. "
        "person og uge\" font-family=\"sans-serif\" font-size=\"11\" fill=\"#222\">",
        width, height);
    // Week numbers above every fourth column, with the year where one starts; a label too
    // close to the one before is left out (they would overlap).
    std::size_t last_label = 0;
    for (std::size_t w = 0; w < workload.weeks.size(); ++w) {
        const bool year_starts = w == 0 || workload.weeks[w].week == 1;
        if (w % 4 != 0 && !year_starts) continue;
        if (w > 0 && w - last_label < (year_starts ? 5u : 4u)) continue;
        last_label = w;
        svg += fmt::format(
            "<text x=\"{}\" y=\"{}\">{}</text>", kLabel + w * kCell, kHeader - 8,
            year_starts ? fmt::format("{} u{}", workload.weeks[w].year, workload.weeks[w].week)
                        : fmt::format("u{}", workload.weeks[w].week));
    }
    for (std::size_t p = 0; p < workload.people.size(); ++p) {
        const WorkloadPerson& person = workload.people[p];
        const int y = kHeader + static_cast<int>(p) * kCell;
        const std::string& label = person.name.empty() ? person.email : person.name;
        svg += fmt::format("<text x=\"0\" y=\"{}\">{}</text>", y + kCell - 3, html_escape(label));
        for (std::size_t w = 0; w < workload.weeks.size(); ++w) {
            const WorkloadCounts& c = person.weeks[w];
            // White to dark red by the share of the busiest cell.
            const double share = static_cast<double>(c.deadlines) / most;
            const int green = static_cast<int>(245 - 200 * share);
            const int blue = static_cast<int>(240 - 210 * share);
            const bool peak = c.meetings() > max_per_week;
            svg += fmt::format(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"rgb(250,{},{})\"{}>"
                "<title>{}, uge {} {}: {} frister, {} samtaler, {} observationer, {} 1:1"
                "</title></rect>",
                kLabel + w * kCell, y, kCell - kGap, kCell - kGap, green, blue,
                peak ? " stroke=\"#000\" stroke-width=\"2\"" : "", html_escape(label),
                workload.weeks[w].week, workload.weeks[w].year, c.deadlines, c.conversations,
                c.observations, c.one_to_ones);
        }
    }
    svg += "</svg>";
    return svg;
}

}  // namespace tilsyn
