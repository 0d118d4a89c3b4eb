// Failed sign-ins per address on a moved clock: free tries, then a doubling wait, forgotten
// after a success or a quiet while, and memory bounded however many addresses try.
#include "adapters/http/attempts.hpp"

#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "engine/workflow_fixture.hpp"

using namespace tilsyn;
using namespace tilsyn::http;
using std::chrono::seconds;
using tilsyn::testing::at;

TEST_CASE("a guessing address waits longer after each failure past the free ones",
          "[http][attempts]") {
    Attempts attempts;
    const Instant t = at("2026-11-24", 9);
    for (int i = 1; i < Attempts::kFreeFailures; ++i) {
        attempts.failed("10.0.0.1", t);
        CHECK(attempts.wait("10.0.0.1", t) == seconds{0});
    }
    attempts.failed("10.0.0.1", t);  // the fifth
    CHECK(attempts.wait("10.0.0.1", t) == seconds{1});
    CHECK(attempts.wait("10.0.0.2", t) == seconds{0});  // another address is not slowed
    attempts.failed("10.0.0.1", t + seconds{1});
    CHECK(attempts.wait("10.0.0.1", t + seconds{1}) == seconds{2});
    attempts.failed("10.0.0.1", t + seconds{3});
    CHECK(attempts.wait("10.0.0.1", t + seconds{3}) == seconds{4});
    CHECK(attempts.wait("10.0.0.1", t + seconds{7}) == seconds{0});
    Instant later = t + seconds{7};
    for (int i = 0; i < 20; ++i) attempts.failed("10.0.0.1", later);
    CHECK(attempts.wait("10.0.0.1", later) == Attempts::kLongestWait);

    // A quiet quarter of an hour starts the count again; so does a success.
    later += Attempts::kForgetAfter + Attempts::kLongestWait;
    attempts.failed("10.0.0.1", later);
    CHECK(attempts.wait("10.0.0.1", later) == seconds{0});
    for (int i = 0; i < 10; ++i) attempts.failed("10.0.0.1", later);
    attempts.succeeded("10.0.0.1");
    CHECK(attempts.wait("10.0.0.1", later) == seconds{0});
}

TEST_CASE("failures of many addresses keep a bounded number of records", "[http][attempts]") {
    Attempts attempts;
    const Instant t = at("2026-11-24", 9);
    for (int i = 0; i < 3 * static_cast<int>(Attempts::kMaxTrackedAddresses); ++i) {
        attempts.failed(fmt::format("10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255),
                        t + seconds{i});
    }
    CHECK(attempts.tracked() <= Attempts::kMaxTrackedAddresses);
    // All of them within a quarter of an hour: none is old enough to forget, the oldest go.
    Attempts burst;
    for (int i = 0; i < 2 * static_cast<int>(Attempts::kMaxTrackedAddresses); ++i) {
        burst.failed(fmt::format("10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255), t);
    }
    CHECK(burst.tracked() == Attempts::kMaxTrackedAddresses);
}
