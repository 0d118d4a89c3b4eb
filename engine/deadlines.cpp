#include "engine/deadlines.hpp"

#include <algorithm>
#include <span>

#include "workflows/description.hpp"

namespace tilsyn {

namespace {

// A cycle instance lasts at most this long after its start; older instances cannot reach a
// period asked about. Generous: only bounds the work of skipping old periods.
constexpr int kMaxCycleYears = 10;

/// The step before `step` in its workflow's order, or empty.
std::string_view step_before(const workflows::WorkflowDescription& workflow,
                             std::string_view step) {
    const int index = workflow.step_index(step);
    return index > 0 ? workflow.steps[static_cast<std::size_t>(index - 1)].id : std::string_view{};
}

}  // namespace

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

Date round_start(const Timeline& timeline, Date start, int round, const Calendar& calendar) {
    if (!timeline.rounds || round <= 1) return start;
    const Offset shift{timeline.rounds->every.amount * (round - 1), timeline.rounds->every.unit};
    return apply_offsets(start, std::span(&shift, 1), calendar);
}

int current_round(const Timeline& timeline, const Anchors& anchors, const Calendar& calendar) {
    if (!timeline.rounds) return 0;
    const auto start = find_anchor(anchors, "start");
    const auto round = find_anchor(anchors, "round");
    if (!start || !round) return 1;
    for (int k = 1; k <= timeline.rounds->count; ++k) {
        if (round_start(timeline, *start, k, calendar) == *round) return k;
    }
    return 1;
}

std::optional<Date> step_due(const Timeline& timeline, std::string_view step,
                             const Anchors& anchors, Date today, const Calendar& calendar) {
    const auto* workflow = workflows::find_workflow(timeline.workflow);
    const auto* description = workflow ? workflow->find_step(step) : nullptr;
    if (description && description->recurring) {
        if (!timeline.follow_up_every) return std::nullopt;
        const Date base =
            find_anchor(anchors, step)
                .value_or(find_anchor(anchors, step_before(*workflow, step)).value_or(today));
        return calendar.next_working_day(
            apply_offsets(base, std::span(&*timeline.follow_up_every, 1), calendar));
    }
    const StepTimeline* definition = timeline.find_step(step);
    if (!definition) return std::nullopt;
    const Anchor& anchor = definition->due.anchor;
    Date base = today;
    switch (anchor.kind) {
        case Anchor::Kind::start:
            base = find_anchor(anchors, "start").value_or(today);
            break;
        case Anchor::Kind::given:
            base = find_anchor(anchors, "given").value_or(today);
            break;
        case Anchor::Kind::round:
            base = find_anchor(anchors, "round").value_or(today);
            break;
        case Anchor::Kind::step:
            base = find_anchor(anchors, anchor.step).value_or(today);
            break;
        case Anchor::Kind::date:
            base = anchor.date;
            break;
    }
    return evaluate_due(base, definition->due, calendar);
}

Date reminder_date(Date due, const Offset& offset, const Calendar& calendar) {
    return calendar.previous_working_day(apply_offsets(due, std::span(&offset, 1), calendar));
}

Date escalation_date(Date due, const Offset& after, const Calendar& calendar) {
    Date first_overdue = calendar.next_working_day(due + std::chrono::days{1});
    Date date = calendar.next_working_day(apply_offsets(due, std::span(&after, 1), calendar));
    return std::max(date, first_overdue);
}

std::vector<Notice> reminder_notices(const Timeline& timeline, Date due, Date armed_on,
                                     const Calendar& calendar) {
    std::vector<Notice> notices;
    for (std::size_t i = 0; i < timeline.reminders.size(); ++i) {
        const Date date = reminder_date(due, timeline.reminders[i], calendar);
        if (date >= armed_on && date < due) notices.push_back({static_cast<int>(i + 1), date});
    }
    return notices;
}

std::vector<Notice> escalation_notices(const Timeline& timeline, Date due,
                                       const Calendar& calendar) {
    std::vector<Notice> notices;
    for (std::size_t i = 0; i < timeline.escalation.size(); ++i) {
        notices.push_back({static_cast<int>(i + 1),
                           escalation_date(due, timeline.escalation[i].after, calendar)});
    }
    return notices;
}

}  // namespace tilsyn
