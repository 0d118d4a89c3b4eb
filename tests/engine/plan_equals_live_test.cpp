// `plan` and the live engine compute deadlines with the same functions (engine/deadlines.hpp);
// this test proves that they agree. It drives the first period of every cycle of a
// configuration through the live engine (a real SQLite store, the case service), completing
// each step on its planned due date with the event its workflow's description names, and
// compares every deadline, reminder and escalation the engine armed with what `plan` lists for
// that institution and period.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include "adapters/config/yaml_config_loader.hpp"
#include "adapters/storage/soci_store.hpp"
#include "engine/case_service.hpp"
#include "engine/deadlines.hpp"
#include "engine/planner.hpp"
#include "temp_dir.hpp"
#include "workflows/description.hpp"
#include "workflows/workflow.hpp"

namespace {

using namespace tilsyn;

// "step r<round> kind <level> <local date>": one deadline, reminder or escalation.
using Moment = std::string;

Moment moment(std::string_view step, int round, std::string_view kind, int level, Date day) {
    return fmt::format("{} r{} {} {} {}", step, round, kind, level, format_date(day));
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

/// A payload that passes validation for every field the event describes.
std::string payload_for(const workflows::EventDescription& event, Date day,
                        const std::string& observer) {
    std::string out;
    for (const auto& field : event.fields) {
        std::string value;
        switch (field.type) {
            case workflows::FieldType::text:
                value = "\"Tekst\"";
                break;
            case workflows::FieldType::institution:
                value = fmt::format("\"{}\"", observer);
                break;
            case workflows::FieldType::url:
                value = "\"https://example.dk/dokument\"";
                break;
            case workflows::FieldType::date:
                value = fmt::format("\"{}\"", format_date(day));
                break;
            case workflows::FieldType::clock_time:
                value = "\"10:00\"";
                break;
            case workflows::FieldType::flag:
                value = "true";  // e.g. a leader records the board's statement on its behalf
                break;
            case workflows::FieldType::development_points:
            case workflows::FieldType::focus_areas:
                value = R"([{"title":"Læsning","goal":"learning"}])";
                break;
            case workflows::FieldType::goal:
                value = "\"learning\"";
                break;
            case workflows::FieldType::supervision_points:
                continue;  // optional; a supervision case is not part of the plan
            case workflows::FieldType::theme:
            case workflows::FieldType::actions:
            case workflows::FieldType::assessments:
                continue;  // optional; no themes are published and no point is assessed here
        }
        out += fmt::format("{}\"{}\":{}", out.empty() ? "" : ",", field.name, value);
    }
    return "{" + out + "}";
}

/// The allowed event that completes the step the machine waits for (its description names
/// who may send it and what it carries), found by firing each on a scratch machine.
const workflows::EventDescription* completing_event(const CycleRecord& cycle) {
    auto machine = workflows::make_machine(cycle.workflow, cycle.state);
    const std::string step(machine->current_step());
    for (const auto& name : machine->allowed_events()) {
        const auto* event = workflows::find_workflow(cycle.workflow)->find_event(name);
        if (!event || event->destructive) continue;
        auto scratch = workflows::make_machine(cycle.workflow, cycle.state);
        workflows::EventFacts facts;
        facts.development_points = 1;
        const auto transition = scratch->fire(name, facts);
        for (const auto& effect : transition.effects) {
            if (effect.kind == workflows::Effect::Kind::complete && effect.step == step) {
                return event;
            }
        }
    }
    return nullptr;
}

struct Run {
    std::set<Moment> live;
    std::set<Moment> planned;
    int steps_completed = 0;
};

/// Drives the first period of `cycle` for its first institution and collects both sides.
Run drive(const LoadedConfig& loaded, const CycleConfig& cycle, const std::string& db) {
    const auto domain = make_domain(loaded);
    const Config& config = domain->config;
    const TimeZone& zone = domain->zone;
    const Calendar& calendar = domain->calendar;
    auto store = open_store(db);
    store->migrate();
    store->sync_directory(config);
    CaseService cases(*store, domain);

    std::size_t inst_index = 0;
    while (!selects(cycle.institutions, config.institutions[inst_index])) ++inst_index;
    const Institution& inst = config.institutions[inst_index];
    const Institution* other = nullptr;  // an observer from another institution
    for (const auto& candidate : config.institutions) {
        if (candidate.id != inst.id) other = &candidate;
    }
    REQUIRE(other);

    const Date start = cycle.starts.first;
    const auto noon = [&](Date day) { return zone.to_instant(day, std::chrono::hours{12}); };
    store->in_transaction([&] { REQUIRE(cases.open_cycle(cycle, inst, start, noon(start))); });
    const std::string id = CaseService::cycle_id(cycle.id, inst.id, start);

    const Actor admin{"admin@example.dk", Role::admin, "", ""};
    const auto actor_for = [&](Role role, bool observer) -> Actor {
        switch (role) {
            case Role::area_chief:
                return {config.find_area(inst.area)->chief.email, role, inst.area, ""};
            case Role::leader:
                return observer ? Actor{other->leader.email, role, other->area, other->id}
                                : Actor{inst.leader.email, role, inst.area, inst.id};
            case Role::board:
                return {inst.board.email, role, inst.area, inst.id};
            case Role::director:
                return {config.organisation.director.email, role, "", ""};
            case Role::admin:
                break;
        }
        return admin;
    };

    Run run;
    for (int guard = 0; guard < 100; ++guard) {
        const auto record = *store->find_cycle(id);
        auto machine = workflows::make_machine(record.workflow, record.state);
        if (machine->is_final()) break;
        std::optional<Date> due;
        for (const auto& d : store->deadlines(id)) {
            if (d.kind == "due" && !d.done && d.step == machine->current_step()) due = d.due_on;
        }
        REQUIRE(due);
        // A step held beside the state's (the 1:1, beside the rounds) that falls due first is
        // done first, on its due date, by its own event.
        std::optional<DeadlineRecord> beside;
        for (const auto& d : store->deadlines(id)) {
            if (d.kind == "due" && !d.done && d.step != machine->current_step() &&
                d.due_on <= *due && (!beside || d.due_on < beside->due_on)) {
                beside = d;
            }
        }
        if (beside) {
            const auto& events = workflows::find_workflow(record.workflow)->events;
            const auto held = std::find_if(events.begin(), events.end(), [&](const auto& e) {
                return e.acts_on == beside->step;
            });
            REQUIRE(held != events.end());
            const auto result =
                cases.apply(id, held->id, actor_for(held->senders.front(), false),
                            payload_for(*held, beside->due_on, other->id), noon(beside->due_on));
            INFO(held->id << ": " << result.message);
            REQUIRE(result.status == ApplyStatus::ok);
            ++run.steps_completed;
            continue;
        }
        const auto* event = completing_event(record);
        REQUIRE(event);
        if (event->from_observer && cases.observer_of(record).empty()) {
            const auto assign =
                std::find_if(workflows::find_workflow(record.workflow)->events.begin(),
                             workflows::find_workflow(record.workflow)->events.end(),
                             [](const auto& e) { return e.assigns_observer; });
            const auto assigned = cases.apply(id, assign->id, admin,
                                              payload_for(*assign, *due, other->id), noon(*due));
            REQUIRE(assigned.status == ApplyStatus::ok);
        }
        const Actor actor = actor_for(event->senders.front(), event->from_observer);
        const auto result =
            cases.apply(id, event->id, actor, payload_for(*event, *due, other->id), noon(*due));
        INFO(event->id << ": " << result.message);
        REQUIRE(result.status == ApplyStatus::ok);
        ++run.steps_completed;
    }
    REQUIRE(workflows::make_machine(store->find_cycle(id)->workflow, store->find_cycle(id)->state)
                ->is_final());

    for (const auto& d : store->deadlines(id)) {
        const Date day = d.kind == "due" ? d.due_on : local_date(d.fire_at, zone);
        run.live.insert(moment(d.step, d.round, d.kind, d.level, day));
    }

    // The plan of this period: from its start to the next one.
    Date until = add_months(start, 12 * 5);
    for (Date next : cycle_starts(cycle, start, add_months(start, 12 * 20))) {
        if (next > start) {
            until = next;
            break;
        }
    }
    const std::size_t cycle_index = static_cast<std::size_t>(&cycle - loaded.config.cycles.data());
    const auto* workflow = workflows::find_workflow(cycle.workflow);
    visit_plan(config, calendar, zone, start, until, [&](const PlanItem& item) {
        if (item.institution != inst_index || item.cycle != cycle_index ||
            item.kind == PlanKind::start) {
            return;
        }
        run.planned.insert(moment(workflow->steps[item.step].id, item.round,
                                  plan_kind_name(item.kind), item.level, item.date));
    });
    return run;
}

void check_every_cycle(const LoadedConfig& loaded) {
    REQUIRE(loaded.ok());
    for (const auto& cycle : loaded.config.cycles) {
        tilsyn::testing::TempDir dir("plan-live");
        SECTION(cycle.id) {
            const Run run = drive(loaded, cycle, "sqlite:" + (dir.path() / "t.db").string());
            const auto* workflow = workflows::find_workflow(cycle.workflow);
            const int rounds = cycle.rounds ? cycle.rounds->count : 1;
            CHECK(run.steps_completed == static_cast<int>(workflow->steps.size()) * rounds);
            CHECK(run.live.size() > static_cast<std::size_t>(run.steps_completed));
            CHECK(run.live == run.planned);
        }
    }
}

}  // namespace

TEST_CASE("plan equals live: every cycle of the shipped configuration", "[plan_equals_live]") {
    const std::string path = std::string(TILSYN_SOURCE_DIR) + "/config/aarhus.yaml";
    check_every_cycle(load_config_text(read_file(path), path));
}

TEST_CASE("plan equals live: a timeline with every unit and anchor kind", "[plan_equals_live]") {
    // Days, workdays, weeks, months and years; anchors on the start, a round, earlier steps and a
    // fixed date; reminders that fall before a step is armed (never sent) and on its arming day.
    const std::string yaml = R"(
organisation:
  name: "Prøvekommune"
  timezone: Europe/Copenhagen
  dashboard_url: "http://127.0.0.1:8080"
  director: { name: "Dorte Direktør", email: "direktoer@example.dk" }
calendar:
  holidays: denmark
  closed_days: ["12-24", "12-31"]
  send_at: "08:00"
areas:
  - { id: syd, name: "Område Syd", chief: { name: "Søren Chef", email: "chef.syd@example.dk" } }
institutions:
  - { id: skolen, name: "Skolen", kind: school, area: syd, leader: { name: "Lene", email: "leder@skolen.example.dk" }, board: { email: "bestyrelse@skolen.example.dk" } }
  - { id: boernehuset, name: "Børnehuset", kind: daycare, area: syd, leader: { name: "Bo", email: "leder@boernehuset.example.dk" }, board: { email: "bestyrelse@boernehuset.example.dk" } }
cycles:
  - id: kvalitet
    workflow: quality_report
    institutions: { kinds: [school] }
    starts: { first: 2026-12-21, every: 1 year }
    steps:
      quality_report:       { due: "start + 1 month + 3 days" }
      board_statement:      { due: "quality_report + 2 workdays" }
      quality_conversation: { due: "2027-03-31" }
      development_plan:     { due: "start + 1 year - 20 weeks" }
      plan_approval:        { due: "development_plan + 1 workday" }
      publication:          { due: "plan_approval + 1 week" }
    reminders: ["-30 days", "-2 workdays", "-1 day"]
    escalation:
      - { after: "0 days", to: [leader] }
      - { after: "1 month", to: [area_chief, director] }
  - id: dialog
    workflow: learning_dialogue
    institutions: { kinds: [school, daycare] }
    starts: { first: 2027-03-29, every: 3 years }
    rounds: { count: 3, every: "5 months" }
    steps:
      data_package:          { due: "round + 3 workdays" }
      observation:           { due: "data_package + 1 week" }
      learning_conversation: { due: "start + 2 months" }
      one_to_one:            { due: "round + 4 months" }
    reminders: ["-10 workdays", "-1 week"]
    escalation:
      - { after: "2 days", to: [area_chief] }
)";
    check_every_cycle(load_config_text(yaml, "generated.yaml"));
}
