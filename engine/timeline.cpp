#include "engine/timeline.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <span>

#include "engine/due_expression.hpp"
#include "workflows/description.hpp"

namespace tilsyn {

namespace json = boost::json;

namespace {

json::array offsets_json(const std::vector<Offset>& offsets) {
    json::array out;
    for (const auto& o : offsets) out.emplace_back(format_offset(o, true));
    return out;
}

json::array escalation_json(const std::vector<EscalationLevel>& levels) {
    json::array out;
    for (const auto& level : levels) {
        json::array to;
        for (Role role : level.to) to.emplace_back(role_name(role));
        out.push_back(json::object{{"after", format_offset(level.after, false)}, {"to", to}});
    }
    return out;
}

json::object to_object(const Timeline& t) {
    json::object steps;
    for (const auto& s : t.steps) steps[s.step] = format_due_expression(s.due);
    json::object out{{"workflow", t.workflow},
                     {"steps", steps},
                     {"reminders", offsets_json(t.reminders)},
                     {"escalation", escalation_json(t.escalation)}};
    if (t.follow_up_every) out["follow_up_every"] = format_offset(*t.follow_up_every, false);
    if (t.supervision) out["supervision"] = to_object(*t.supervision);
    if (t.rounds) {
        out["rounds"] = json::object{{"count", t.rounds->count},
                                     {"every", format_offset(t.rounds->every, false)}};
    }
    return out;
}

template <class T>
T parsed_or_throw(const Parsed<T>& parsed, std::string_view what) {
    if (const auto* e = std::get_if<SyntaxError>(&parsed)) {
        throw TimelineError(fmt::format("stored timeline: {}: {}", what, e->message));
    }
    return std::get<T>(parsed);
}

std::string string_at(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v || !v->is_string()) throw TimelineError(fmt::format("stored timeline: no '{}'", key));
    return std::string(v->as_string());
}

Timeline from_object(const json::object& o) {
    Timeline t;
    t.workflow = string_at(o, "workflow");
    if (const auto* steps = o.if_contains("steps"); steps && steps->is_object()) {
        for (const auto& [name, due] : steps->as_object()) {
            if (!due.is_string()) throw TimelineError("stored timeline: step due not text");
            t.steps.push_back({std::string(name),
                               parsed_or_throw(parse_due_expression(due.as_string()), name),
                               {}});
        }
    }
    if (const auto* r = o.if_contains("reminders"); r && r->is_array()) {
        for (const auto& v : r->as_array()) {
            t.reminders.push_back(parsed_or_throw(parse_signed_offset(v.as_string()), "reminder"));
        }
    }
    if (const auto* e = o.if_contains("escalation"); e && e->is_array()) {
        for (const auto& v : e->as_array()) {
            const auto& level = v.as_object();
            EscalationLevel out;
            out.after = parsed_or_throw(parse_duration(string_at(level, "after")), "after");
            for (const auto& role : level.at("to").as_array()) {
                auto parsed = parse_role(role.as_string());
                if (!parsed) throw TimelineError("stored timeline: unknown role");
                out.to.push_back(*parsed);
            }
            t.escalation.push_back(std::move(out));
        }
    }
    if (const auto* f = o.if_contains("follow_up_every"); f && f->is_string()) {
        t.follow_up_every = parsed_or_throw(parse_duration(f->as_string()), "follow_up_every");
    }
    if (const auto* s = o.if_contains("supervision"); s && s->is_object()) {
        t.supervision = std::make_shared<Timeline>(from_object(s->as_object()));
    }
    if (const auto* r = o.if_contains("rounds"); r && r->is_object()) {
        const auto& rounds = r->as_object();
        const auto* count = rounds.if_contains("count");
        if (!count || !count->is_int64()) throw TimelineError("stored timeline: rounds.count");
        t.rounds = Rounds{static_cast<int>(count->as_int64()),
                          parsed_or_throw(parse_duration(string_at(rounds, "every")), "rounds")};
    }
    return t;
}

}  // namespace

const StepTimeline* Timeline::find_step(std::string_view name) const {
    for (const auto& step : steps) {
        if (step.step == name) return &step;
    }
    return nullptr;
}

Timeline timeline_of(const CycleConfig& cycle) {
    Timeline t;
    t.workflow = cycle.workflow;
    t.steps = cycle.steps;
    t.reminders = cycle.reminders;
    t.escalation = cycle.escalation;
    const auto* workflow = workflows::find_workflow(cycle.workflow);
    if (workflow && workflow->repeats_in_rounds) t.rounds = cycle.rounds.value_or(Rounds{});
    if (cycle.supervision && workflow && !workflow->opens_cases.empty()) {
        auto sup = std::make_shared<Timeline>();
        sup->workflow = std::string(workflow->opens_cases);
        sup->steps = cycle.supervision->steps;
        sup->reminders = cycle.supervision->reminders;
        sup->escalation = cycle.supervision->escalation;
        sup->follow_up_every = cycle.supervision->follow_up_every;
        t.supervision = std::move(sup);
    }
    return t;
}

std::string timeline_to_json(const Timeline& timeline) {
    return json::serialize(to_object(timeline));
}

Timeline timeline_from_json(std::string_view text) {
    boost::system::error_code ec;
    json::value value = json::parse(text, ec);
    if (ec || !value.is_object()) throw TimelineError("stored timeline is not a JSON object");
    try {
        return from_object(value.as_object());
    } catch (const std::exception& e) {
        throw TimelineError(std::string("stored timeline: ") + e.what());
    }
}

std::string anchors_to_json(const Anchors& anchors) {
    json::object out;
    for (const auto& [name, date] : anchors) out[name] = format_date(date);
    return json::serialize(out);
}

Anchors anchors_from_json(std::string_view text) {
    Anchors anchors;
    boost::system::error_code ec;
    json::value value = json::parse(text, ec);
    if (ec || !value.is_object()) throw TimelineError("stored anchors are not a JSON object");
    for (const auto& [name, date] : value.as_object()) {
        auto parsed = date.is_string() ? parse_date(date.as_string()) : std::nullopt;
        if (!parsed) throw TimelineError("stored anchors: bad date");
        anchors.emplace_back(std::string(name), *parsed);
    }
    return anchors;
}

std::optional<Date> find_anchor(const Anchors& anchors, std::string_view name) {
    for (const auto& [n, date] : anchors) {
        if (n == name) return date;
    }
    return std::nullopt;
}

void set_anchor(Anchors& anchors, std::string_view name, Date date) {
    for (auto& [n, d] : anchors) {
        if (n == name) {
            d = date;
            return;
        }
    }
    anchors.emplace_back(std::string(name), date);
}

}  // namespace tilsyn
