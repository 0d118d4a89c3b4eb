#include "engine/config_diff.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "engine/deadlines.hpp"
#include "engine/messages.hpp"
#include "engine/plan_format.hpp"
#include "engine/timeline.hpp"
#include "workflows/description.hpp"

namespace tilsyn {

int workdays_between(Date a, Date b, const Calendar& calendar) {
    if (a == b) return 0;
    const Date low = std::min(a, b), high = std::max(a, b);
    int count = 0;
    for (Date d = low + std::chrono::days{1}; d <= high; d += std::chrono::days{1}) {
        if (calendar.is_working_day(d)) ++count;
    }
    return b > a ? count : -count;
}

namespace {

using ItemKey = std::tuple<std::string_view, std::uint8_t, int, std::uint8_t>;  // step round kind

std::string_view step_id(const CycleConfig& cycle, const InstanceItem& item) {
    if (item.kind == PlanKind::start) return "start";
    const auto* workflow = workflows::find_workflow(cycle.workflow);
    return workflow ? workflow->steps[item.step].id : std::string_view("?");
}

std::map<ItemKey, Date> instance_items(const CycleConfig& cycle, Date start,
                                       const Calendar& calendar) {
    std::map<ItemKey, Date> items;
    visit_instance(cycle, start, calendar, [&](const InstanceItem& item) {
        items[{step_id(cycle, item), item.round, static_cast<int>(item.kind), item.level}] =
            item.date;
    });
    return items;
}

/// The starts of a cycle's periods in (from, to): upcoming ones only (cycle_starts also gives
/// the period running at `from`, as the plan shows its later deadlines).
std::vector<Date> upcoming_starts(const CycleConfig& cycle, Date from, Date to) {
    std::vector<Date> starts;
    for (Date start : cycle_starts(cycle, from, to)) {
        if (start > from && start < to) starts.push_back(start);
    }
    return starts;
}

std::set<std::string_view> covered_ids(const Config& config, const CycleConfig* cycle) {
    std::set<std::string_view> ids;
    if (!cycle) return ids;
    for (const auto& inst : config.institutions) {
        if (selects(cycle->institutions, inst)) ids.insert(inst.id);
    }
    return ids;
}

std::size_t count_common(const std::set<std::string_view>& a, const std::set<std::string_view>& b) {
    std::size_t n = 0;
    for (auto id : a) n += b.count(id);
    return n;
}

/// Reminders and escalations per person of the instances starting in (from, to).
std::unordered_map<std::string, long> mail_per_person(const Domain& domain, Date from, Date to) {
    const Config& config = domain.config;
    std::unordered_map<std::string, long> mail;
    for (std::size_t c = 0; c < config.cycles.size(); ++c) {
        const CycleConfig& cycle = config.cycles[c];
        const auto* workflow = workflows::find_workflow(cycle.workflow);
        if (!workflow) continue;
        // Every tilbud of the cycle gets the same items: count them per kind of recipient (an
        // observer's step by itself, every other by its roles), then resolve each per tilbud.
        std::map<std::pair<int, std::vector<Role>>, std::pair<PlanItem, long>> groups;
        for (Date start : upcoming_starts(cycle, from, to)) {
            visit_instance(cycle, start, domain.calendar, [&](const InstanceItem& i) {
                if (i.kind != PlanKind::reminder && i.kind != PlanKind::escalation) return;
                PlanItem item;
                item.cycle = static_cast<std::uint16_t>(c);
                item.step = i.step;
                item.kind = i.kind;
                item.level = i.level;
                item.round = i.round;
                const int observer = workflow->steps[i.step].observer_acts ? i.step : -1;
                auto& group = groups[{observer, plan_item_roles(config, item)}];
                group.first = item;
                ++group.second;
            });
        }
        if (groups.empty()) continue;
        for (std::size_t i = 0; i < config.institutions.size(); ++i) {
            if (!selects(cycle.institutions, config.institutions[i])) continue;
            for (auto& [key, group] : groups) {
                PlanItem item = group.first;
                item.institution = static_cast<std::uint32_t>(i);
                for (const auto& email : plan_recipients(config, item)) mail[email] += group.second;
            }
        }
    }
    return mail;
}

std::string date_or_dash(const std::optional<Date>& date) {
    return date ? danish_date(*date) : std::string("–");
}

}  // namespace

std::vector<RunningInstance> running_instances(CaseStore& store) {
    std::vector<RunningInstance> running;
    std::map<std::pair<std::string, Date>, std::string> snapshots;
    for (const auto& row : store.cycle_status("", "")) {
        const CycleRecord& cycle = row.cycle;
        if (!cycle.parent_id.empty() || cycle.cycle_config.empty() || !row.next_due) continue;
        auto key = std::make_pair(cycle.cycle_config, cycle.started_on);
        auto it = snapshots.find(key);
        if (it == snapshots.end()) {
            auto record = store.find_cycle(cycle.id);
            it = snapshots.emplace(key, record ? record->timeline : std::string()).first;
        }
        running.push_back({cycle.cycle_config, cycle.started_on, it->second});
    }
    return running;
}

ChangeWords change_words(const PlanChange& change) {
    ChangeWords words;
    words.step = change.step == "start" ? std::string("Start")
                                        : std::string(workflows::step_title(change.step));
    if (change.round) words.step += fmt::format(" (runde {})", change.round);
    switch (change.kind) {
        case PlanKind::start:
            words.kind = "Start";
            break;
        case PlanKind::due:
            words.kind = "Frist";
            break;
        case PlanKind::reminder:
            words.kind = fmt::format("Påmindelse {}", change.level);
            break;
        case PlanKind::escalation:
            words.kind = fmt::format("Eskalering {}", change.level);
            break;
    }
    words.moved = change.before && change.after ? fmt::format("{:+d}", change.workdays)
                                                : std::string(change.after ? "ny" : "bortfalder");
    return words;
}

ConfigDiff diff_configs(const Domain& current, const Domain& next,
                        const std::vector<RunningInstance>& running,
                        const std::vector<StoredInstitution>& stored, Date from, Date to) {
    ConfigDiff diff;
    diff.from = from;
    diff.to = to;

    // Running cycles keep the timeline they started with (their snapshot).
    std::map<std::string, RunningGroup> groups;
    std::map<std::string, std::string> new_timelines;
    for (const auto& cycle : next.config.cycles) {
        new_timelines[cycle.id] = timeline_to_json(timeline_of(cycle));
    }
    for (const auto& instance : running) {
        RunningGroup& group = groups[instance.cycle_config];
        group.cycle = instance.cycle_config;
        ++group.running;
        auto it = new_timelines.find(instance.cycle_config);
        group.in_new_config = it != new_timelines.end();
        if (!group.in_new_config || it->second != instance.timeline) ++group.on_other_timeline;
    }
    for (auto& [id, group] : groups) diff.running.push_back(std::move(group));

    // Upcoming instances: each cycle's periods paired in order.
    std::vector<std::string> cycle_ids;
    for (const auto& cycle : next.config.cycles) cycle_ids.push_back(cycle.id);
    for (const auto& cycle : current.config.cycles) {
        if (!next.config.find_cycle(cycle.id)) cycle_ids.push_back(cycle.id);
    }
    for (const auto& id : cycle_ids) {
        const CycleConfig* before = current.config.find_cycle(id);
        const CycleConfig* after = next.config.find_cycle(id);
        const auto covered_before = covered_ids(current.config, before);
        const auto covered_after = covered_ids(next.config, after);
        const std::size_t common = count_common(covered_before, covered_after);
        for (const auto& inst : next.config.institutions) {
            if (covered_after.count(inst.id) && !covered_before.count(inst.id)) {
                diff.institutions.push_back({inst.id, inst.name, id, true});
            }
        }
        for (const auto& inst : current.config.institutions) {
            if (covered_before.count(inst.id) && !covered_after.count(inst.id)) {
                diff.institutions.push_back({inst.id, inst.name, id, false});
            }
        }
        const auto starts_before =
            before ? upcoming_starts(*before, from, to) : std::vector<Date>{};
        const auto starts_after = after ? upcoming_starts(*after, from, to) : std::vector<Date>{};
        for (std::size_t k = 0; k < std::max(starts_before.size(), starts_after.size()); ++k) {
            std::map<ItemKey, Date> old_items, new_items;
            if (k < starts_before.size()) {
                old_items = instance_items(*before, starts_before[k], current.calendar);
            }
            if (k < starts_after.size()) {
                new_items = instance_items(*after, starts_after[k], next.calendar);
            }
            const Date start = k < starts_after.size() ? starts_after[k] : starts_before[k];
            const std::size_t institutions =
                k < starts_before.size() && k < starts_after.size()
                    ? common
                    : (k < starts_after.size() ? covered_after.size() : covered_before.size());
            if (institutions == 0) continue;
            auto add = [&](const ItemKey& key, std::optional<Date> was, std::optional<Date> is) {
                PlanChange change;
                change.cycle = id;
                change.start = start;
                change.step = std::string(std::get<0>(key));
                change.round = std::get<1>(key);
                change.kind = static_cast<PlanKind>(std::get<2>(key));
                change.level = std::get<3>(key);
                change.before = was;
                change.after = is;
                if (was && is) change.workdays = workdays_between(*was, *is, next.calendar);
                change.institutions = institutions;
                diff.changes.push_back(std::move(change));
            };
            for (const auto& [key, date] : old_items) {
                auto it = new_items.find(key);
                if (it == new_items.end()) {
                    add(key, date, std::nullopt);
                } else if (it->second != date) {
                    add(key, date, it->second);
                }
            }
            for (const auto& [key, date] : new_items) {
                if (!old_items.count(key)) add(key, std::nullopt, date);
            }
        }
    }
    std::stable_sort(diff.changes.begin(), diff.changes.end(),
                     [](const PlanChange& a, const PlanChange& b) {
                         const Date da = a.before ? *a.before : *a.after;
                         const Date db = b.before ? *b.before : *b.after;
                         return std::tie(a.cycle, a.start, da) < std::tie(b.cycle, b.start, db);
                     });

    // Tilbud that join or leave the organisation, against the running database's directory.
    std::unordered_set<std::string_view> active;
    for (const auto& inst : stored) {
        if (inst.active) active.insert(inst.id);
    }
    std::unordered_set<std::string_view> configured;
    for (const auto& inst : next.config.institutions) {
        configured.insert(inst.id);
        if (!active.count(inst.id)) diff.institutions.push_back({inst.id, inst.name, "", true});
    }
    for (const auto& inst : stored) {
        if (inst.active && !configured.count(inst.id)) {
            diff.institutions.push_back({inst.id, inst.name, "", false});
        }
    }

    // People whose reminders and escalations in the period change in number.
    const auto mail_before = mail_per_person(current, from, to);
    const auto mail_after = mail_per_person(next, from, to);
    for (const auto& [email, count] : mail_before) {
        auto it = mail_after.find(email);
        const long now = it == mail_after.end() ? 0 : it->second;
        if (now != count) diff.mail.push_back({email, count, now});
    }
    for (const auto& [email, count] : mail_after) {
        if (!mail_before.count(email)) diff.mail.push_back({email, 0, count});
    }
    std::sort(diff.mail.begin(), diff.mail.end(),
              [](const MailChange& a, const MailChange& b) { return a.email < b.email; });
    return diff;
}

void write_diff_table(std::ostream& out, const ConfigDiff& diff) {
    std::string text = fmt::format("Periode: kommende forløb, der starter efter {} og før {}\n\n",
                                   danish_date(diff.from), danish_date(diff.to));
    text += "Igangværende forløb beholder den tidsplan, de startede med:\n";
    if (diff.running.empty()) text += "  ingen igangværende forløb\n";
    for (const auto& group : diff.running) {
        text += fmt::format("  {}: {} forløb beholder deres tidsplan", group.cycle, group.running);
        if (!group.in_new_config) {
            text += " (cyklussen er ikke i den nye konfiguration)";
        } else if (group.on_other_timeline > 0) {
            text += fmt::format(" ({} af dem kører på en tidsplan, den nye konfiguration ændrer)",
                                group.on_other_timeline);
        }
        text += '\n';
    }
    text += "\nKommende forløb:\n";
    if (diff.changes.empty()) {
        text += "  intet flytter sig\n";
    } else {
        text += fmt::format("  {:<24} {:<10} {:<36} {:<15} {:<10} {:<10} {:>11} {:>6}\n", "CYKLUS",
                            "START", "TRIN", "HVAD", "FØR", "EFTER", "ARBEJDSDAGE", "TILBUD");
        for (const auto& change : diff.changes) {
            const ChangeWords words = change_words(change);
            text += fmt::format("  {:<24} {:<10} {:<36} {:<15} {:<10} {:<10} {:>11} {:>6}\n",
                                change.cycle, danish_date(change.start), words.step, words.kind,
                                date_or_dash(change.before), date_or_dash(change.after),
                                words.moved, change.institutions);
        }
    }
    text += "\nPåmindelser og eskaleringer pr. person i perioden:\n";
    if (diff.mail.empty()) text += "  ingen får flere eller færre\n";
    for (const auto& mail : diff.mail) {
        text += fmt::format("  {:<44} {} → {} ({:+d})\n", mail.email, mail.before, mail.after,
                            mail.after - mail.before);
    }
    text += "\nTilbud:\n";
    if (diff.institutions.empty()) text += "  ingen kommer til eller går fra\n";
    for (const auto& inst : diff.institutions) {
        text += fmt::format("  {} ({}) {} {}\n", inst.name, inst.id,
                            inst.joins ? "kommer med i" : "går ud af",
                            inst.cycle.empty() ? std::string("organisationen") : inst.cycle);
    }
    text += diff.moves() ? "\nDen nye konfiguration flytter noget.\n"
                         : "\nDen nye konfiguration flytter intet.\n";
    out << text;
}

void write_diff_json(std::ostream& out, const ConfigDiff& diff) {
    std::string json =
        fmt::format(R"({{"from":"{}","to":"{}","moves":{},"running":[)", format_date(diff.from),
                    format_date(diff.to), diff.moves() ? "true" : "false");
    auto date_json = [](const std::optional<Date>& date) {
        return date ? fmt::format("\"{}\"", format_date(*date)) : std::string("null");
    };
    for (std::size_t i = 0; i < diff.running.size(); ++i) {
        const auto& group = diff.running[i];
        json += i ? "," : "";
        json += R"({"cycle":)";
        append_json_string(json, group.cycle);
        json += fmt::format(
            R"(,"running":{},"keep_timeline":true,"on_other_timeline":{},"in_new_config":{}}})",
            group.running, group.on_other_timeline, group.in_new_config ? "true" : "false");
    }
    json += R"(],"changes":[)";
    for (std::size_t i = 0; i < diff.changes.size(); ++i) {
        const auto& change = diff.changes[i];
        json += i ? "," : "";
        json += R"({"cycle":)";
        append_json_string(json, change.cycle);
        json += fmt::format(R"(,"start":"{}","step":)", format_date(change.start));
        append_json_string(json, change.step);
        json += fmt::format(
            R"(,"round":{},"kind":"{}","level":{},"before":{},"after":{},"workdays":{},"institutions":{}}})",
            change.round, plan_kind_name(change.kind), change.level, date_json(change.before),
            date_json(change.after), change.workdays, change.institutions);
    }
    json += R"(],"mail":[)";
    for (std::size_t i = 0; i < diff.mail.size(); ++i) {
        json += i ? "," : "";
        json += R"({"email":)";
        append_json_string(json, diff.mail[i].email);
        json +=
            fmt::format(R"(,"before":{},"after":{}}})", diff.mail[i].before, diff.mail[i].after);
    }
    json += R"(],"institutions":[)";
    for (std::size_t i = 0; i < diff.institutions.size(); ++i) {
        const auto& inst = diff.institutions[i];
        json += i ? "," : "";
        json += R"({"id":)";
        append_json_string(json, inst.id);
        json += R"(,"name":)";
        append_json_string(json, inst.name);
        json += R"(,"cycle":)";
        if (inst.cycle.empty()) {
            json += "null";
        } else {
            append_json_string(json, inst.cycle);
        }
        json += fmt::format(R"(,"change":"{}"}})", inst.joins ? "joins" : "leaves");
    }
    json += "]}\n";
    out << json;
}

}  // namespace tilsyn
