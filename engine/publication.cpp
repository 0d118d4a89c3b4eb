#include "engine/publication.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <tuple>
#include <unordered_map>
#include <variant>

#include "engine/event_payload.hpp"
#include "engine/theme.hpp"
#include "workflows/description.hpp"

namespace tilsyn {

namespace {

constexpr std::string_view kGoalOrder[] = {"learning", "communities", "wellbeing"};

/// The development points (or focus areas) of a conversation, as its payload recorded them.
std::vector<PublishedPoint> points_of_conversation(const EventRecord& event) {
    std::vector<PublishedPoint> out;
    const auto validated = validate_payload(event.event, event.payload);
    const auto* payload = std::get_if<EventPayload>(&validated);
    if (!payload) return out;
    for (const auto& point : payload->development_points) {
        out.push_back({point.title, point.goal, point.theme, {}});
    }
    return out;
}

/// The point a supervision case was opened for (its opening entry's payload).
std::vector<PublishedPoint> point_of_case(const EventRecord& opened) {
    boost::system::error_code ec;
    const auto value = boost::json::parse(opened.payload, ec);
    const auto* object = ec ? nullptr : value.if_object();
    if (!object) return {};
    auto text = [&](std::string_view key) {
        const auto* v = object->if_contains(key);
        return v && v->is_string() ? std::string(v->as_string()) : std::string{};
    };
    return {{text("title"), text("goal"), text("theme"), {}}};
}

/// The documents an approval pinned (by name and hash, from the submission it names), as
/// stored, each once.
std::vector<StoredDocument> pinned_documents(Store& store, const EventRecord& approval) {
    std::vector<StoredDocument> out;
    for (const auto& info :
         documents_from_json(approval.documents).value_or(std::vector<DocumentInfo>{})) {
        auto stored = pinned_document(store, info, approval.seq);
        const bool listed = stored && std::any_of(out.begin(), out.end(), [&](const auto& d) {
                                return d.id == stored->id;
                            });
        if (stored && !listed) out.push_back(std::move(*stored));
    }
    return out;
}

/// The goals and themes of a plan's points, once each.
void summarise(PublishedPlan& plan, const std::vector<ThemeRecord>& themes) {
    for (auto& point : plan.points) {
        if (point.theme_id.empty()) continue;
        if (const ThemeRecord* theme = find_theme(themes, point.theme_id)) {
            point.theme = theme->title;
        }
        const bool listed = std::any_of(plan.themes.begin(), plan.themes.end(),
                                        [&](const auto& t) { return t.id == point.theme_id; });
        if (!listed && !point.theme.empty()) plan.themes.push_back({point.theme_id, point.theme});
    }
    for (auto goal : kGoalOrder) {
        if (std::any_of(plan.points.begin(), plan.points.end(),
                        [&](const PublishedPoint& p) { return p.goal == goal; })) {
            plan.goals.emplace_back(goal);
        }
    }
}

}  // namespace

std::vector<PublishedPlan> published_plans(Store& store, const Config& config,
                                           std::string_view institution_id) {
    const bool with_cases = config.publication.supervision_cases;
    std::map<std::string, PublishedPlan> latest;  // by institution id
    std::vector<PublishedPlan> cases;
    const std::vector<ThemeRecord> themes = store.themes();
    std::unordered_map<std::string_view, const Institution*> institutions;
    for (const auto& inst : config.institutions) institutions.emplace(inst.id, &inst);
    for (const auto& row : store.cycle_status("", institution_id)) {
        const auto* workflow = workflows::find_workflow(row.cycle.workflow);
        if (!workflow || (workflow->is_case && !with_cases)) continue;
        const bool publishes = std::any_of(workflow->events.begin(), workflow->events.end(),
                                           [](const auto& e) { return e.publishes; });
        if (!publishes) continue;
        const auto found = institutions.find(row.cycle.institution_id);
        if (found == institutions.end()) continue;
        const Institution* institution = found->second;
        std::optional<PublishedPlan> plan;
        std::vector<PublishedPoint> points;
        for (const auto& event : store.events(row.cycle.id)) {
            if (event.event == workflows::kCaseOpenedEvent) {
                points = point_of_case(event);
                continue;
            }
            const auto* described = workflow->find_event(event.event);
            if (!described) continue;
            if (described->records_points) points = points_of_conversation(event);
            if (described->withdraws) plan.reset();  // a cancelled cycle publishes nothing
            if (!described->publishes) continue;
            PublishedPlan approved;
            approved.cycle_id = row.cycle.id;
            approved.cycle_config = row.cycle.cycle_config;
            approved.supervision_case = workflow->is_case;
            approved.institution = institution;
            approved.approved_at = event.at;
            approved.approval_seq = event.seq;
            approved.points = points;
            approved.documents = pinned_documents(store, event);
            plan = std::move(approved);
        }
        if (!plan) continue;
        summarise(*plan, themes);
        if (plan->supervision_case) {
            cases.push_back(std::move(*plan));
            continue;
        }
        // The tilbud's latest approval (the audit sequence orders two in the same second).
        auto it = latest.find(institution->id);
        if (it == latest.end() || std::tie(it->second.approved_at, it->second.approval_seq) <
                                      std::tie(plan->approved_at, plan->approval_seq)) {
            latest[institution->id] = std::move(*plan);
        }
    }
    auto by_name = [](const PublishedPlan& a, const PublishedPlan& b) {
        if (a.institution->name != b.institution->name) {
            return a.institution->name < b.institution->name;
        }
        return a.approved_at < b.approved_at;
    };
    std::vector<PublishedPlan> out;
    for (auto& [id, plan] : latest) out.push_back(std::move(plan));
    std::sort(out.begin(), out.end(), by_name);
    std::sort(cases.begin(), cases.end(), by_name);
    for (auto& c : cases) out.push_back(std::move(c));
    return out;
}

bool is_published_document(const std::vector<PublishedPlan>& plans, long long document_id) {
    for (const auto& plan : plans) {
        for (const auto& document : plan.documents) {
            if (document.id == document_id) return true;
        }
    }
    return false;
}

}  // namespace tilsyn
