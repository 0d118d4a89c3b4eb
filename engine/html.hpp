// HTML escaping for text and attribute values, shared by the dashboard and the reports.
#pragma once

#include <string>
#include <string_view>

namespace tilsyn {

/// Escapes & < > " ' (safe in element text and in quoted attribute values).
inline std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

/// The attributes of a block that scrolls sideways inside the page (a wide table, a chart), so
/// a keyboard reaches it and a screen reader names it: ` tabindex="0" role="region"
/// aria-label="…"` with `name`, which the caller escapes.
inline std::string scroll_region(std::string_view name) {
    return std::string(R"( tabindex="0" role="region" aria-label=")") + std::string(name) + "\"";
}

}  // namespace tilsyn
