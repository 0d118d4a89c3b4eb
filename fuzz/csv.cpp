// The institutions CSV reader on arbitrary bytes: rows come in file order with 1-based
// positions, or a syntax error says where.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/config/csv_reader.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto table = tilsyn::parse_csv(text);
    int last = 0;
    for (const auto& row : table.rows) {
        TILSYN_FUZZ_ASSERT(row.line > last);
        last = row.line;
        for (const auto& field : row.fields) {
            TILSYN_FUZZ_ASSERT(field.line >= row.line);
            TILSYN_FUZZ_ASSERT(field.column >= 1);
        }
    }
    return 0;
}
