#include "engine/config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace tilsyn {

std::string format_problem(const ConfigProblem& problem) {
    return fmt::format("{}:{}:{}: {}", problem.where.file, problem.where.line, problem.where.column,
                       problem.message);
}

std::string_view kind_name(InstitutionKind kind) {
    switch (kind) {
        case InstitutionKind::school:
            return "school";
        case InstitutionKind::daycare:
            return "daycare";
        case InstitutionKind::youth:
            return "youth";
    }
    return "?";
}

std::optional<InstitutionKind> parse_kind(std::string_view text) {
    for (auto kind : {InstitutionKind::school, InstitutionKind::daycare, InstitutionKind::youth}) {
        if (kind_name(kind) == text) return kind;
    }
    return std::nullopt;
}

std::string_view kind_plural(InstitutionKind kind) {
    switch (kind) {
        case InstitutionKind::school:
            return "skoler";
        case InstitutionKind::daycare:
            return "dagtilbud";
        case InstitutionKind::youth:
            return "fritidstilbud";
    }
    return "tilbud";
}

std::string_view age_band(InstitutionKind kind) {
    return kind == InstitutionKind::daycare ? "0-6" : "6-18";
}

std::string_view role_name(Role role) {
    switch (role) {
        case Role::admin:
            return "admin";
        case Role::director:
            return "director";
        case Role::area_chief:
            return "area_chief";
        case Role::leader:
            return "leader";
        case Role::board:
            return "board";
    }
    return "?";
}

std::optional<Role> parse_role(std::string_view text) {
    for (auto role : {Role::admin, Role::director, Role::area_chief, Role::leader, Role::board}) {
        if (role_name(role) == text) return role;
    }
    return std::nullopt;
}

bool is_valid_email(std::string_view address) {
    auto at = address.find('@');
    if (at == std::string_view::npos || at == 0 || address.find('@', at + 1) != address.npos ||
        address.size() > 254)
        return false;
    auto local = address.substr(0, at), domain = address.substr(at + 1);
    if (local.size() > 64 || local.front() == '.' || local.back() == '.' ||
        local.find("..") != local.npos)
        return false;
    constexpr std::string_view kLocalSpecials = "!#$%&'*+-/=?^_`{|}~.";
    for (char c : local) {
        if (!std::isalnum(static_cast<unsigned char>(c)) &&
            kLocalSpecials.find(c) == std::string_view::npos)
            return false;
    }
    if (domain.find('.') == domain.npos) return false;
    std::size_t label_start = 0;
    for (std::size_t i = 0; i <= domain.size(); ++i) {
        if (i == domain.size() || domain[i] == '.') {
            auto label = domain.substr(label_start, i - label_start);
            if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
                return false;
            label_start = i + 1;
        } else if (!std::isalnum(static_cast<unsigned char>(domain[i])) && domain[i] != '-') {
            return false;
        }
    }
    return true;
}

const Area* Config::find_area(std::string_view id) const {
    for (const auto& area : areas) {
        if (area.id == id) return &area;
    }
    return nullptr;
}

const CycleConfig* Config::find_cycle(std::string_view id) const {
    for (const auto& cycle : cycles) {
        if (cycle.id == id) return &cycle;
    }
    return nullptr;
}

bool selects(const InstitutionSelector& selector, const Institution& institution) {
    auto contains = [](const auto& list, const auto& value) {
        return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
    };
    return contains(selector.kinds, institution.kind) &&
           contains(selector.areas, institution.area) && contains(selector.ids, institution.id);
}

}  // namespace tilsyn
