#include "engine/text_rules.hpp"

namespace tilsyn {

bool is_valid_id(std::string_view id) {
    if (id.empty() || id.size() > kMaxIdLength || id.front() == '-') return false;
    for (char c : id) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    }
    return true;
}

bool has_control_character(std::string_view text, bool spacing_allowed) {
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (spacing_allowed && (c == '\n' || c == '\r' || c == '\t')) continue;
        if (byte < 0x20 || byte == 0x7f) return true;
    }
    return false;
}

}  // namespace tilsyn
