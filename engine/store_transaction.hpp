// What every storage port shares: its error type and its transactions. A store that implements
// several ports (adapters/storage) has one transaction for all of them, so the engine commits
// state, audit and outbox together whichever port it wrote them through.
#pragma once

#include <functional>
#include <stdexcept>

namespace tilsyn {

/// Raised by a store for database failures; `what()` says which operation failed and why.
class StoreError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// The transactions of a store. Each port inherits this virtually, so a store implementing
/// several ports has one `in_transaction`, and a transaction begun through one port covers the
/// writes made through the others.
class Transactional {
  public:
    virtual ~Transactional() = default;

    /// Runs `work` in one transaction: everything it wrote commits, or nothing does when it
    /// throws (the exception is rethrown). Not reentrant.
    virtual void in_transaction(const std::function<void()>& work) = 0;
};

}  // namespace tilsyn
