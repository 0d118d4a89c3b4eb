#include "engine/planner.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "workflows/description.hpp"

namespace tilsyn {

namespace {

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
    const workflows::WorkflowDescription* workflow = workflows::find_workflow(cycle.workflow);
    if (!workflow) return result;
    // Live, as the plan assumes: each step is completed on its due date, which anchors the
    // steps after it and arms the next one (deadlines.hpp computes every date).
    const Timeline timeline = timeline_of(cycle);
    Anchors anchors{{"start", start}};
    const int rounds = timeline.rounds ? timeline.rounds->count : 1;
    if (timeline.rounds) anchors.emplace_back("round", start);
    Date armed_on = start;
    for (int round = 1; round <= rounds; ++round) {
        if (round > 1) set_anchor(anchors, "round", round_start(timeline, start, round, calendar));
        for (std::size_t i = 0; i < workflow->steps.size(); ++i) {
            const std::string_view step = workflow->steps[i].id;
            const auto due = timeline.find_step(step)
                                 ? step_due(timeline, step, anchors, armed_on, calendar)
                                 : std::nullopt;
            if (!due) continue;
            result.push_back({static_cast<std::uint16_t>(i),
                              static_cast<std::uint8_t>(timeline.rounds ? round : 0), *due,
                              armed_on});
            set_anchor(anchors, step, *due);
            armed_on = *due;
        }
    }
    return result;
}

void visit_instance(const CycleConfig& cycle, Date start, const Calendar& calendar,
                    const std::function<void(const InstanceItem&)>& sink) {
    const Timeline timeline = timeline_of(cycle);
    sink({start, 0, PlanKind::start, 0, 0});
    for (const ScheduledStep& s : schedule_cycle(cycle, start, calendar)) {
        sink({s.due, s.step, PlanKind::due, 0, s.round});
        for (const Notice& n : reminder_notices(timeline, s.due, s.armed_on, calendar)) {
            sink({n.date, s.step, PlanKind::reminder, static_cast<std::uint8_t>(n.level), s.round});
        }
        for (const Notice& n : escalation_notices(timeline, s.due, calendar)) {
            sink({n.date, s.step, PlanKind::escalation, static_cast<std::uint8_t>(n.level),
                  s.round});
        }
    }
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
            visit_instance(cycle, start, calendar, [&](const InstanceItem& i) {
                add(i.date, c, i.step, i.kind, i.level, i.round);
            });
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
