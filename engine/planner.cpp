#include "engine/planner.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "engine/workflow_catalog.hpp"

namespace tilsyn {

namespace {

// A cycle instance lasts at most this long after its start; older instances cannot reach the
// planned period. Generous: only bounds the work of skipping old periods.
constexpr int kMaxCycleYears = 10;

const StepTimeline* find_step(const std::vector<StepTimeline>& steps, std::string_view name) {
    for (const auto& step : steps) {
        if (step.step == name) return &step;
    }
    return nullptr;
}

auto sort_key(const PlanItem& item) {
    return std::make_tuple(item.at, item.cycle, item.round, item.step, static_cast<int>(item.kind),
                           item.level);
}

}  // namespace

std::string_view plan_kind_name(PlanKind kind) {
    switch (kind) {
        case PlanKind::start:
            return "start";
        case PlanKind::due:
            return "due";
        case PlanKind::reminder:
            return "reminder";
        case PlanKind::escalation:
            return "escalation";
    }
    return "?";
}

std::vector<ScheduledStep> schedule_cycle(const CycleConfig& cycle, Date start,
                                          const Calendar& calendar) {
    std::vector<ScheduledStep> result;
    const WorkflowDefinition* workflow = find_workflow(cycle.workflow);
    if (!workflow) return result;
    const int rounds = workflow->repeats_in_rounds && cycle.rounds ? cycle.rounds->count : 1;
    for (int round = 1; round <= rounds; ++round) {
        Date round_start = start;
        if (workflow->repeats_in_rounds && cycle.rounds) {
            Offset shift{cycle.rounds->every.amount * (round - 1), cycle.rounds->every.unit};
            round_start = apply_offsets(start, std::span(&shift, 1), calendar);
        }
        const std::size_t first = result.size();
        for (std::size_t i = 0; i < workflow->steps.size(); ++i) {
            const StepTimeline* step = find_step(cycle.steps, workflow->steps[i].name);
            if (!step) continue;
            Date anchor = start;
            switch (step->due.anchor.kind) {
                case Anchor::Kind::start:
                case Anchor::Kind::given:
                    anchor = start;
                    break;
                case Anchor::Kind::round:
                    anchor = round_start;
                    break;
                case Anchor::Kind::date:
                    anchor = step->due.anchor.date;
                    break;
                case Anchor::Kind::step: {
                    // Validated configs anchor on earlier steps only, so it is scheduled.
                    for (std::size_t j = first; j < result.size(); ++j) {
                        if (workflow->steps[result[j].step].name == step->due.anchor.step) {
                            anchor = result[j].due;
                        }
                    }
                    break;
                }
            }
            result.push_back({static_cast<std::uint16_t>(i),
                              static_cast<std::uint8_t>(workflow->repeats_in_rounds ? round : 0),
                              evaluate_due(anchor, step->due, calendar)});
        }
    }
    return result;
}

Date reminder_date(Date due, const Offset& offset, const Calendar& calendar) {
    return calendar.previous_working_day(apply_offsets(due, std::span(&offset, 1), calendar));
}

Date escalation_date(Date due, const Offset& after, const Calendar& calendar) {
    Date first_overdue = calendar.next_working_day(due + std::chrono::days{1});
    Date date = calendar.next_working_day(apply_offsets(due, std::span(&after, 1), calendar));
    return std::max(date, first_overdue);
}

std::vector<Date> cycle_starts(const CycleConfig& cycle, Date from, Date to) {
    std::vector<Date> result;
    if (cycle.starts.every.amount <= 0) return result;
    const Date earliest = add_months(from, -12 * kMaxCycleYears);
    const Calendar plain(false, {});
    for (int k = 0;; ++k) {
        Offset shift{cycle.starts.every.amount * k, cycle.starts.every.unit};
        Date start = apply_offsets(cycle.starts.first, std::span(&shift, 1), plain);
        if (start >= to) break;
        if (start >= earliest) result.push_back(start);
    }
    return result;
}

void visit_plan(const Config& config, const Calendar& calendar, const TimeZone& zone, Date from,
                Date to, const std::function<void(const PlanItem&)>& sink) {
    const auto send_at = std::chrono::minutes{config.calendar.send_at_minutes};
    // Every institution a cycle covers shares the instance's dates: build the items once per
    // cycle instance as templates, then pair them with institutions in time order.
    std::vector<PlanItem> templates;
    auto add = [&](Date date, std::size_t cycle, std::uint16_t step, PlanKind kind,
                   std::uint8_t level, std::uint8_t round) {
        if (date < from || date >= to) return;
        PlanItem item;
        item.at = zone.to_instant(date, send_at);
        item.date = date;
        item.cycle = static_cast<std::uint16_t>(cycle);
        item.step = step;
        item.kind = kind;
        item.level = level;
        item.round = round;
        templates.push_back(item);
    };
    for (std::size_t c = 0; c < config.cycles.size(); ++c) {
        const CycleConfig& cycle = config.cycles[c];
        for (Date start : cycle_starts(cycle, from, to)) {
            add(start, c, 0, PlanKind::start, 0, 0);
            for (const ScheduledStep& s : schedule_cycle(cycle, start, calendar)) {
                add(s.due, c, s.step, PlanKind::due, 0, s.round);
                for (std::size_t r = 0; r < cycle.reminders.size(); ++r) {
                    Date date = reminder_date(s.due, cycle.reminders[r], calendar);
                    if (date >= start && date < s.due) {
                        add(date, c, s.step, PlanKind::reminder, static_cast<std::uint8_t>(r + 1),
                            s.round);
                    }
                }
                for (std::size_t e = 0; e < cycle.escalation.size(); ++e) {
                    add(escalation_date(s.due, cycle.escalation[e].after, calendar), c, s.step,
                        PlanKind::escalation, static_cast<std::uint8_t>(e + 1), s.round);
                }
            }
        }
    }
    std::sort(templates.begin(), templates.end(),
              [](const PlanItem& a, const PlanItem& b) { return sort_key(a) < sort_key(b); });

    std::vector<std::vector<bool>> covered(config.cycles.size());
    for (std::size_t c = 0; c < config.cycles.size(); ++c) {
        covered[c].resize(config.institutions.size());
        for (std::size_t i = 0; i < config.institutions.size(); ++i) {
            covered[c][i] = selects(config.cycles[c].institutions, config.institutions[i]);
        }
    }
    for (std::size_t begin = 0; begin < templates.size();) {
        std::size_t end = begin;
        while (end < templates.size() && templates[end].at == templates[begin].at) ++end;
        for (std::size_t i = 0; i < config.institutions.size(); ++i) {
            for (std::size_t t = begin; t < end; ++t) {
                if (!covered[templates[t].cycle][i]) continue;
                PlanItem item = templates[t];
                item.institution = static_cast<std::uint32_t>(i);
                sink(item);
            }
        }
        begin = end;
    }
}

std::vector<PlanItem> make_plan(const Config& config, const Calendar& calendar,
                                const TimeZone& zone, Date from, Date to) {
    std::vector<PlanItem> items;
    visit_plan(config, calendar, zone, from, to,
               [&](const PlanItem& item) { items.push_back(item); });
    return items;
}

}  // namespace tilsyn
