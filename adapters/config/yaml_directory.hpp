// Who the configuration is about: areas with their chiefs, and institutions with their leaders
// and boards, listed in the YAML or read from an institutions CSV. Internal to the config
// adapter.
#pragma once

#include <yaml-cpp/yaml.h>

#include "adapters/config/yaml_nodes.hpp"
#include "engine/config.hpp"

namespace tilsyn::yaml_config {

class DirectoryReader : NodeReader {
  public:
    /// Fills `config`'s areas and institutions; reports into `nodes`' problem list.
    DirectoryReader(const NodeReader& nodes, Config& config);

    void read_areas(const YAML::Node& node);
    void read_institutions(const YAML::Node& node);
    /// Problems inside the CSV point into that file.
    void read_institutions_csv(const YAML::Node& node);

  private:
    Config& config_;
};

}  // namespace tilsyn::yaml_config
