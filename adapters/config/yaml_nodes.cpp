#include "adapters/config/yaml_nodes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <variant>

#include "engine/suggest.hpp"

namespace tilsyn::yaml_config {

namespace {

constexpr std::size_t kMaxConfigBytes = 64 << 20;

std::string node_type_name(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Map:
            return "a mapping";
        case YAML::NodeType::Sequence:
            return "a list";
        case YAML::NodeType::Scalar:
            return fmt::format("'{}'", node.Scalar());
        case YAML::NodeType::Null:
            return "nothing";
        default:
            return "nothing";
    }
}

}  // namespace

bool read_file(const std::string& path, std::string& out, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = "cannot open file";
        return false;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    out = buffer.str();
    if (out.size() > kMaxConfigBytes) {
        error = fmt::format("file is larger than {} MiB", kMaxConfigBytes >> 20);
        return false;
    }
    return true;
}

NodeReader::NodeReader(std::string path, std::vector<ConfigProblem>& problems)
    : path_(std::move(path)), problems_(problems) {}

SourceLocation NodeReader::where(const YAML::Node& node) const {
    auto mark = node.Mark();
    // A node yaml-cpp made up (a missing key's placeholder) has no position: the top of the
    // file is the one place that is never wrong.
    if (mark.line < 0 || mark.column < 0) return {path_, 1, 1};
    return {path_, mark.line + 1, mark.column + 1};
}

SourceLocation NodeReader::where_in(const YAML::Node& node, std::size_t position) const {
    SourceLocation loc = where(node);
    bool quoted = node.Tag() == "!";
    loc.column += static_cast<int>(position) + (quoted ? 1 : 0);
    return loc;
}

void NodeReader::problem(SourceLocation where, std::string message) {
    problems_.push_back({std::move(where), std::move(message)});
}

bool NodeReader::check_map(const YAML::Node& node, std::string_view what, const Keys& allowed,
                           const Keys& required) {
    if (!node.IsMap()) {
        problem(where(node),
                fmt::format("{} must be a mapping, found {}", what, node_type_name(node)));
        return false;
    }
    std::set<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
        const std::string key = it->first.Scalar();
        if (!seen.insert(key).second) {
            problem(where(it->first), fmt::format("duplicate key '{}' in {}", key, what));
        }
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
            problem(where(it->first),
                    fmt::format("unknown key '{}' in {}{}", key, what, did_you_mean(key, allowed)));
        }
    }
    for (auto key : required) {
        if (!node[std::string(key)]) {
            problem(where(node), fmt::format("{} is missing required key '{}'", what, key));
        }
    }
    return true;
}

bool NodeReader::scalar(const YAML::Node& node, std::string_view what, std::string& out) {
    if (!node) return false;
    if (!node.IsScalar()) {
        problem(where(node),
                fmt::format("{} must be a text value, found {}", what, node_type_name(node)));
        return false;
    }
    out = node.Scalar();
    return true;
}

std::string NodeReader::text(const YAML::Node& map, std::string_view key, std::string_view what) {
    std::string value;
    scalar(map[std::string(key)], fmt::format("{}.{}", what, key), value);
    return value;
}

std::optional<Offset> NodeReader::duration(const YAML::Node& node, std::string_view what,
                                           bool calendar_units_only) {
    std::string value;
    if (!scalar(node, what, value)) return std::nullopt;
    auto parsed = parse_duration(value);
    if (auto* e = std::get_if<SyntaxError>(&parsed)) {
        problem(where_in(node, e->position), fmt::format("{}: {}", what, e->message));
        return std::nullopt;
    }
    Offset offset = std::get<Offset>(parsed);
    if (calendar_units_only && offset.unit == Unit::workday) {
        problem(where(node), fmt::format("{}: a period repeats in days, weeks, months or "
                                         "years, not workdays",
                                         what));
        return std::nullopt;
    }
    return offset;
}

Person NodeReader::read_person(const YAML::Node& node, std::string_view what, bool name_required) {
    Person person;
    person.where = where(node);
    Keys required{"email"};
    if (name_required) required.push_back("name");
    if (!check_map(node, what, {"name", "email"}, required)) return person;
    person.name = text(node, "name", what);
    person.email = text(node, "email", what);
    if (auto email = node["email"]) person.where = where_in(email, 0);
    return person;
}

bool NodeReader::read_kind(const YAML::Node& node, const std::string& value, InstitutionKind& out) {
    if (auto kind = parse_kind(value)) {
        out = *kind;
        return true;
    }
    problem(where(node), fmt::format("unknown institution kind '{}'{}; use school, daycare or "
                                     "youth",
                                     value, did_you_mean(value, {"school", "daycare", "youth"})));
    return false;
}

}  // namespace tilsyn::yaml_config
