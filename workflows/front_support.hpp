// What the workflows' MSM front-ends (quality_report.hpp, supervision.hpp,
// learning_dialogue.hpp) share: the one way an action records an effect.
#pragma once

#include <string>
#include <utility>

#include "workflows/workflow.hpp"

namespace tilsyn::workflows::detail {

/// Appends an effect to the machine being processed (its `effects_`).
template <class Fsm>
void emit(Fsm& fsm, Effect::Kind kind, std::string step = {}) {
    fsm.effects_.push_back(Effect{kind, std::move(step)});
}

}  // namespace tilsyn::workflows::detail
