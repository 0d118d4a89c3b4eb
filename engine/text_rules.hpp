// What ids and names may hold. Ids go into cycle ids ("CYCLE/INSTITUTION/START"), URLs, ICS
// UIDs and CSV cells; names and titles into mail headers, calendars and pages. So an id is
// lower-case letters, digits and '-', and no name holds a control character.
#pragma once

#include <cstddef>
#include <string_view>

namespace tilsyn {

inline constexpr std::size_t kMaxIdLength = 64;

/// `[a-z0-9][a-z0-9-]*`, at most kMaxIdLength characters.
bool is_valid_id(std::string_view id);

/// Whether `text` holds a C0 control character (a line break, a tab, ...) or DEL; with
/// `spacing_allowed`, line breaks (CR, LF) and tabs do not count (a description, a note).
bool has_control_character(std::string_view text, bool spacing_allowed = false);

}  // namespace tilsyn
