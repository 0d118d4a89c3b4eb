#include "engine/metrics.hpp"

#include <fmt/format.h>

namespace tilsyn {

void Metrics::observe_request(std::chrono::nanoseconds elapsed) {
    const double seconds = std::chrono::duration<double>(elapsed).count();
    for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
        if (seconds <= kLatencyBuckets[i]) {
            buckets_[i].fetch_add(1, std::memory_order_relaxed);
            break;
        }
    }
    latency_count_.fetch_add(1, std::memory_order_relaxed);
    latency_sum_ns_.fetch_add(elapsed.count(), std::memory_order_relaxed);
}

std::string Metrics::render(long long outbox_pending, long long outbox_failed) const {
    std::string out;
    auto counter = [&](std::string_view name, std::string_view help, long long value) {
        out += fmt::format("# HELP {0} {1}\n# TYPE {0} counter\n{0} {2}\n", name, help, value);
    };
    auto gauge = [&](std::string_view name, std::string_view help, long long value) {
        out += fmt::format("# HELP {0} {1}\n# TYPE {0} gauge\n{0} {2}\n", name, help, value);
    };
    counter("tilsyn_events_applied_total", "Workflow events applied.", events_applied.load());
    counter("tilsyn_events_refused_total", "Workflow events refused (bad payload, role, state).",
            events_refused.load());
    counter("tilsyn_reminders_sent_total", "Reminders queued by the scheduler.",
            reminders_sent.load());
    counter("tilsyn_escalations_sent_total", "Escalations queued by the scheduler.",
            escalations_sent.load());
    counter("tilsyn_cycles_opened_total", "Workflow cycles opened by the scheduler.",
            cycles_opened.load());
    counter("tilsyn_sign_ins_failed_total",
            "Sign-ins refused: a bad token at the dashboard's login or on the API.",
            sign_ins_failed.load());
    counter("tilsyn_sign_ins_slowed_total",
            "Sign-in tries refused unseen: their address failed too often and must wait.",
            sign_ins_slowed.load());
    counter("tilsyn_mails_delivered_total", "Mails handed to the mail transport.",
            mails_delivered.load());
    gauge("tilsyn_outbox_pending", "Mails waiting in the outbox.", outbox_pending);
    gauge("tilsyn_outbox_failed", "Mails given up on (see 'tilsyn outbox list').", outbox_failed);
    const std::string_view name = "tilsyn_http_request_duration_seconds";
    out += fmt::format("# HELP {0} HTTP request latency.\n# TYPE {0} histogram\n", name);
    long long cumulative = 0;
    for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
        cumulative += buckets_[i].load(std::memory_order_relaxed);
        out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name, kLatencyBuckets[i], cumulative);
    }
    const long long count = latency_count_.load(std::memory_order_relaxed);
    out += fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n", name, count);
    out += fmt::format("{}_sum {:.6f}\n", name,
                       static_cast<double>(latency_sum_ns_.load(std::memory_order_relaxed)) / 1e9);
    out += fmt::format("{}_count {}\n", name, count);
    return out;
}

}  // namespace tilsyn
