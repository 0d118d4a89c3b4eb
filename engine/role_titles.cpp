#include "engine/role_titles.hpp"

#include "engine/messages.hpp"

namespace tilsyn {

namespace {

std::size_t index_of(Role role) { return static_cast<std::size_t>(role); }

}  // namespace

std::string_view default_role_title(Role role) {
    switch (role) {
        case Role::admin:
            return "Administrator";
        case Role::director:
            return "Direktør";
        case Role::area_chief:
            return "Områdechef";
        case Role::leader:
            return "Leder";
        case Role::board:
            return "Bestyrelse";
    }
    return "?";
}

RoleTitles::RoleTitles() {
    for (Role role : kAllRoles) titles_[index_of(role)] = std::string(default_role_title(role));
}

std::string_view RoleTitles::of(Role role) const { return titles_.at(index_of(role)); }

std::string_view RoleTitles::of(std::string_view role_name) const {
    const auto role = parse_role(role_name);
    return role ? of(*role) : role_name;
}

void RoleTitles::set(Role role, std::string title) {
    titles_.at(index_of(role)) = std::move(title);
}

std::string RoleTitles::join(const std::vector<Role>& roles, std::string_view conjunction) const {
    std::vector<std::string> titles;
    for (Role role : roles) titles.emplace_back(of(role));
    return danish_list(titles, conjunction);
}

}  // namespace tilsyn
