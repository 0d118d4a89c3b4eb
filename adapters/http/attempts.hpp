// Failed sign-ins per client address (a bad token at /login or on the API), so that a guesser
// is slowed down: after kFreeFailures failures in a row, the address waits before its next try,
// 1 s doubling with each further failure up to kLongestWait. Memory is bounded: at most
// kMaxTrackedAddresses addresses, and an address that fails no more for kForgetAfter is
// forgotten. Time is an argument, so tests move it. Not thread-safe (the HTTP thread's).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine/civil_time.hpp"

namespace tilsyn::http {

class Attempts {
  public:
    static constexpr int kFreeFailures = 10;
    static constexpr std::chrono::seconds kLongestWait{300};
    static constexpr std::chrono::minutes kForgetAfter{15};
    static constexpr std::size_t kMaxTrackedAddresses = 10000;

    /// How long `address` must still wait before it may try again; zero when it may now.
    std::chrono::seconds wait(std::string_view address, Instant now) const;
    /// Records a failed try of `address`.
    void failed(std::string_view address, Instant now);
    /// A successful sign-in forgets the address's failures.
    void succeeded(std::string_view address);
    std::size_t tracked() const { return records_.size(); }

  private:
    struct Record {
        int failures = 0;
        Instant last{};
        Instant blocked_until{};
    };
    void make_room(Instant now);

    std::unordered_map<std::string, Record> records_;
};

}  // namespace tilsyn::http
