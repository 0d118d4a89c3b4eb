#include "engine/error_code.hpp"

#include <catch2/catch.hpp>
#include <regex>
#include <set>
#include <string>

TEST_CASE("every error code has its own stable snake_case name", "[errors]") {
    using tilsyn::ErrorCode;
    std::set<std::string> names;
    const std::regex snake_case("[a-z]+(_[a-z]+)*");
    for (int i = 0; i <= static_cast<int>(ErrorCode::internal_error); ++i) {
        const std::string name(tilsyn::error_code_name(static_cast<ErrorCode>(i)));
        INFO(name);
        CHECK(std::regex_match(name, snake_case));
        CHECK(names.insert(name).second);
    }
    // What clients match on: written in README.md and openapi.json, never renamed.
    CHECK(tilsyn::error_code_name(ErrorCode::not_found) == "not_found");
    CHECK(tilsyn::error_code_name(ErrorCode::role_not_allowed) == "role_not_allowed");
    CHECK(tilsyn::error_code_name(ErrorCode::not_allowed_in_state) == "not_allowed_in_state");
    CHECK(tilsyn::error_code_name(ErrorCode::database_unavailable) == "database_unavailable");
}
