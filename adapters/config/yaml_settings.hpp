// The organisation-wide sections of the configuration: organisation, calendar, mail (with its
// folder of mail templates) and the role titles. Internal to the config adapter.
#pragma once

#include <yaml-cpp/yaml.h>

#include "adapters/config/yaml_nodes.hpp"
#include "engine/config.hpp"

namespace tilsyn::yaml_config {

class SettingsReader : NodeReader {
  public:
    /// Fills `config`'s organisation, calendar, mail and role titles; reports into `nodes`'
    /// problem list.
    SettingsReader(const NodeReader& nodes, Config& config);

    /// `timezone_where` is set to where the time zone is named, for a problem loading it.
    void read_organisation(const YAML::Node& node, SourceLocation& timezone_where);
    void read_calendar(const YAML::Node& node);
    void read_mail(const YAML::Node& node);
    /// `roles:`, role id -> the title people read (trimmed); an unknown role, an empty title
    /// or a title two roles share is a problem (and a configuration with one is not used).
    void read_roles(const YAML::Node& node);
    /// `workload: { max_conversations_per_week: N }`, N a whole number from 1 to 100.
    void read_workload(const YAML::Node& node);

  private:
    void read_closed_day(const YAML::Node& node);
    void read_templates(const YAML::Node& node);
    void read_digest(const YAML::Node& node);

    Config& config_;
};

}  // namespace tilsyn::yaml_config
