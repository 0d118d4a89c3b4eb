#include "engine/continuity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

#include "workflows/description.hpp"

namespace tilsyn {

namespace json = boost::json;

namespace {

std::string text_of(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string{};
}

std::optional<json::object> payload_object(const EventRecord& event) {
    boost::system::error_code ec;
    auto value = json::parse(event.payload, ec);
    if (ec || !value.is_object()) return std::nullopt;
    return std::move(value.as_object());
}

/// The payload lists of points and what an EarlierPoint calls them.
constexpr std::pair<std::string_view, std::string_view> kPointLists[] = {
    {"development_points", "development"},
    {"focus_areas", "focus"},
    {"supervision_points", "supervision"},
};

void add_points(const EventRecord& event, const json::object& payload, std::string_view key_prefix,
                std::vector<EarlierPoint>& out) {
    for (const auto& [field, list] : kPointLists) {
        const auto* items = payload.if_contains(field);
        if (!items || !items->is_array()) continue;
        int number = 0;
        for (const auto& item : items->as_array()) {
            ++number;
            if (!item.is_object()) continue;
            const auto& o = item.as_object();
            EarlierPoint point;
            point.key = key_prefix.empty() ? fmt::format("{}:{}:{}", event.seq, list, number)
                                           : fmt::format("{}:{}", list, number);
            point.list = std::string(list);
            point.number = number;
            point.title = text_of(o, "title");
            point.goal = text_of(o, "goal");
            point.reason = text_of(o, "reason");
            point.theme = text_of(o, "theme");
            point.cycle_id = event.cycle_id;
            point.event = event.event;
            point.at = event.at;
            out.push_back(std::move(point));
        }
    }
}

std::optional<PayloadError> refusal(ErrorCode code, std::string field, std::string message) {
    return PayloadError{code, std::move(field), std::move(message)};
}

}  // namespace

std::string point_label(std::string_view list, int number) {
    const std::string_view noun = list == "supervision" ? "tilsynspunkt"
                                  : list == "focus"     ? "fokusområde"
                                                        : "udviklingspunkt";
    return fmt::format("{} {}", noun, number);
}

Continuity continuity_of(CaseStore& store, std::string_view institution_id) {
    Continuity result;
    std::vector<EventRecord> events;
    for (const auto& row : store.cycle_status("", institution_id)) {
        const auto* workflow = workflows::find_workflow(row.cycle.workflow);
        if (!workflow || workflow->is_case) continue;
        for (auto& event : store.events(row.cycle.id)) events.push_back(std::move(event));
    }
    std::sort(events.begin(), events.end(),
              [](const EventRecord& a, const EventRecord& b) { return a.seq < b.seq; });
    for (const auto& event : events) {
        const auto* described = workflows::find_event(event.event);
        if (!described) continue;
        const auto payload = payload_object(event);
        if (!payload) continue;
        if (described->from_observer) {
            result.feedback = text_of(*payload, "feedback");
            result.feedback_at = event.at;
        }
        if (!described->records_points) continue;
        // Its assessments are of points given before it, so they are applied first.
        if (const auto* list = payload->if_contains("assessments"); list && list->is_array()) {
            for (const auto& item : list->as_array()) {
                if (!item.is_object()) continue;
                const auto& o = item.as_object();
                const std::string key = text_of(o, "point");
                for (auto& point : result.points) {
                    if (point.key != key) continue;
                    point.assessment = Assessment{key, text_of(o, "result"), text_of(o, "note")};
                    point.assessed_at = event.at;
                }
            }
        }
        add_points(event, *payload, "", result.points);
    }
    return result;
}

std::vector<EarlierPoint> conversation_points(CaseStore& store, std::string_view cycle_id) {
    std::vector<EarlierPoint> points;
    for (const auto& event : store.events(cycle_id)) {
        const auto* described = workflows::find_event(event.event);
        if (!described || !described->records_points) continue;
        const auto payload = payload_object(event);
        if (!payload) continue;
        points.clear();
        add_points(event, *payload, "plan", points);
    }
    return points;
}

std::optional<PayloadError> check_against_records(CaseStore& store,
                                                  const std::vector<ThemeRecord>& themes,
                                                  const CycleRecord& cycle,
                                                  std::string_view age_band,
                                                  const EventPayload& payload) {
    const int period = period_of(cycle.started_on);
    const bool period_has_themes = !themes_for(themes, period, age_band).empty();
    for (const auto& ref : payload.themes) {
        if (ref.theme.empty()) {
            if (ref.focus_area && period_has_themes) {
                return refusal(ErrorCode::field_required, ref.field,
                               fmt::format("Vælg det politisk besluttede tema, fokusområdet "
                                           "knytter sig til (periode {}).",
                                           period_title(period)));
            }
            continue;
        }
        const ThemeRecord* theme = find_theme(themes, ref.theme);
        if (!theme || !theme->published()) {
            return refusal(ErrorCode::bad_value, ref.field,
                           "Temaet findes ikke blandt de offentliggjorte temaer. Vælg et af "
                           "periodens temaer.");
        }
        if (theme->period != period || theme->age_band != age_band) {
            return refusal(ErrorCode::bad_value, ref.field,
                           fmt::format("Temaet »{}« hører til perioden {} for de {}-årige, ikke "
                                       "til dette forløbs periode {} for de {}-årige. Vælg et af "
                                       "periodens temaer.",
                                       theme->title, period_title(theme->period), theme->age_band,
                                       period_title(period), age_band));
        }
    }
    if (payload.has_actions) {
        // A plan that answers the points also says how staff and board took part (seed 002).
        boost::system::error_code parse_error;
        const auto parsed = boost::json::parse(payload.json, parse_error);
        const auto* object = parse_error ? nullptr : parsed.if_object();
        const auto* involvement = object ? object->if_contains("involvement") : nullptr;
        if (!involvement || !involvement->is_string() || involvement->as_string().empty()) {
            return refusal(ErrorCode::field_required, "involvement",
                           fmt::format("Udfyld »{}«: en udviklingsplan med handlinger siger "
                                       "også, hvordan medarbejdere og bestyrelse er inddraget.",
                                       field_title("involvement")));
        }
        const auto points = conversation_points(store, cycle.id);
        for (std::size_t i = 0; i < payload.actions.size(); ++i) {
            const auto& action = payload.actions[i];
            const bool known =
                std::any_of(points.begin(), points.end(),
                            [&](const EarlierPoint& p) { return p.key == action.point; });
            if (!known) {
                const auto colon = action.point.find(':');
                return refusal(
                    ErrorCode::bad_value, fmt::format("actions[{}].point", i),
                    fmt::format("Kvalitetssamtalen gav intet {}. Skriv handlinger til samtalens "
                                "egne punkter.",
                                point_label(action.point.substr(0, colon),
                                            std::stoi(action.point.substr(colon + 1)))));
            }
        }
        for (const auto& point : points) {
            const bool answered =
                std::any_of(payload.actions.begin(), payload.actions.end(),
                            [&](const PlanAction& a) { return a.point == point.key; });
            if (!answered) {
                std::string label = point_label(point.list, point.number);
                label[0] = static_cast<char>(label[0] - 'a' + 'A');
                return refusal(ErrorCode::field_required, "actions",
                               fmt::format("{} »{}« mangler en handling. Udviklingsplanen skal "
                                           "have en handling for hvert udviklings- og "
                                           "tilsynspunkt fra samtalen.",
                                           label, point.title));
            }
        }
    }
    if (!payload.assessments.empty()) {
        const auto earlier = continuity_of(store, cycle.institution_id);
        for (std::size_t i = 0; i < payload.assessments.size(); ++i) {
            const auto& assessment = payload.assessments[i];
            const bool known =
                std::any_of(earlier.points.begin(), earlier.points.end(),
                            [&](const EarlierPoint& p) { return p.key == assessment.point; });
            if (!known) {
                return refusal(ErrorCode::bad_value, fmt::format("assessments[{}].point", i),
                               "Punktet findes ikke blandt dette tilbuds punkter fra tidligere "
                               "samtaler. Vurdér kun tilbuddets egne punkter fra sidst.");
            }
        }
    }
    return std::nullopt;
}

}  // namespace tilsyn
