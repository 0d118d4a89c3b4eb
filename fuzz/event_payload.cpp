// Event payload validation on arbitrary JSON for every event: valid or one error naming the
// field; a payload that validates re-validates from its stored (re-serialized) form.
#include "engine/event_payload.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "fuzz_support.hpp"

using namespace tilsyn;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    static const auto events = known_events();
    const std::string_view event = events[data[0] % events.size()];
    const std::string_view json(reinterpret_cast<const char*>(data + 1), size - 1);
    const auto result = validate_payload(event, json);
    if (const auto* error = std::get_if<PayloadError>(&result)) {
        TILSYN_FUZZ_ASSERT(!error->message.empty());
        return 0;
    }
    const auto& payload = std::get<EventPayload>(result);
    const auto again = validate_payload(event, payload.json);
    TILSYN_FUZZ_ASSERT(std::holds_alternative<EventPayload>(again));
    TILSYN_FUZZ_ASSERT(std::get<EventPayload>(again).json == payload.json);
    TILSYN_FUZZ_ASSERT(std::get<EventPayload>(again).supervision_points.size() ==
                       payload.supervision_points.size());
    return 0;
}
