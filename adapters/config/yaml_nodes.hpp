// What the readers of the configuration's sections (yaml_settings.cpp, yaml_directory.cpp,
// yaml_cycles.cpp) share: a node's FILE:LINE:COLUMN, a mapping's keys checked, scalars,
// durations, people and institution kinds read, and the one list every problem of a load goes
// into; also reading a file under the size limit the YAML, its CSV and templates and the time
// zone files share. Internal to the config adapter.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config.hpp"
#include "engine/due_expression.hpp"

namespace tilsyn::yaml_config {

using Keys = std::vector<std::string_view>;

/// Reads a whole file; false and `error` when it cannot be opened or is over the size limit.
bool read_file(const std::string& path, std::string& out, std::string& error);

/// Reads the nodes of one YAML file. Copies report into the same problem list, so the reader
/// of each section is made from one NodeReader.
class NodeReader {
  public:
    /// `problems` must outlive the reader and its copies.
    NodeReader(std::string path, std::vector<ConfigProblem>& problems);

    SourceLocation where(const YAML::Node& node) const;
    // The location of a character inside a scalar (0-based), past an opening quote.
    SourceLocation where_in(const YAML::Node& node, std::size_t position) const;

    void problem(SourceLocation where, std::string message);

    // Checks a mapping's keys: reports unknown and duplicate keys and missing required ones.
    // Returns false when the node is not a mapping.
    bool check_map(const YAML::Node& node, std::string_view what, const Keys& allowed,
                   const Keys& required);

    bool scalar(const YAML::Node& node, std::string_view what, std::string& out);
    std::string text(const YAML::Node& map, std::string_view key, std::string_view what);
    std::optional<Offset> duration(const YAML::Node& node, std::string_view what,
                                   bool calendar_units_only);
    Person read_person(const YAML::Node& node, std::string_view what, bool name_required);
    bool read_kind(const YAML::Node& node, const std::string& value, InstitutionKind& out);

  private:
    std::string path_;
    std::vector<ConfigProblem>& problems_;
};

}  // namespace tilsyn::yaml_config
