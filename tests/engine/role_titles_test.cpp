#include "engine/role_titles.hpp"

#include <catch2/catch.hpp>

using tilsyn::Role;
using tilsyn::RoleTitles;

TEST_CASE("every role has a Danish title by default, which the configuration may replace",
          "[roles]") {
    RoleTitles titles;
    CHECK(titles.of(Role::admin) == "Administrator");
    CHECK(titles.of(Role::director) == "Direktør");
    CHECK(titles.of(Role::area_chief) == "Områdechef");
    CHECK(titles.of(Role::leader) == "Leder");
    CHECK(titles.of(Role::board) == "Bestyrelse");
    for (Role role : tilsyn::kAllRoles) CHECK(titles.of(role) == tilsyn::default_role_title(role));

    titles.set(Role::area_chief, "Børn og Unge-chef");
    CHECK(titles.of(Role::area_chief) == "Børn og Unge-chef");
    CHECK(titles.of("area_chief") == "Børn og Unge-chef");
    CHECK(titles.of("janitor") == "janitor");
    CHECK(titles.of(Role::leader) == "Leder");
}

TEST_CASE("role titles are joined the Danish way", "[roles]") {
    RoleTitles titles;
    CHECK(titles.join({Role::leader}, "eller") == "Leder");
    CHECK(titles.join({Role::leader, Role::board}, "eller") == "Leder eller Bestyrelse");
    CHECK(titles.join({Role::admin, Role::director, Role::area_chief}, "og") ==
          "Administrator, Direktør og Områdechef");
    CHECK(titles.join({}, "og").empty());
}
