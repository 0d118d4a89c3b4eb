// A small valid configuration built in C++ for engine tests (no YAML involved).
#pragma once

#include <variant>

#include "engine/config.hpp"
#include "engine/due_expression.hpp"

namespace tilsyn::testing {

inline DueExpression due(std::string_view text) {
    return std::get<DueExpression>(parse_due_expression(text));
}

inline StepTimeline step(std::string name, std::string_view expression, int line) {
    return {std::move(name), due(expression), {"test.yaml", line, 30}, {}};
}

/// One area, a school and a daycare, a quality_report cycle for schools as in interface.md.
inline Config small_config() {
    Config config;
    config.path = "test.yaml";
    config.organisation.name = "Testkommune";
    config.organisation.dashboard_url = "http://127.0.0.1:8080";
    config.organisation.director = {"Dorte Direktør", "direktoer@example.dk", {"test.yaml", 5, 3}};
    config.calendar.closed_days = {{12, 24, std::nullopt}, {12, 31, std::nullopt}};
    config.areas = {{"syd",
                     "Område Syd",
                     {"Søren Chef", "chef.syd@example.dk", {"test.yaml", 10, 5}},
                     {"test.yaml", 10, 3}}};
    Institution school{"frydenlund",
                       "Frydenlund Skole",
                       InstitutionKind::school,
                       "syd",
                       {"Lene Leder", "leder@frydenlund.example.dk", {"test.yaml", 12, 5}},
                       {"", "bestyrelse@frydenlund.example.dk", {"test.yaml", 12, 40}},
                       {"test.yaml", 12, 3},
                       {"test.yaml", 12, 60}};
    Institution daycare{"solsikken",
                        "Børnehuset Solsikken",
                        InstitutionKind::daycare,
                        "syd",
                        {"Bo Leder", "leder@solsikken.example.dk", {"test.yaml", 13, 5}},
                        {"", "", {}},
                        {"test.yaml", 13, 3},
                        {"test.yaml", 13, 60}};
    config.institutions = {school, daycare};
    CycleConfig cycle;
    cycle.id = "quality-report-6-18";
    cycle.workflow = "quality_report";
    cycle.where = {"test.yaml", 20, 3};
    cycle.institutions.kinds = {InstitutionKind::school, InstitutionKind::youth};
    cycle.starts.first = *parse_date("2026-08-03");
    cycle.starts.every = {2, Unit::year};
    cycle.steps = {
        step("quality_report", "start + 10 weeks", 24),
        step("board_statement", "quality_report + 4 weeks", 25),
        step("quality_conversation", "board_statement + 6 weeks", 26),
        step("development_plan", "quality_conversation + 8 weeks", 27),
        step("plan_approval", "development_plan + 10 workdays", 28),
        step("publication", "plan_approval + 5 workdays", 29),
    };
    cycle.reminders = {{-14, Unit::day}, {-3, Unit::workday}};
    cycle.escalation = {
        {{1, Unit::workday}, {Role::leader, Role::area_chief}, {"test.yaml", 32, 9}},
        {{10, Unit::workday}, {Role::director}, {"test.yaml", 33, 9}}};
    SupervisionTimeline sup;
    sup.where = {"test.yaml", 34, 5};
    sup.steps = {step("action_plan", "given + 3 weeks", 35),
                 step("resolution", "given + 6 months", 37)};
    sup.follow_up_every = Offset{4, Unit::week};
    cycle.supervision = sup;
    config.cycles = {cycle};
    return config;
}

}  // namespace tilsyn::testing
