// Semantic checks of a loaded configuration that need no YAML: duplicate ids, references to
// unknown areas, institutions, workflows and steps, missing steps, e-mail addresses, and due
// expressions that form a cycle or anchor on a step that comes later.
#pragma once

#include <vector>

#include "engine/config.hpp"

namespace tilsyn {

/// Every problem found, in source order; empty when the configuration is valid.
std::vector<ConfigProblem> check_config_rules(const Config& config);

}  // namespace tilsyn
