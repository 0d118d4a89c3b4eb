// What people read for each role (glossary.md: role titles are configuration; Aarhus calls its
// area chiefs "Børn og Unge-chef"). The defaults are in role_titles.cpp, the one place that
// knows them; the configuration's optional `roles:` replaces any of them.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "engine/role.hpp"

namespace tilsyn {

/// Every role, in the order lists name them.
inline constexpr std::array<Role, 5> kAllRoles = {Role::admin, Role::director, Role::area_chief,
                                                  Role::leader, Role::board};

/// The built-in Danish title of a role ("Områdechef").
std::string_view default_role_title(Role role);

class RoleTitles {
  public:
    /// Every role with its default title.
    RoleTitles();

    /// The title people read for `role`; never empty.
    std::string_view of(Role role) const;
    /// The title of a role by its stable name ("area_chief"); the name itself when unknown.
    std::string_view of(std::string_view role_name) const;
    /// Replaces a role's title (the loader refuses an empty one).
    void set(Role role, std::string title);

    /// The titles of `roles` joined the Danish way: "Leder", "Leder eller Bestyrelse",
    /// "Administrator, Direktør og Områdechef" (`conjunction` is "eller" or "og").
    std::string join(const std::vector<Role>& roles, std::string_view conjunction) const;

  private:
    std::array<std::string, kAllRoles.size()> titles_;
};

}  // namespace tilsyn
