// The organisation-wide sections of the configuration: organisation, calendar, mail (with its
// folder of mail templates) and the role titles. Internal to the config adapter.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string_view>

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
    /// `auth:`: `sessions: { idle_minutes, absolute_hours, per_person }`, each a whole number
    /// within bounds; `oidc: { issuer, client_id, client_secret_env, scopes, claim }`.
    void read_auth(const YAML::Node& node);
    /// `workload: { max_conversations_per_week: N }`, N a whole number from 1 to 100.
    void read_workload(const YAML::Node& node);
    /// `political_report:` (after the cycles, which it names): age bands by year parity, the
    /// report's deadline (MM-DD), the cycles it covers and whether it names tilbud. Every bad
    /// value is a located problem in Danish.
    void read_political_report(const YAML::Node& node);
    /// `documents: { types: [pdf, …], max_file_mb: 25, max_event_mb: 100, max_files: 20 }`.
    void read_documents(const YAML::Node& node);
    /// `publication: { path: /offentlig, title: "…" }`.
    void read_publication(const YAML::Node& node);

  private:
    void read_closed_day(const YAML::Node& node);
    void read_templates(const YAML::Node& node);
    void read_digest(const YAML::Node& node);
    void read_oidc(const YAML::Node& node);
    /// A whole number in [low, high] under `key` of `map`, or nullopt (and a problem).
    std::optional<long> bounded_number(const YAML::Node& map, std::string_view key,
                                       std::string_view what, long low, long high);

    Config& config_;
};

}  // namespace tilsyn::yaml_config
