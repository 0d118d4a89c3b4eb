// Process metrics in the Prometheus text format (version 0.0.4): counters the engine's users
// bump, a request-latency histogram, and gauges read when scraped. Lock-free: the scheduler,
// the mail thread and the HTTP thread update it concurrently.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <string>
#include <string_view>

namespace tilsyn {

class Metrics {
  public:
    /// Upper bounds of the latency histogram's buckets, in seconds.
    static constexpr std::array<double, 12> kLatencyBuckets = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};

    std::atomic<long long> events_applied{0};
    std::atomic<long long> events_refused{0};
    std::atomic<long long> reminders_sent{0};
    std::atomic<long long> escalations_sent{0};
    std::atomic<long long> cycles_opened{0};
    std::atomic<long long> mails_delivered{0};
    /// Sign-ins refused: a bad token at the dashboard's login or on the API.
    std::atomic<long long> sign_ins_failed{0};
    /// Tries refused unseen because their address failed too often (slowed down).
    std::atomic<long long> sign_ins_slowed{0};

    void observe_request(std::chrono::nanoseconds elapsed);

    /// The exposition, with the gauges read at scrape time.
    std::string render(long long outbox_pending, long long outbox_failed) const;

  private:
    std::array<std::atomic<long long>, kLatencyBuckets.size()> buckets_{};  // non-cumulative
    std::atomic<long long> latency_count_{0};
    std::atomic<long long> latency_sum_ns_{0};
};

}  // namespace tilsyn
