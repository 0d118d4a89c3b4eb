#include "engine/config_rules.hpp"

#include <catch2/catch.hpp>

#include "config_fixture.hpp"

namespace {

using tilsyn::check_config_rules;
using tilsyn::ConfigProblem;
using tilsyn::testing::small_config;
using tilsyn::testing::step;

std::string only_problem(const tilsyn::Config& config) {
    auto problems = check_config_rules(config);
    INFO([&] {
        std::string all;
        for (const auto& p : problems) all += tilsyn::format_problem(p) + "\n";
        return all;
    }());
    REQUIRE(problems.size() == 1);
    return tilsyn::format_problem(problems.front());
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("the small configuration passes every rule", "[config][rules]") {
    CHECK(check_config_rules(small_config()).empty());
}

TEST_CASE("a duplicate institution id is located at the second one", "[config][rules]") {
    auto config = small_config();
    config.institutions[1].id = "frydenlund";
    auto message = only_problem(config);
    CHECK(contains(message, "test.yaml:13:3: duplicate institution id 'frydenlund'"));
    CHECK(contains(message, "first defined at line 12"));
}

TEST_CASE("ids that could break cycle ids, calendars or CSV are refused where they are written",
          "[config][rules]") {
    // Issue 15: CR/LF in an id added events to ICS, '=' became a spreadsheet formula, and '/'
    // made cycle ids ambiguous.
    for (const char* bad : {"frydenlund\r\nBEGIN:VEVENT", "=HYPERLINK(\"x\")", "a/b", "Frydenlund",
                            "-skole", "skole_1", ""}) {
        auto config = small_config();
        config.institutions[1].id = bad;
        const auto message = only_problem(config);
        CHECK(contains(message, "test.yaml:13:3: institution id '"));
        CHECK(contains(message, "may hold only a-z, 0-9 and '-'"));
        CHECK(message.find('\n') == std::string::npos);  // one line, control characters shown
    }
    auto config = small_config();
    config.areas[0].id = "syd;drop";
    config.areas[0].where = {"test.yaml", 5, 7};
    for (auto& inst : config.institutions) {
        if (inst.area == "syd") inst.area = "syd;drop";
    }
    CHECK(contains(only_problem(config), "test.yaml:5:7: area id 'syd;drop' may hold only"));
    auto long_id = small_config();
    long_id.cycles[0].id = std::string(65, 'a');
    CHECK(contains(only_problem(long_id), "at most 64 characters"));
}

TEST_CASE("a control character in a name is refused, shown escaped", "[config][rules]") {
    auto config = small_config();
    config.institutions[0].name = "Frydenlund\r\nBcc: x@evil.dk";
    CHECK(contains(only_problem(config),
                   "test.yaml:12:3: the name of institution 'frydenlund' 'Frydenlund\\x0d\\x0aBcc: "
                   "x@evil.dk' holds a control character"));
    auto person = small_config();
    person.institutions[0].leader.name = "Lene\tLeder";
    CHECK(contains(only_problem(person), "holds a control character"));
}

TEST_CASE("an institution in an unknown area gets a suggestion", "[config][rules]") {
    auto config = small_config();
    config.institutions[0].area = "sud";
    CHECK(contains(only_problem(config), "unknown area 'sud' (did you mean 'syd'?)"));
}

TEST_CASE("an invalid e-mail address is reported with whose it is", "[config][rules]") {
    auto config = small_config();
    config.institutions[0].leader.email = "leder@@example.dk";
    auto message = only_problem(config);
    CHECK(contains(message, "test.yaml:12:5: 'leder@@example.dk' is not a valid e-mail address"));
    CHECK(contains(message, "leader of 'frydenlund'"));
    for (const char* bad : {"plain", "a@b", "a@.dk", "a b@example.dk", "@example.dk",
                            "x@exa_mple.dk", "x@-example.dk", "x..y@example.dk"}) {
        CHECK_FALSE(tilsyn::is_valid_email(bad));
    }
    CHECK(tilsyn::is_valid_email("søren"  // non-ASCII local parts are refused
                                 "@example.dk") == false);
    CHECK(tilsyn::is_valid_email("first.last+tag@sub.example.dk"));
}

TEST_CASE("a missing step is reported for the cycle", "[config][rules]") {
    auto config = small_config();
    config.cycles[0].steps.pop_back();
    CHECK(contains(only_problem(config),
                   "step 'publication' of workflow quality_report has no due expression"));
}

TEST_CASE("an unknown step gets a suggestion", "[config][rules]") {
    auto config = small_config();
    config.cycles[0].steps.push_back(step("publikation", "start + 1 day", 30));
    CHECK(contains(only_problem(config),
                   "unknown step 'publikation' in workflow quality_report "
                   "(did you mean 'publication'?)"));
}

TEST_CASE("due expressions that form a cycle are reported once with the chain", "[config][rules]") {
    auto config = small_config();
    config.cycles[0].steps[0] = step("quality_report", "quality_conversation + 1 week", 24);
    auto problems = check_config_rules(config);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].message ==
          "due expressions form a cycle: quality_report -> quality_conversation -> "
          "board_statement -> quality_report");
    CHECK(problems[0].where.line == 24);
}

TEST_CASE("a step anchored on itself is a cycle", "[config][rules]") {
    auto config = small_config();
    config.cycles[0].steps[5] = step("publication", "publication + 1 day", 29);
    CHECK(contains(only_problem(config), "cycle: publication -> publication"));
}

TEST_CASE("a step anchored on a later step is unsatisfiable", "[config][rules]") {
    auto config = small_config();
    // development_plan anchors on start, so no cycle: just an impossible order.
    config.cycles[0].steps[3] = step("development_plan", "start + 30 weeks", 27);
    config.cycles[0].steps[1] = step("board_statement", "development_plan - 4 weeks", 25);
    CHECK(contains(only_problem(config),
                   "test.yaml:25:30: step 'board_statement' anchors on "
                   "'development_plan', which comes after it"));
}

TEST_CASE("anchors must suit where they are used", "[config][rules]") {
    auto config = small_config();
    config.cycles[0].steps[0] = step("quality_report", "given + 1 week", 24);
    CHECK(contains(only_problem(config), "'given' is the anchor of supervision deadlines only"));

    config = small_config();
    config.cycles[0].supervision->steps[0] = step("action_plan", "start + 1 week", 35);
    CHECK(contains(only_problem(config), "supervision deadlines count from 'given'"));

    config = small_config();
    config.cycles[0].steps[0] = step("quality_report", "round + 1 week", 24);
    CHECK(contains(only_problem(config), "'round' is only an anchor in workflows that run in"));

    config = small_config();
    config.cycles[0].steps[0] = step("quality_report", "quality_reprot + 1 week", 24);
    CHECK(contains(only_problem(config),
                   "anchors on unknown step 'quality_reprot' (did you "
                   "mean 'quality_report'?)"));
}

TEST_CASE("an unknown workflow is one problem, not one per step", "[config][rules]") {
    auto config = small_config();
    config.cycles[0].workflow = "quality_reports";
    CHECK(contains(only_problem(config),
                   "unknown workflow 'quality_reports' (did you mean "
                   "'quality_report'?)"));
}

TEST_CASE("learning_dialogue needs rounds and quality_report must not have them",
          "[config][rules]") {
    auto config = small_config();
    config.cycles[0].rounds = tilsyn::Rounds{4, {6, tilsyn::Unit::month}};
    CHECK(contains(only_problem(config), "workflow quality_report has no rounds"));

    config = small_config();
    auto& cycle = config.cycles[0];
    cycle.workflow = "learning_dialogue";
    cycle.steps = {step("data_package", "round + 2 weeks", 24),
                   step("observation", "data_package + 6 weeks", 25),
                   step("learning_conversation", "observation + 2 weeks", 26),
                   step("one_to_one", "learning_conversation + 4 weeks", 27)};
    CHECK(contains(only_problem(config), "workflow learning_dialogue runs in rounds"));
    cycle.rounds = tilsyn::Rounds{4, {6, tilsyn::Unit::month}};
    CHECK(check_config_rules(config).empty());
}

TEST_CASE("escalations go to people with addresses in the configuration", "[config][rules]") {
    auto config = small_config();
    config.cycles[0].escalation[1].to = {tilsyn::Role::admin};
    CHECK(contains(only_problem(config), "test.yaml:33:9: escalation cannot go to 'admin'"));
}

TEST_CASE("a cycle selecting an unknown area or institution is reported", "[config][rules]") {
    auto config = small_config();
    config.cycles[0].institutions.areas = {"nord"};
    config.cycles[0].institutions.where = {"test.yaml", 21, 5};
    CHECK(contains(only_problem(config), "test.yaml:21:5: unknown area 'nord'"));
    config.cycles[0].institutions.areas = {};
    config.cycles[0].institutions.ids = {"ghost"};
    CHECK(contains(only_problem(config), "unknown institution 'ghost'"));
}

TEST_CASE("many mistakes are all reported, not just the first", "[config][rules]") {
    auto config = small_config();
    config.institutions[1].id = "frydenlund";
    config.institutions[0].area = "nowhere";
    config.organisation.director.email = "not-an-address";
    config.cycles[0].steps.pop_back();
    CHECK(check_config_rules(config).size() == 4);
}
