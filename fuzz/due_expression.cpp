// The due-expression parser: arbitrary text parses or fails with a position inside the text;
// what parses prints canonically and parses back to the same expression, and evaluates on the
// Danish calendar without crashing.
#include "engine/due_expression.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "engine/calendar.hpp"
#include "fuzz_support.hpp"

using namespace tilsyn;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    static const Calendar calendar(true, {});
    const auto parsed = parse_due_expression(text);
    if (const auto* error = std::get_if<SyntaxError>(&parsed)) {
        TILSYN_FUZZ_ASSERT(error->position <= text.size());
        TILSYN_FUZZ_ASSERT(!error->message.empty());
    } else {
        const auto& expression = std::get<DueExpression>(parsed);
        const std::string canonical = format_due_expression(expression);
        const auto again = parse_due_expression(canonical);
        TILSYN_FUZZ_ASSERT(std::holds_alternative<DueExpression>(again));
        TILSYN_FUZZ_ASSERT(std::get<DueExpression>(again) == expression);
        const Date anchor = *parse_date("2026-08-03");
        const Date due = evaluate_due(anchor, expression, calendar);
        TILSYN_FUZZ_ASSERT(calendar.is_working_day(due));
    }
    for (auto parse : {&parse_signed_offset, &parse_duration}) {
        const auto offset = parse(text);
        if (const auto* error = std::get_if<SyntaxError>(&offset)) {
            TILSYN_FUZZ_ASSERT(error->position <= text.size());
        }
    }
    return 0;
}
