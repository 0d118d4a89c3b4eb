// The YAML config loader on arbitrary text: it reports problems (each with a line and column
// in the file), never crashes or hangs.
#include <cstddef>
#include <cstdint>
#include <string>

#include "adapters/config/yaml_config_loader.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 256 * 1024) return 0;
    const std::string text(reinterpret_cast<const char*>(data), size);
    // Relative paths (institutions_csv, templates) resolve to a folder that does not exist.
    const auto loaded = tilsyn::load_config_text(text, "/nonexistent/tilsyn-fuzz/config.yaml");
    for (const auto& problem : loaded.problems) {
        TILSYN_FUZZ_ASSERT(problem.where.line >= 1);
        TILSYN_FUZZ_ASSERT(!problem.message.empty());
    }
    if (loaded.ok()) TILSYN_FUZZ_ASSERT(loaded.zone.has_value());
    return 0;
}
