// The one way the engine learns the time. Time is an input: nothing in engine/ or workflows/
// reads the system clock; `main` passes the real one down, and tests pass one they move.
#pragma once

#include "engine/civil_time.hpp"

namespace tilsyn {

class Clock {
  public:
    virtual ~Clock() = default;
    /// The current instant, whole seconds.
    virtual Instant now() const = 0;
};

/// A clock that stands still: tests and replayed inputs.
class FixedClock final : public Clock {
  public:
    explicit FixedClock(Instant at = {}) : at_(at) {}
    Instant now() const override { return at_; }

  private:
    Instant at_;
};

}  // namespace tilsyn
