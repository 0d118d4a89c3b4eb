#include "engine/case_view.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <set>
#include <tuple>

#include "engine/messages.hpp"
#include "engine/who_acts.hpp"
#include "workflows/description.hpp"
#include "workflows/workflow.hpp"

namespace tilsyn {

namespace {

/// A supervision case: its institution is under sharpened management attention while open.
bool is_case(std::string_view workflow) {
    const auto* description = workflows::find_workflow(workflow);
    return description && description->is_case;
}

CycleSummary summarize(CycleStatusRow row, const CaseService& cases, Date today) {
    CycleSummary summary;
    auto machine = workflows::make_machine(row.cycle.workflow, row.cycle.state);
    summary.final = !machine || machine->is_final();
    if (machine && !summary.final) summary.current_step = std::string(machine->current_step());
    summary.overdue = !summary.final && row.next_due && *row.next_due < today;
    if (const Institution* inst = cases.institution(row.cycle.institution_id)) {
        summary.kind = std::string(kind_name(inst->kind));
    }
    summary.row = std::move(row);
    return summary;
}

/// Who acts on the summary's current step, and whether `actor` (nullptr: nobody) is one of
/// them: by role, at its own tilbud for a leader or a board, as the observer for an observer's
/// step.
void assign_responsible(CycleSummary& summary, const CaseService& cases, const Actor* actor) {
    if (summary.final || summary.current_step.empty()) return;
    const auto* step = workflows::find_step(summary.current_step);
    const Institution* inst = cases.institution(summary.row.cycle.institution_id);
    if (!step || !inst) return;
    const Config& config = cases.config();
    auto roles = step_actors(config.find_cycle(summary.row.cycle.cycle_config), *step);
    if (step->observer_acts) {
        const Institution* observer = cases.institution(cases.observer_of(summary.row.cycle));
        auto addressed = observer_addressing(*inst, observer, roles);
        for (const auto& [institution, at] : addressed) {
            for (auto& person : people_for(config, *institution, at)) {
                summary.responsible.push_back(std::move(person));
            }
        }
        roles = addressed.front().roles;  // the roles that act at the observed tilbud itself
    } else {
        summary.responsible = people_for(config, *inst, roles);
    }
    if (!actor) return;
    const bool has_role = std::find(roles.begin(), roles.end(), actor->role) != roles.end();
    switch (actor->role) {
        case Role::leader:
        case Role::board:
            summary.awaits_actor =
                summary.observing || (has_role && actor->institution_id == inst->id);
            break;
        case Role::area_chief:
            summary.awaits_actor = has_role && actor->area_id == inst->area;
            break;
        default:
            summary.awaits_actor = has_role;
    }
    // Only a step the person can do something about now: one that offers them a form (a leader
    // takes part in the conversation the area chief records, but has nothing to send there).
    if (summary.awaits_actor) {
        auto machine = workflows::make_machine(summary.row.cycle.workflow, summary.row.cycle.state);
        summary.awaits_actor =
            machine &&
            !cases.events_for(summary.row.cycle, machine->allowed_events(), *actor).empty();
    }
}

Date date_of(Instant at, const CaseService& cases) { return local_date(at, cases.zone()); }

/// Whether a workflow's events name an observing institution (the learning dialogue).
bool names_observer(std::string_view workflow) {
    const auto* description = workflows::find_workflow(workflow);
    return description && std::any_of(description->events.begin(), description->events.end(),
                                      [](const auto& event) { return event.assigns_observer; });
}

/// The title of the point a supervision case was opened for (its first event's payload).
std::string opening_point(Store& store, const std::string& case_id) {
    for (const auto& event : store.events(case_id)) {
        boost::system::error_code ec;
        auto value = boost::json::parse(event.payload, ec);
        if (ec || !value.is_object()) continue;
        if (const auto* title = value.as_object().if_contains("title");
            title && title->is_string()) {
            return std::string(title->as_string());
        }
    }
    return {};
}

}  // namespace

std::string search_folded(std::string_view text) {
    std::string out(text);
    for (std::size_t i = 0; i < out.size(); ++i) {
        auto& c = out[i];
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        } else if (static_cast<unsigned char>(c) == 0xC3 && i + 1 < out.size()) {
            // Latin-1's capitals in UTF-8 (Æ Ø Å É …, not ×): C3 80-9E, small ones 0x20 on.
            auto next = static_cast<unsigned char>(out[i + 1]);
            if (next >= 0x80 && next <= 0x9E && next != 0x97)
                out[i + 1] = static_cast<char>(next + 0x20);
            ++i;
        }
    }
    return out;
}

bool matches(const CycleSummary& summary, const CycleFilter& filter) {
    const auto& c = summary.row.cycle;
    if (summary.final && !filter.include_final && filter.state.empty()) return false;
    if (filter.overdue_only && !summary.overdue) return false;
    if (!filter.area.empty() && summary.row.area_id != filter.area) return false;
    if (!filter.institution.empty() && c.institution_id != filter.institution) return false;
    if (!filter.state.empty() && c.state != filter.state) return false;
    if (!filter.kind.empty() && summary.kind != filter.kind) return false;
    if (!filter.workflow.empty() && c.workflow != filter.workflow) return false;
    if (!filter.step.empty() && summary.current_step != filter.step) return false;
    if (!filter.name.empty() &&
        search_folded(summary.row.institution_name).find(search_folded(filter.name)) ==
            std::string::npos) {
        return false;
    }
    return true;
}

std::vector<CycleSummary> list_cycles(Store& store, const CaseService& cases,
                                      const CycleFilter& filter, const Actor* actor, Date today) {
    // Narrow the store query to the caller's scope where it allows it.
    std::string area = filter.area;
    std::string institution = filter.institution;
    if (actor && actor->role == Role::area_chief && area.empty()) area = actor->area_id;
    if (actor && (actor->role == Role::leader || actor->role == Role::board) &&
        institution.empty()) {
        institution = actor->institution_id;
    }
    std::vector<CycleSummary> all;
    std::set<std::string> sharpened;  // institutions with an open supervision case
    for (auto& row : store.cycle_status(area, institution)) {
        if (actor && !can_see(*actor, row.area_id, row.cycle.institution_id)) continue;
        CycleSummary summary = summarize(std::move(row), cases, today);
        if (is_case(summary.row.cycle.workflow) && !summary.final) {
            sharpened.insert(summary.row.cycle.institution_id);
        }
        all.push_back(std::move(summary));
    }
    if (actor && actor->role == Role::leader && !actor->institution_id.empty() &&
        (filter.institution.empty() || filter.institution == actor->institution_id)) {
        for (auto& row : store.cycle_status("", "")) {
            if (row.cycle.institution_id == actor->institution_id) continue;
            auto machine = workflows::make_machine(row.cycle.workflow, row.cycle.state);
            const auto* step = machine ? workflows::find_step(machine->current_step()) : nullptr;
            if (!step || !step->observer_acts || !cases.observes(row.cycle, *actor)) continue;
            CycleSummary summary = summarize(std::move(row), cases, today);
            summary.observing = true;
            all.push_back(std::move(summary));
        }
    }
    std::vector<CycleSummary> shown;
    for (auto& summary : all) {
        summary.sharpened = sharpened.count(summary.row.cycle.institution_id) > 0;
        if (!matches(summary, filter)) continue;
        assign_responsible(summary, cases, actor);
        shown.push_back(std::move(summary));
    }
    // Institutions under sharpened follow-up first, then overdue, then by next deadline: the
    // keys sorted, then the summaries moved into that order once (a summary is large).
    using Key = std::tuple<bool, bool, bool, Date, std::size_t>;
    std::vector<Key> keys;
    keys.reserve(shown.size());
    for (std::size_t i = 0; i < shown.size(); ++i) {
        const auto& s = shown[i];
        keys.emplace_back(!s.sharpened, !s.overdue, !s.row.next_due.has_value(),
                          s.row.next_due.value_or(Date{}), i);
    }
    std::sort(keys.begin(), keys.end());  // the index last: stable
    std::vector<CycleSummary> sorted;
    sorted.reserve(shown.size());
    for (const auto& key : keys) sorted.push_back(std::move(shown[std::get<4>(key)]));
    return sorted;
}

std::optional<CycleDetail> cycle_detail(Store& store, const CaseService& cases, std::string_view id,
                                        const Actor* actor, Date today) {
    auto cycle = store.find_cycle(id);
    if (!cycle) return std::nullopt;
    auto inst = store.find_institution(cycle->institution_id);
    if (!inst) return std::nullopt;
    // The observing institution's leader reaches a dialogue it observes, for its observation.
    if (actor && !can_see(*actor, inst->area_id, inst->id) && !cases.observes(*cycle, *actor)) {
        return std::nullopt;
    }

    CycleDetail detail;
    CycleStatusRow row;
    row.cycle = *cycle;
    row.institution_name = inst->name;
    row.area_id = inst->area_id;
    const Anchors anchors = anchors_from_json(cycle->anchors);
    const auto deadlines = store.deadlines(id);
    for (const auto& d : deadlines) {
        if (d.kind == "due" && !d.done && (!row.next_due || d.due_on < *row.next_due)) {
            row.next_due = d.due_on;
            row.next_due_step = d.step;
        }
    }
    detail.summary = summarize(std::move(row), cases, today);
    detail.summary.observing = actor && cases.observes(*cycle, *actor);
    assign_responsible(detail.summary, cases, actor);
    for (const auto& child : store.child_cases(id)) {
        auto machine = workflows::make_machine(child.workflow, child.state);
        if (machine && !machine->is_final()) detail.summary.sharpened = true;
        detail.cases.push_back(child);
        detail.case_points.push_back(opening_point(store, child.id));
    }
    if (!detail.summary.sharpened && is_case(cycle->workflow) && !detail.summary.final) {
        detail.summary.sharpened = true;
    }
    if (auto machine = workflows::make_machine(cycle->workflow, cycle->state)) {
        detail.allowed_events = machine->allowed_events();
        if (actor) detail.actor_events = cases.events_for(*cycle, detail.allowed_events, *actor);
    }
    if (names_observer(cycle->workflow)) {
        if (const Institution* observer = cases.institution(cases.observer_of(*cycle))) {
            detail.observer = {observer->id, observer->name};
        }
        const bool may_name =
            std::any_of(detail.actor_events.begin(), detail.actor_events.end(), [](auto& event) {
                const auto* described = workflows::find_event(event);
                return described && described->assigns_observer;
            });
        if (may_name) {
            for (const Institution* inst : cases.observer_choices(*cycle)) {
                detail.observer_choices.push_back({inst->id, inst->name});
            }
        }
    }
    // A step's completion date is kept once (its anchor: the last time it was done), so a step
    // done more than once (a plan sent back and written again; a step of every round) has it on
    // its last done deadline only: an earlier one is "done" without a date, one not done has none.
    std::map<std::string, long long> last_done;  // step -> id of its last done "due" deadline
    for (const auto& d : deadlines) {
        if (d.kind == "due" && d.done) last_done[d.step] = std::max(last_done[d.step], d.id);
    }
    for (const auto& d : deadlines) {
        DeadlineView view{d, {}, {}};
        const auto anchor = find_anchor(anchors, d.step);
        view.completed_on =
            d.kind != "due" || (d.done && last_done[d.step] == d.id) ? anchor : std::nullopt;
        if (d.kind == "due" && !d.done && d.step == detail.summary.current_step) {
            detail.round = d.round;
        }
        if (d.kind == "due") {
            if (!d.done) {
                view.status = d.due_on < today ? "overdue" : "coming";
            } else if (view.completed_on) {
                view.status = *view.completed_on <= d.due_on ? "met" : "late";
            } else {
                view.status = anchor ? "done" : "closed";
            }
        } else {
            const Date fired_by = view.completed_on.value_or(today);
            view.status = !d.done                                 ? "pending"
                          : date_of(d.fire_at, cases) <= fired_by ? "sent"
                                                                  : "closed";
        }
        detail.deadlines.push_back(std::move(view));
    }
    detail.history = store.events(id);
    detail.documents = store.documents(id);
    const Config& config = cases.config();
    detail.document_settings = config.documents;
    if (const auto* workflow = workflows::find_workflow(cycle->workflow);
        workflow && (!workflow->is_case || config.publication.supervision_cases)) {
        for (const auto& event : workflow->events) {
            if (event.publishes && !event.pins_documents_of.empty()) {
                detail.published_by.emplace_back(event.pins_documents_of, event.id);
            }
        }
    }
    for (const auto& event : detail.history) {
        const auto* described = workflows::find_event(event.event);
        if (!described || !described->records_points) continue;
        boost::system::error_code ec;
        auto value = boost::json::parse(event.payload, ec);
        if (ec || !value.is_object()) continue;
        const auto& object = value.as_object();
        // A learning conversation's focus areas are its development points.
        for (const char* key : {"development_points", "focus_areas"}) {
            if (auto* points = object.if_contains(key)) {
                detail.development_points = boost::json::serialize(*points);
            }
        }
        if (auto* points = object.if_contains("supervision_points")) {
            detail.supervision_points = boost::json::serialize(*points);
        }
    }
    detail.themes = store.themes();
    if (!is_case(cycle->workflow)) {
        if (auto kind = parse_kind(inst->kind)) {
            for (const ThemeRecord* theme :
                 themes_for(detail.themes, period_of(cycle->started_on), age_band(*kind))) {
                detail.theme_choices.push_back({theme->id, theme->title});
            }
        }
        detail.continuity = continuity_of(store, inst->id);
        detail.plan_points = conversation_points(store, id);
    }
    return detail;
}

std::optional<InstitutionView> institution_view(Store& store, const CaseService& cases,
                                                std::string_view id, const Actor* actor,
                                                Date today) {
    const Institution* inst = cases.institution(id);
    if (!inst || (actor && !can_see(*actor, inst->area, inst->id))) return std::nullopt;
    InstitutionView view{inst, {}};
    auto rows = store.cycle_status("", inst->id);
    // By start date, then a case right after its cycle (its parent's start, then its own).
    auto started = [&](const CycleRecord& c) {
        for (const auto& row : rows) {
            if (!c.parent_id.empty() && row.cycle.id == c.parent_id) {
                return std::make_tuple(row.cycle.started_on, c.parent_id, 1, c.started_on);
            }
        }
        return std::make_tuple(c.started_on, c.id, 0, c.started_on);
    };
    std::sort(rows.begin(), rows.end(), [&](const CycleStatusRow& a, const CycleStatusRow& b) {
        return started(a.cycle) < started(b.cycle);
    });
    for (const auto& row : rows) {
        if (auto detail = cycle_detail(store, cases, row.cycle.id, actor, today)) {
            view.cycles.push_back(std::move(*detail));
        }
    }
    return view;
}

}  // namespace tilsyn
