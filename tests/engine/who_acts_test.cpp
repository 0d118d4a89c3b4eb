// Who acts on a step, who is reminded, who may send an event: the workflow's description,
// unless the cycle's config names the roles of an assignable step (`by:`).
#include "engine/who_acts.hpp"

#include <catch2/catch.hpp>

#include "config_fixture.hpp"

using namespace tilsyn;

namespace {

CycleConfig dialogue(std::vector<Role> data_package_by, std::vector<Role> one_to_one_by) {
    CycleConfig cycle;
    cycle.id = "ld";
    cycle.workflow = "learning_dialogue";
    cycle.steps = {testing::step("data_package", "round + 2 weeks", 1),
                   testing::step("observation", "data_package + 6 weeks", 2),
                   testing::step("learning_conversation", "observation + 2 weeks", 3),
                   testing::step("one_to_one", "learning_conversation + 4 weeks", 4)};
    cycle.steps[0].by = std::move(data_package_by);
    cycle.steps[3].by = std::move(one_to_one_by);
    return cycle;
}

const workflows::StepDescription& described(std::string_view step) {
    return *workflows::find_step(step);
}

}  // namespace

TEST_CASE("events are sent by the roles their workflow's description names", "[who]") {
    const Config config = testing::small_config();
    const std::string qr = config.cycles[0].id;
    CHECK(event_senders(config, qr, "report_submitted") == std::vector<Role>{Role::leader});
    CHECK(event_senders(config, qr, "board_statement_submitted") ==
          std::vector<Role>{Role::leader, Role::board});
    CHECK(event_senders(config, qr, "plan_approved") == std::vector<Role>{Role::area_chief});
    CHECK(event_senders(config, qr, "cycle_cancelled") == std::vector<Role>{Role::admin});
    CHECK(event_senders(config, qr, "nope").empty());
}

TEST_CASE("by default forvaltningen makes the data package and the area chief holds the 1:1",
          "[who][ld]") {
    const CycleConfig cycle = dialogue({}, {});
    CHECK(step_reminded(&cycle, described("data_package")) == std::vector<Role>{Role::admin});
    CHECK(step_reminded(&cycle, described("one_to_one")) == std::vector<Role>{Role::area_chief});
    CHECK(event_senders(&cycle, *workflows::find_event("data_package_published")) ==
          std::vector<Role>{Role::admin});
    CHECK(event_senders(&cycle, *workflows::find_event("one_to_one_held")) ==
          std::vector<Role>{Role::area_chief, Role::director});
    // A cycle no longer configured keeps the defaults.
    CHECK(step_actors(nullptr, described("one_to_one")) ==
          std::vector<Role>{Role::area_chief, Role::leader});
}

TEST_CASE("a cycle's by: takes the default actors' place; the leader followed up on stays",
          "[who][ld]") {
    const CycleConfig cycle = dialogue({Role::area_chief}, {Role::director});
    CHECK(step_reminded(&cycle, described("data_package")) == std::vector<Role>{Role::area_chief});
    CHECK(event_senders(&cycle, *workflows::find_event("data_package_published")) ==
          std::vector<Role>{Role::area_chief});
    CHECK(step_actors(&cycle, described("one_to_one")) ==
          std::vector<Role>{Role::director, Role::leader});
    CHECK(step_reminded(&cycle, described("one_to_one")) == std::vector<Role>{Role::director});
    CHECK(event_senders(&cycle, *workflows::find_event("one_to_one_held")) ==
          std::vector<Role>{Role::director});
    // Steps that are not assignable keep their description's roles.
    CHECK(step_reminded(&cycle, described("learning_conversation")) ==
          described("learning_conversation").reminded);
}
