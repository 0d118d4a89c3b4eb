// Reads the file, parses the YAML and hands each section to its reader (yaml_settings.cpp,
// yaml_directory.cpp, yaml_cycles.cpp), then runs the semantic rules over what they read.
#include "adapters/config/yaml_config_loader.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <string_view>
#include <tuple>

#include "adapters/config/yaml_cycles.hpp"
#include "adapters/config/yaml_directory.hpp"
#include "adapters/config/yaml_nodes.hpp"
#include "adapters/config/yaml_settings.hpp"
#include "engine/config_rules.hpp"

namespace tilsyn {

namespace {

constexpr const char* kZoneInfoDir = "/usr/share/zoneinfo";

// `timezone_where` is set to where the time zone is named, for a problem loading it.
void read_root(yaml_config::NodeReader& nodes, const YAML::Node& root, Config& config,
               SourceLocation& timezone_where) {
    nodes.check_map(
        root, "the configuration",
        {"organisation", "calendar", "mail", "roles", "auth", "areas", "institutions",
         "institutions_csv", "cycles", "workload", "political_report", "documents", "publication"},
        {"organisation", "areas", "cycles"});
    yaml_config::SettingsReader settings(nodes, config);
    yaml_config::DirectoryReader directory(nodes, config);
    yaml_config::CycleReader cycles(nodes, config);
    if (auto n = root["organisation"]) settings.read_organisation(n, timezone_where);
    if (auto n = root["calendar"]) settings.read_calendar(n);
    if (auto n = root["mail"]) settings.read_mail(n);
    if (auto n = root["roles"]) settings.read_roles(n);
    if (auto n = root["auth"]) settings.read_auth(n);
    if (auto n = root["workload"]) settings.read_workload(n);
    if (auto n = root["documents"]) settings.read_documents(n);
    if (auto n = root["publication"]) settings.read_publication(n);
    if (auto n = root["areas"]) directory.read_areas(n);
    if (auto n = root["institutions"]) directory.read_institutions(n);
    if (auto n = root["institutions_csv"]) directory.read_institutions_csv(n);
    if (!root["institutions"] && !root["institutions_csv"] && root.IsMap()) {
        nodes.problem(nodes.where(root),
                      "the configuration needs 'institutions' or 'institutions_csv'");
    }
    if (auto n = root["cycles"]) cycles.read_cycles(n);
    if (auto n = root["political_report"]) settings.read_political_report(n);
}

}  // namespace

std::optional<TimeZone> load_time_zone(const std::string& name, std::string* error) {
    auto fail = [&](std::string why) -> std::optional<TimeZone> {
        if (error) *error = std::move(why);
        return std::nullopt;
    };
    if (name == "UTC" || name == "Etc/UTC") return TimeZone::utc();
    const bool safe = !name.empty() && name.front() != '/' && name.find("..") == std::string::npos;
    std::string bytes, read_error;
    if (!safe ||
        !yaml_config::read_file(std::string(kZoneInfoDir) + "/" + name, bytes, read_error)) {
        return fail(
            fmt::format("unknown time zone '{}'; use an IANA name such as "
                        "Europe/Copenhagen",
                        name));
    }
    std::string why;
    auto zone = TimeZone::from_tzif(name, bytes, &why);
    if (!zone) return fail(fmt::format("time zone '{}': {}", name, why));
    return zone;
}

LoadedConfig load_config(const std::string& path) {
    std::string text, error;
    if (!yaml_config::read_file(path, text, error)) {
        LoadedConfig result;
        result.config.path = path;
        result.problems.push_back({{path, 1, 1}, error});
        return result;
    }
    return load_config_text(text, path);
}

std::shared_ptr<const Domain> make_domain(LoadedConfig loaded) {
    if (!loaded.ok() || !loaded.zone) {
        throw std::logic_error("make_domain: the configuration did not load");
    }
    return make_domain(std::move(loaded.config), std::move(*loaded.zone));
}

namespace {

/// The line and column (in characters, both from 1) of byte `offset` in `text`.
SourceLocation position_of(const std::string& path, std::string_view text, std::size_t offset) {
    const auto before = text.substr(0, offset);
    const auto line_start = before.rfind('\n');
    const auto line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
    const auto column_bytes =
        before.substr(line_start == std::string_view::npos ? 0 : line_start + 1);
    // UTF-8 continuation bytes (10xxxxxx) do not start a character.
    const auto column =
        1 + static_cast<int>(std::count_if(column_bytes.begin(), column_bytes.end(), [](char c) {
            return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
        }));
    return {path, line, column};
}

}  // namespace

LoadedConfig load_config_text(const std::string& yaml, const std::string& path) {
    LoadedConfig result;
    result.config.path = path;
    auto parent = std::filesystem::path(path).parent_path();
    result.config.base_dir = parent.empty() ? "." : parent.string();
    std::vector<ConfigProblem>& problems = result.problems;
    yaml_config::NodeReader nodes(path, problems);
    // yaml-cpp reads a NUL byte as the end of the text and then hands out nodes without a
    // position; YAML allows none, so the file is refused where the byte is.
    if (auto nul = yaml.find('\0'); nul != std::string::npos) {
        nodes.problem(position_of(path, yaml, nul),
                      "the file holds a NUL byte (U+0000), which YAML does not allow");
        return result;
    }
    YAML::Node root;
    try {
        root = YAML::Load(yaml);
    } catch (const YAML::Exception& e) {
        const bool known = e.mark.line >= 0 && e.mark.column >= 0;
        nodes.problem({path, known ? e.mark.line + 1 : 1, known ? e.mark.column + 1 : 1},
                      fmt::format("YAML syntax error: {}", e.msg));
        return result;
    }
    SourceLocation timezone_where;
    if (!root.IsMap()) {
        nodes.problem({path, 1, 1},
                      "the configuration must be a mapping of sections "
                      "(organisation, calendar, mail, areas, institutions, cycles)");
    } else {
        read_root(nodes, root, result.config, timezone_where);
    }
    const Organisation& organisation = result.config.organisation;
    if (!organisation.timezone.empty()) {
        std::string zone_error;
        result.zone = load_time_zone(organisation.timezone, &zone_error);
        if (!result.zone) nodes.problem(timezone_where, zone_error);
    }
    // Semantic rules run even after schema problems so one run reports everything; the
    // readers keep placeholders for bad values so rules do not repeat them.
    auto semantic = check_config_rules(result.config);
    problems.insert(problems.end(), semantic.begin(), semantic.end());
    // A rule whose value has no recorded position (a section left out) points at the file's
    // top rather than at a line 0 no editor shows.
    for (auto& problem : problems) {
        if (problem.where.line >= 1) continue;
        if (problem.where.file.empty()) problem.where.file = path;
        problem.where.line = 1;
        problem.where.column = 1;
    }
    std::stable_sort(problems.begin(), problems.end(),
                     [](const ConfigProblem& a, const ConfigProblem& b) {
                         return std::tie(a.where.file, a.where.line, a.where.column) <
                                std::tie(b.where.file, b.where.line, b.where.column);
                     });
    return result;
}

}  // namespace tilsyn
