#include "adapters/config/yaml_cycles.hpp"

#include <fmt/format.h>

#include <exception>
#include <string_view>
#include <variant>

#include "engine/civil_time.hpp"
#include "engine/role.hpp"
#include "engine/suggest.hpp"

namespace tilsyn::yaml_config {

namespace {

Keys step_names(const std::vector<workflows::StepDescription>* steps) {
    if (!steps) return {};
    Keys names;
    for (const auto& s : *steps) names.push_back(s.id);
    return names;
}

}  // namespace

CycleReader::CycleReader(const NodeReader& nodes, Config& config)
    : NodeReader(nodes), config_(config) {}

std::vector<Offset> CycleReader::reminders(const YAML::Node& node) {
    std::vector<Offset> result;
    if (!node.IsSequence()) {
        problem(where(node), "reminders must be a list such as [\"-14 days\", \"-3 workdays\"]");
        return result;
    }
    for (const auto& r : node) {
        std::string value;
        if (!scalar(r, "a reminder", value)) continue;
        auto parsed = parse_signed_offset(value);
        if (auto* e = std::get_if<SyntaxError>(&parsed)) {
            problem(where_in(r, e->position), fmt::format("reminder: {}", e->message));
        } else if (std::get<Offset>(parsed).amount > 0) {
            problem(where(r), fmt::format("reminder '{}' comes after its deadline; reminders "
                                          "are '-N unit' before it (escalations handle after)",
                                          value));
        } else {
            result.push_back(std::get<Offset>(parsed));
        }
    }
    return result;
}

std::vector<EscalationLevel> CycleReader::escalation(const YAML::Node& node) {
    std::vector<EscalationLevel> result;
    if (!node.IsSequence()) {
        problem(where(node), "escalation must be a list of { after, to } levels");
        return result;
    }
    for (const auto& l : node) {
        if (!check_map(l, "an escalation level", {"after", "to"}, {"after", "to"})) continue;
        EscalationLevel level;
        level.where = where(l);
        if (auto after = duration(l["after"], "escalation.after", false)) level.after = *after;
        if (auto to = l["to"]) {
            if (!to.IsSequence() || to.size() == 0) {
                problem(where(to), "escalation.to must be a list of roles, e.g. [director]");
            } else {
                level.to = roles(to);
            }
        }
        result.push_back(std::move(level));
    }
    return result;
}

std::vector<Role> CycleReader::roles(const YAML::Node& node) {
    std::vector<Role> result;
    auto read = [&](const YAML::Node& r) {
        std::string value;
        if (!scalar(r, "a role", value)) return;
        if (auto role = parse_role(value)) {
            result.push_back(*role);
        } else {
            problem(where(r), fmt::format("unknown role '{}'{}; use leader, board, area_chief, "
                                          "director or admin",
                                          value,
                                          did_you_mean(value, {"leader", "board", "area_chief",
                                                               "director", "admin"})));
        }
    };
    if (node.IsSequence()) {
        for (const auto& r : node) read(r);
    } else {
        read(node);
    }
    return result;
}

// The steps a cycle's config may name the actors of, for messages: "data_package, one_to_one".
std::string CycleReader::assignable_steps() {
    std::string names;
    for (const auto* workflow : workflows::all_workflows()) {
        for (const auto& step : workflow->steps) {
            if (step.assignable) names += fmt::format("{}{}", names.empty() ? "" : ", ", step.id);
        }
    }
    return names;
}

// A step whose due expression is unusable still yields a placeholder timeline (anchored
// where the rules accept it), so the rules do not also report the step as missing.
std::optional<StepTimeline> CycleReader::step_due(const std::string& step, const YAML::Node& node,
                                                  const YAML::Node& key, bool supervision) {
    StepTimeline timeline;
    if (supervision) timeline.due.anchor.kind = Anchor::Kind::given;
    timeline.step = step;
    timeline.where = where(key);
    if (!check_map(node, fmt::format("step '{}'", step), {"due", "by"}, {"due"})) return timeline;
    if (auto by = node["by"]) {
        const auto* described = workflows::find_step(step);
        if (supervision || !described || !described->assignable) {
            problem(where(by), fmt::format("step '{}' takes no 'by': its workflow says who acts "
                                           "on it (only {} may name the roles)",
                                           step, assignable_steps()));
        } else if ((by.IsSequence() && by.size() == 0) || by.IsNull()) {
            problem(where(by), fmt::format("step '{}' by: name at least one role, e.g. "
                                           "[area_chief]",
                                           step));
        } else {
            timeline.by = roles(by);
        }
    }
    std::string value;
    if (!scalar(node["due"], fmt::format("step '{}' due", step), value)) return timeline;
    timeline.where = where_in(node["due"], 0);
    auto parsed = parse_due_expression(value);
    if (auto* e = std::get_if<SyntaxError>(&parsed)) {
        problem(where_in(node["due"], e->position),
                fmt::format("due expression of '{}': {}", step, e->message));
        return timeline;
    }
    timeline.due = std::get<DueExpression>(parsed);
    return timeline;
}

void CycleReader::read_cycles(const YAML::Node& node) {
    if (!node.IsSequence()) {
        problem(where(node), "cycles must be a list");
        return;
    }
    for (const auto& c : node) {
        if (!check_map(c, "a cycle",
                       {"id", "workflow", "institutions", "starts", "rounds", "observers", "steps",
                        "reminders", "escalation", "supervision"},
                       {"id", "workflow", "starts", "steps"}))
            continue;
        CycleConfig cycle;
        cycle.id = text(c, "id", "cycle");
        cycle.where = where(c["id"] ? c["id"] : c);
        cycle.workflow = text(c, "workflow", "cycle");
        cycle.workflow_where = where(c["workflow"] ? c["workflow"] : c);
        const workflows::WorkflowDescription* workflow = workflows::find_workflow(cycle.workflow);
        if (auto sel = c["institutions"]) read_selector(sel, cycle.institutions);
        if (auto s = c["starts"]) {
            if (check_map(s, "starts", {"first", "every"}, {"first"})) {
                std::string first;
                if (scalar(s["first"], "starts.first", first)) {
                    if (auto date = parse_date(first)) {
                        cycle.starts.first = *date;
                    } else {
                        problem(where(s["first"]), fmt::format("starts.first '{}' is not a "
                                                               "valid date (YYYY-MM-DD)",
                                                               first));
                    }
                }
                if (auto every = s["every"]) {
                    if (auto o = duration(every, "starts.every", true)) cycle.starts.every = *o;
                }
            }
        }
        if (auto r = c["rounds"]) {
            if (check_map(r, "rounds", {"count", "every"}, {"count", "every"})) {
                Rounds rounds;
                std::string count;
                if (scalar(r["count"], "rounds.count", count)) {
                    try {
                        rounds.count = std::stoi(count);
                    } catch (const std::exception&) {
                        rounds.count = 0;
                    }
                    if (rounds.count < 1 || rounds.count > 12 ||
                        count.find_first_not_of("0123456789") != std::string::npos) {
                        problem(where(r["count"]), fmt::format("rounds.count '{}' must be a "
                                                               "whole number from 1 to 12",
                                                               count));
                    }
                }
                if (auto o = duration(r["every"], "rounds.every", true)) rounds.every = *o;
                cycle.rounds = rounds;
            }
        }
        if (auto o = c["observers"]) {
            cycle.observers_where = where(o);
            if (!o.IsMap()) {
                problem(where(o), "observers must be a mapping: { institution: observer }");
            } else {
                for (auto it = o.begin(); it != o.end(); ++it) {
                    std::string observed, observer;
                    if (scalar(it->first, "an observed institution", observed) &&
                        scalar(it->second, "an observer institution", observer)) {
                        cycle.observers.emplace_back(observed, observer);
                    }
                }
            }
        }
        if (auto steps = c["steps"]) {
            // With an unknown workflow the rules report that once; its steps are not
            // checked against anything.
            bool is_map = workflow ? check_map(steps, "steps", step_names(&workflow->steps), {})
                                   : steps.IsMap();
            if (is_map) {
                for (auto it = steps.begin(); it != steps.end(); ++it) {
                    if (auto t = step_due(it->first.Scalar(), it->second, it->first, false))
                        cycle.steps.push_back(std::move(*t));
                }
            }
            // check_map already reported unknown steps; keep rules from repeating them.
            if (workflow) {
                std::erase_if(cycle.steps, [&](const StepTimeline& s) {
                    return workflow->step_index(s.step) < 0;
                });
            }
        }
        if (auto r = c["reminders"]) cycle.reminders = reminders(r);
        if (auto e = c["escalation"]) cycle.escalation = escalation(e);
        if (auto s = c["supervision"]) cycle.supervision = read_supervision(s, workflow);
        config_.cycles.push_back(std::move(cycle));
    }
}

void CycleReader::read_selector(const YAML::Node& node, InstitutionSelector& selector) {
    selector.where = where(node);
    if (!check_map(node, "institutions", {"kinds", "areas", "ids"}, {})) return;
    auto list = [&](std::string_view key, auto&& each) {
        auto n = node[std::string(key)];
        if (!n) return;
        if (!n.IsSequence()) {
            problem(where(n), fmt::format("institutions.{} must be a list", key));
            return;
        }
        for (const auto& item : n) {
            std::string value;
            if (scalar(item, fmt::format("institutions.{}", key), value)) each(item, value);
        }
    };
    list("kinds", [&](const YAML::Node& item, const std::string& value) {
        InstitutionKind kind;
        if (read_kind(item, value, kind)) selector.kinds.push_back(kind);
    });
    list("areas",
         [&](const YAML::Node&, const std::string& value) { selector.areas.push_back(value); });
    list("ids",
         [&](const YAML::Node&, const std::string& value) { selector.ids.push_back(value); });
}

std::optional<SupervisionTimeline> CycleReader::read_supervision(
    const YAML::Node& node, const workflows::WorkflowDescription* workflow) {
    const auto* cases = workflow ? workflows::find_workflow(workflow->opens_cases) : nullptr;
    if (!cases) return std::nullopt;  // an unknown workflow: check_config_rules says so
    SupervisionTimeline sup;
    sup.where = where(node);
    Keys allowed, required;
    for (const auto& step : cases->steps) {
        allowed.push_back(step.id);
        if (!step.recurring) required.push_back(step.id);
    }
    allowed.insert(allowed.end(), {"reminders", "escalation"});
    if (!check_map(node, "supervision", allowed, required)) return std::nullopt;
    for (const auto& step : cases->steps) {
        const YAML::Node value = node[std::string(step.id)];
        if (!value) continue;
        if (!step.recurring) {
            if (auto t = step_due(std::string(step.id), value, value, true)) {
                sup.steps.push_back(std::move(*t));
            }
        } else {
            const std::string what = fmt::format("supervision.{}", step.id);
            if (check_map(value, what, {"every"}, {"every"})) {
                sup.follow_up_every =
                    duration(value["every"], fmt::format("{}.every", step.id), true);
            }
        }
    }
    if (auto r = node["reminders"]) sup.reminders = reminders(r);
    if (auto e = node["escalation"]) sup.escalation = escalation(e);
    return sup;
}

}  // namespace tilsyn::yaml_config
