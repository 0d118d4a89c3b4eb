#include "adapters/http/attempts.hpp"

#include <algorithm>

namespace tilsyn::http {

std::chrono::seconds Attempts::wait(std::string_view address, Instant now) const {
    auto it = records_.find(std::string(address));
    if (it == records_.end() || it->second.blocked_until <= now) return std::chrono::seconds{0};
    return std::chrono::ceil<std::chrono::seconds>(it->second.blocked_until - now);
}

void Attempts::failed(std::string_view address, Instant now) {
    auto it = records_.find(std::string(address));
    if (it == records_.end()) {
        make_room(now);
        it = records_.emplace(std::string(address), Record{}).first;
    }
    Record& record = it->second;
    if (now - record.last >= kForgetAfter) record.failures = 0;
    record.failures++;
    record.last = now;
    if (record.failures >= kFreeFailures) {
        const int doublings = std::min(record.failures - kFreeFailures, 16);
        const auto wait =
            std::min<std::chrono::seconds>(std::chrono::seconds{1LL << doublings}, kLongestWait);
        record.blocked_until = now + wait;
    }
}

void Attempts::succeeded(std::string_view address) { records_.erase(std::string(address)); }

void Attempts::make_room(Instant now) {
    if (records_.size() < kMaxTrackedAddresses) return;
    std::erase_if(records_, [&](const auto& entry) {
        return now - entry.second.last >= kForgetAfter && entry.second.blocked_until <= now;
    });
    if (records_.size() < kMaxTrackedAddresses) return;
    auto oldest = std::min_element(
        records_.begin(), records_.end(),
        [](const auto& a, const auto& b) { return a.second.last < b.second.last; });
    records_.erase(oldest);
}

}  // namespace tilsyn::http
