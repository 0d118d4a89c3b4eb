// What the workflows' MSM front-ends (quality_report.hpp, supervision.hpp,
// learning_dialogue.hpp) share: the one way an action records an effect.
#pragma once

#include <string>
#include <utility>

#include "workflows/description.hpp"
#include "workflows/workflow.hpp"

namespace tilsyn::workflows::detail {

/// Appends an effect to the machine being processed (its `effects_`).
template <class Fsm>
void emit(Fsm& fsm, Effect::Kind kind, std::string step = {}) {
    fsm.effects_.push_back(Effect{kind, std::move(step)});
}

}  // namespace tilsyn::workflows::detail

namespace tilsyn::workflows::common {

/// Recorded by the engine when a cycle starts (every workflow with a start).
inline EventDescription cycle_opened() {
    return {.id = kCycleOpenedEvent, .title = "Forløb startet", .by_system = true};
}

/// An administrator ends a cycle that should not run (every cycle workflow).
inline EventDescription cycle_cancelled() {
    return {.id = "cycle_cancelled",
            .title = "Forløb annulleret",
            .action = "Annullér forløbet",
            .senders = {Role::admin},
            .fields = {{"reason", FieldType::text, true}},
            .destructive = true,
            .withdraws = true};
}

}  // namespace tilsyn::workflows::common
