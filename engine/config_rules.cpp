#include "engine/config_rules.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>

#include "engine/suggest.hpp"
#include "engine/text_rules.hpp"
#include "workflows/description.hpp"

namespace tilsyn {

namespace {

/// The steps of a workflow that the YAML dates with a due expression, in order (a recurring
/// step is dated by `follow_up.every` instead).
std::vector<std::string_view> timed_steps(const workflows::WorkflowDescription& workflow) {
    std::vector<std::string_view> ids;
    for (const auto& step : workflow.steps) {
        if (!step.recurring) ids.push_back(step.id);
    }
    return ids;
}

int step_index(const std::vector<std::string_view>& known, std::string_view step) {
    auto it = std::find(known.begin(), known.end(), step);
    return it == known.end() ? -1 : static_cast<int>(it - known.begin());
}

/// A workflow whose events name observers (the learning dialogue) may list them in the YAML.
bool has_observers(const workflows::WorkflowDescription& workflow) {
    return std::any_of(workflow.events.begin(), workflow.events.end(),
                       [](const auto& event) { return event.assigns_observer; });
}

/// Control characters shown as \xNN, so a problem line stays one line.
std::string printable(std::string_view text) {
    std::string out;
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) {
            out += fmt::format("\\x{:02x}", byte);
        } else {
            out += c;
        }
    }
    return out;
}

class Checker {
  public:
    explicit Checker(const Config& config) : config_(config) {}

    std::vector<ConfigProblem> run() {
        check_person(config_.organisation.director, "the director");
        check_areas();
        check_institutions();
        check_cycles();
        return std::move(problems_);
    }

  private:
    void add(const SourceLocation& where, std::string message) {
        problems_.push_back({where, std::move(message)});
    }

    void check_person(const Person& person, std::string_view who) {
        if (!person.email.empty() && !is_valid_email(person.email)) {
            add(person.where, fmt::format("'{}' is not a valid e-mail address ({})",
                                          printable(person.email), who));
        }
        check_name(person.name, person.where, fmt::format("the name of {}", who));
    }

    /// Names and titles go into mail headers, calendars and CSV: no control characters.
    void check_name(std::string_view name, const SourceLocation& where, std::string_view what) {
        if (!has_control_character(name)) return;
        add(where, fmt::format("{} '{}' holds a control character (a line break, tab or the "
                               "like); write it on one line without them",
                               what, printable(name)));
    }

    template <class Item>
    void check_unique(const std::vector<Item>& items, std::string_view what) {
        std::map<std::string, const Item*> seen;
        for (const auto& item : items) {
            if (!is_valid_id(item.id)) {
                add(item.where,
                    fmt::format("{} id '{}' may hold only a-z, 0-9 and '-', starting with a "
                                "letter or digit, at most {} characters (e.g. "
                                "'frydenlund-skole')",
                                what, printable(item.id), kMaxIdLength));
            }
            auto [it, inserted] = seen.emplace(item.id, &item);
            if (!inserted) {
                add(item.where, fmt::format("duplicate {} id '{}' (first defined at line {})", what,
                                            item.id, it->second->where.line));
            }
        }
    }

    void check_areas() {
        check_unique(config_.areas, "area");
        check_name(config_.organisation.name, config_.organisation.name_where, "organisation.name");
        for (const auto& area : config_.areas) {
            check_name(area.name, area.where, fmt::format("the name of area '{}'", area.id));
            check_person(area.chief, fmt::format("chief of area '{}'", area.id));
            area_ids_.push_back(area.id);
        }
    }

    std::string unknown_area(std::string_view id) {
        std::vector<std::string_view> names(area_ids_.begin(), area_ids_.end());
        return fmt::format("unknown area '{}'{}", id, did_you_mean(id, names));
    }

    void check_institutions() {
        check_unique(config_.institutions, "institution");
        for (const auto& inst : config_.institutions) {
            institution_ids_.insert(inst.id);
            check_name(inst.name, inst.where,
                       fmt::format("the name of institution '{}'", printable(inst.id)));
            if (!config_.find_area(inst.area)) {
                add(inst.area_where.line ? inst.area_where : inst.where, unknown_area(inst.area));
            }
            check_person(inst.leader, fmt::format("leader of '{}'", inst.id));
            check_person(inst.board, fmt::format("board of '{}'", inst.id));
        }
    }

    void check_cycles() {
        check_unique(config_.cycles, "cycle");
        for (const auto& cycle : config_.cycles) check_cycle(cycle);
    }

    void check_cycle(const CycleConfig& cycle) {
        for (const auto& area : cycle.institutions.areas) {
            if (!config_.find_area(area)) add(cycle.institutions.where, unknown_area(area));
        }
        for (const auto& id : cycle.institutions.ids) {
            if (!institution_ids_.count(id)) {
                add(cycle.institutions.where, fmt::format("unknown institution '{}'", id));
            }
        }
        const workflows::WorkflowDescription* workflow = workflows::find_workflow(cycle.workflow);
        if (!workflow && cycle.workflow.empty()) return;  // the loader reports the missing key
        if (!workflow || workflow->is_case) {
            std::vector<std::string_view> names;
            for (const auto* w : workflows::all_workflows()) {
                if (!w->is_case) names.push_back(w->id);
            }
            add(cycle.workflow_where.line ? cycle.workflow_where : cycle.where,
                fmt::format("unknown workflow '{}'{}; known: {}", cycle.workflow,
                            did_you_mean(cycle.workflow, names), fmt::join(names, ", ")));
            return;
        }
        if (workflow->repeats_in_rounds && !cycle.rounds) {
            add(cycle.where, fmt::format("workflow {} runs in rounds: add 'rounds: {{ count: 4, "
                                         "every: \"6 months\" }}'",
                                         workflow->id));
        }
        if (!workflow->repeats_in_rounds && cycle.rounds) {
            add(cycle.where,
                fmt::format("workflow {} has no rounds; remove 'rounds'", workflow->id));
        }
        if (!cycle.observers.empty() && !has_observers(*workflow)) {
            add(cycle.observers_where, "only a learning_dialogue cycle has observers");
        }
        for (const auto& [observed, observer] : cycle.observers) {
            for (const auto& id : {observed, observer}) {
                if (!institution_ids_.count(id)) {
                    add(cycle.observers_where,
                        fmt::format("observers: unknown institution '{}'", id));
                }
            }
            if (observed == observer) {
                add(cycle.observers_where,
                    fmt::format("observers: {} cannot observe itself; the observer comes from "
                                "another institution",
                                observed));
            }
        }
        if (cycle.starts.every.amount <= 0) {
            add(cycle.where, "starts.every must be a positive period, e.g. '2 years'");
        }
        check_steps(cycle.steps, timed_steps(*workflow),
                    cycle.workflow_where.line ? cycle.workflow_where : cycle.where,
                    fmt::format("workflow {}", workflow->id), false, workflow->repeats_in_rounds);
        check_escalation(cycle.escalation);
        const auto* cases = workflows::find_workflow(workflow->opens_cases);
        if (cycle.supervision && cases) {
            check_steps(cycle.supervision->steps, timed_steps(*cases), cycle.supervision->where,
                        "the supervision case", true, false);
            check_escalation(cycle.supervision->escalation);
        }
    }

    // Reminder signs and empty 'to' lists are the loader's to report, where they are written
    // (a level whose roles were all unknown arrives here with an empty list).
    void check_escalation(const std::vector<EscalationLevel>& escalation) {
        for (const auto& level : escalation) {
            for (Role role : level.to) {
                if (role == Role::admin) {
                    add(level.where,
                        "escalation cannot go to 'admin' (no e-mail in the "
                        "configuration); use director, area_chief, leader or board");
                }
            }
        }
    }

    void check_steps(const std::vector<StepTimeline>& steps,
                     const std::vector<std::string_view>& known, const SourceLocation& where,
                     const std::string& owner, bool supervision, bool rounds) {
        const std::vector<std::string_view>& names = known;
        std::map<std::string, const StepTimeline*> by_name;
        for (const auto& step : steps) {
            if (step_index(known, step.step) < 0) {
                add(step.where, fmt::format("unknown step '{}' in {}{}", step.step, owner,
                                            did_you_mean(step.step, names)));
                continue;
            }
            by_name[step.step] = &step;
        }
        for (std::string_view def : known) {
            if (!by_name.count(std::string(def))) {
                add(where, fmt::format("step '{}' of {} has no due expression", def, owner));
            }
        }
        for (const auto& [name, step] : by_name) {
            const Anchor& anchor = step->due.anchor;
            using K = Anchor::Kind;
            if (anchor.kind == K::given && !supervision) {
                add(step->where,
                    "'given' is the anchor of supervision deadlines only; use "
                    "'start' or an earlier step");
            } else if (anchor.kind == K::start && supervision) {
                add(step->where,
                    "supervision deadlines count from 'given' (the day the point "
                    "was given), not 'start'");
            } else if (anchor.kind == K::round && !rounds) {
                add(step->where, fmt::format("'round' is only an anchor in workflows that run in "
                                             "rounds; {} does not",
                                             owner));
            } else if (anchor.kind == K::step && !by_name.count(anchor.step)) {
                if (step_index(known, anchor.step) < 0) {
                    add(step->where, fmt::format("due expression anchors on unknown step '{}'{}",
                                                 anchor.step, did_you_mean(anchor.step, names)));
                }
            }
        }
        check_anchor_order(steps, known, by_name, owner);
    }

    void check_anchor_order(const std::vector<StepTimeline>& steps,
                            const std::vector<std::string_view>& known,
                            const std::map<std::string, const StepTimeline*>& by_name,
                            const std::string& owner) {
        std::set<std::string> in_reported_cycle;
        for (const auto& step : steps) {
            if (!by_name.count(step.step) || in_reported_cycle.count(step.step)) continue;
            // Follow the anchors from this step; each step has one anchor, so a cycle shows as
            // a step seen twice on the path.
            std::vector<std::string> path{step.step};
            std::string current = step.step;
            bool cycle = false;
            for (;;) {
                auto it = by_name.find(current);
                if (it == by_name.end() || it->second->due.anchor.kind != Anchor::Kind::step) {
                    break;
                }
                const std::string& next = it->second->due.anchor.step;
                if (next == step.step) {
                    cycle = true;
                    break;
                }
                if (std::find(path.begin(), path.end(), next) != path.end()) break;
                path.push_back(next);
                current = next;
            }
            if (cycle) {
                std::string chain;
                for (const auto& name : path) chain += name + " -> ";
                chain += step.step;
                in_reported_cycle.insert(path.begin(), path.end());
                add(step.where, fmt::format("due expressions form a cycle: {}", chain));
                continue;
            }
            const Anchor& anchor = step.due.anchor;
            if (anchor.kind == Anchor::Kind::step && by_name.count(anchor.step) &&
                step_index(known, anchor.step) > step_index(known, step.step)) {
                add(step.where, fmt::format("step '{}' anchors on '{}', which comes after it in "
                                            "{}; a due date can only follow an earlier step",
                                            step.step, anchor.step, owner));
            }
        }
    }

    const Config& config_;
    std::vector<ConfigProblem> problems_;
    std::vector<std::string> area_ids_;
    std::set<std::string> institution_ids_;
};

}  // namespace

std::vector<ConfigProblem> check_config_rules(const Config& config) {
    return Checker(config).run();
}

}  // namespace tilsyn
