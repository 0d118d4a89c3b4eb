#include "engine/event_payload.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

#include "workflows/description.hpp"

namespace tilsyn {

namespace json = boost::json;

namespace {

using workflows::FieldDescription;
using workflows::FieldType;

// Each event's senders and fields are written once, in its workflow's description.
using EventRule = workflows::EventDescription;

/// An event people send (not one the engine records itself), or nullptr.
const EventRule* find_rule(std::string_view event) {
    const EventRule* rule = workflows::find_event(event);
    return rule && !rule->by_system ? rule : nullptr;
}

struct Invalid {
    PayloadError error;
};

[[noreturn]] void fail(std::string field, std::string message) {
    throw Invalid{{std::move(field), std::move(message)}};
}

std::string text_value(const json::value& v, const std::string& field, bool non_empty) {
    if (!v.is_string()) fail(field, "must be text");
    std::string text(v.as_string());
    if (non_empty && text.find_first_not_of(" \t\r\n") == std::string::npos) {
        fail(field, "must not be empty");
    }
    return text;
}

template <std::size_t N>
std::string one_of(const json::object& o, std::string_view key, const std::string& where,
                   const std::array<std::string_view, N>& allowed) {
    const std::string field = fmt::format("{}.{}", where, key);
    const auto* v = o.if_contains(key);
    if (!v) fail(field, "is required");
    std::string value = text_value(*v, field, true);
    if (std::find(std::begin(allowed), std::end(allowed), value) == std::end(allowed)) {
        fail(field, fmt::format("'{}' is not one of {}", value, fmt::join(allowed, ", ")));
    }
    return value;
}

void only_keys(const json::object& o, const std::string& where,
               std::initializer_list<std::string_view> keys) {
    for (const auto& [key, value] : o) {
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
            fail(where.empty() ? std::string(key) : fmt::format("{}.{}", where, key),
                 "is not a known field");
        }
    }
}

void read_points(const json::value& v, const std::string& name, bool supervision,
                 EventPayload& out) {
    if (!v.is_array()) fail(name, "must be a list");
    const auto& list = v.as_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string where = fmt::format("{}[{}]", name, i);
        if (!list[i].is_object()) fail(where, "must be an object");
        const auto& point = list[i].as_object();
        if (supervision) {
            only_keys(point, where, {"title", "reason", "goal"});
        } else {
            only_keys(point, where, {"title", "goal"});
        }
        const auto* title = point.if_contains("title");
        if (!title) fail(where + ".title", "is required");
        std::string title_text = text_value(*title, where + ".title", true);
        std::string goal = one_of(point, "goal", where, kEffectGoals);
        if (supervision) {
            out.supervision_points.push_back(
                {std::move(title_text), one_of(point, "reason", where, kSupervisionReasons), goal});
        } else {
            out.development_points.push_back({std::move(title_text), goal});
        }
    }
}

}  // namespace

std::string_view goal_title(std::string_view goal) {
    if (goal == kEffectGoals[0]) return "Læring og udvikling";
    if (goal == kEffectGoals[1]) return "Fællesskaber";
    if (goal == kEffectGoals[2]) return "Sundhed og trivsel";
    return goal;
}

std::string_view reason_title(std::string_view reason) {
    if (reason == kSupervisionReasons[0]) return "Bekymrende udvikling";
    if (reason == kSupervisionReasons[1]) return "Lovgivningen er ikke overholdt";
    if (reason == kSupervisionReasons[2]) {
        return "Rammer og retningslinjer vedtaget af byrådet eller rådmanden er ikke overholdt";
    }
    return reason;
}

std::string to_json(const SupervisionPoint& point) {
    return json::serialize(
        json::object{{"title", point.title}, {"reason", point.reason}, {"goal", point.goal}});
}

std::vector<PayloadFieldInfo> event_fields(std::string_view event) {
    std::vector<PayloadFieldInfo> out;
    const EventRule* rule = find_rule(event);
    if (!rule) return out;
    for (const auto& field : rule->fields) {
        std::string_view type = "text";
        switch (field.type) {
            case FieldType::text:
                type = "text";
                break;
            case FieldType::date:
                type = "date";
                break;
            case FieldType::url:
                type = "url";
                break;
            case FieldType::flag:
                type = "flag";
                break;
            case FieldType::development_points:
                type = "development_points";
                break;
            case FieldType::supervision_points:
                type = "supervision_points";
                break;
            case FieldType::focus_areas:
                type = "focus_areas";
                break;
        }
        out.push_back({field.name, type, field.required});
    }
    return out;
}

std::vector<std::string> known_events() {
    std::vector<std::string> names;
    for (const auto* workflow : workflows::all_workflows()) {
        for (const auto& event : workflow->events) {
            if (event.by_system || find_rule(event.id) != &event) continue;  // shared: once
            names.emplace_back(event.id);
        }
    }
    return names;
}

std::variant<EventPayload, PayloadError> validate_payload(std::string_view event,
                                                          std::string_view text) {
    const EventRule* rule = find_rule(event);
    if (!rule) return PayloadError{"event", fmt::format("unknown event '{}'", event)};
    if (text.size() > kMaxPayloadBytes) {
        return PayloadError{"", fmt::format("payload is larger than {} bytes", kMaxPayloadBytes)};
    }
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) text = "{}";
    boost::system::error_code ec;
    json::value value = json::parse(text, ec);
    if (ec) return PayloadError{"", fmt::format("payload is not valid JSON: {}", ec.message())};
    if (!value.is_object()) return PayloadError{"", "payload must be a JSON object"};
    const auto& object = value.as_object();
    EventPayload out;
    try {
        for (const auto& member : object) {
            const std::string_view key = member.key();
            auto known = std::find_if(rule->fields.begin(), rule->fields.end(),
                                      [&](const FieldDescription& f) { return f.name == key; });
            if (known == rule->fields.end()) fail(std::string(key), "is not a known field");
        }
        bool any_text = false;
        for (const auto& field : rule->fields) {
            const std::string name(field.name);
            const auto* v = object.if_contains(field.name);
            if (!v) {
                if (field.required) fail(name, "is required");
                continue;
            }
            switch (field.type) {
                case FieldType::text: {
                    std::string text = text_value(*v, name, field.required);
                    if (!text.empty()) any_text = true;
                    if (name == "observer_institution") out.observer_institution = text;
                    break;
                }
                case FieldType::date:
                    if (!parse_date(text_value(*v, name, true))) {
                        fail(name, "must be a date YYYY-MM-DD");
                    }
                    break;
                case FieldType::url: {
                    std::string url = text_value(*v, name, field.required);
                    if (!url.empty() && url.rfind("http://", 0) != 0 &&
                        url.rfind("https://", 0) != 0) {
                        fail(name, "must be an http:// or https:// address");
                    }
                    break;
                }
                case FieldType::flag:
                    if (!v->is_bool()) fail(name, "must be true or false");
                    if (v->as_bool()) out.flags.push_back(name);
                    break;
                case FieldType::development_points:
                    read_points(*v, name, false, out);
                    if (out.development_points.empty()) {
                        fail(name, "needs at least one development point");
                    }
                    break;
                case FieldType::supervision_points:
                    read_points(*v, name, true, out);
                    break;
                case FieldType::focus_areas:
                    // Focus areas are tied to the political themes (effect goals), like
                    // development points, and are counted as such.
                    read_points(*v, name, false, out);
                    if (out.development_points.empty()) {
                        fail(name, "needs at least one focus area");
                    }
                    break;
            }
        }
        if (rule->needs_one_text && !any_text) {
            std::vector<std::string_view> texts;
            for (const auto& field : rule->fields) {
                if (field.type == FieldType::text) texts.push_back(field.name);
            }
            fail("", fmt::format("at least one of {} must be filled in", fmt::join(texts, ", ")));
        }
    } catch (const Invalid& invalid) {
        return invalid.error;
    }
    out.json = json::serialize(value);
    return out;
}

}  // namespace tilsyn
