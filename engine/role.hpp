// The roles people hold (interface.md §5). Its own header so the workflow descriptions
// (workflows/description.hpp) can name who acts without the whole configuration.
#pragma once

#include <optional>
#include <string_view>

namespace tilsyn {

enum class Role { admin, director, area_chief, leader, board };

/// The stable name ("area_chief"), as the database, the API and the YAML write it.
std::string_view role_name(Role role);
std::optional<Role> parse_role(std::string_view text);

}  // namespace tilsyn
