// The cycles of the configuration: which institutions each covers, when it starts, its rounds
// and observers, a due expression per step of its workflow, reminders, escalation and the
// supervision that a finding opens. Internal to the config adapter.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

#include "adapters/config/yaml_nodes.hpp"
#include "engine/config.hpp"
#include "workflows/description.hpp"

namespace tilsyn::yaml_config {

class CycleReader : NodeReader {
  public:
    /// Fills `config`'s cycles; reports into `nodes`' problem list.
    CycleReader(const NodeReader& nodes, Config& config);

    void read_cycles(const YAML::Node& node);

  private:
    std::vector<Offset> reminders(const YAML::Node& node);
    std::vector<EscalationLevel> escalation(const YAML::Node& node);
    /// A role or a list of roles (escalation `to`, a step's `by`); unknown names are reported.
    std::vector<Role> roles(const YAML::Node& node);
    static std::string assignable_steps();
    std::optional<StepTimeline> step_due(const std::string& step, const YAML::Node& node,
                                         const YAML::Node& key, bool supervision);
    void read_selector(const YAML::Node& node, InstitutionSelector& selector);
    /// The `supervision:` block: a due expression per step of the supervision case, and
    /// `{ every: … }` for its recurring step (the steps come from the case's description).
    std::optional<SupervisionTimeline> read_supervision(
        const YAML::Node& node, const workflows::WorkflowDescription* workflow);

    Config& config_;
};

}  // namespace tilsyn::yaml_config
