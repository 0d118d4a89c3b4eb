// The due-expression language of the configuration (interface.md §3):
//   expression := anchor { ("+" | "-") N unit }
//   anchor     := "start" | "given" | "round" | step-name | YYYY-MM-DD
//   unit       := day(s) | workday(s) | week(s) | month(s) | year(s)
// plus the bare forms used for reminders ("-14 days") and durations ("1 workday", "2 years").
// Parsing reports the 0-based character position of the first problem.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/calendar.hpp"
#include "engine/civil_time.hpp"

namespace tilsyn {

enum class Unit { day, workday, week, month, year };

std::string_view unit_name(Unit unit, bool plural);

/// A signed amount of one unit.
struct Offset {
    int amount = 0;
    Unit unit = Unit::day;
    friend bool operator==(const Offset&, const Offset&) = default;
};

/// "+3 workdays", "-14 days", "2 years".
std::string format_offset(const Offset& offset, bool with_sign);

struct Anchor {
    enum class Kind { start, given, round, step, date };
    Kind kind = Kind::start;
    std::string step;  // for Kind::step
    Date date{};       // for Kind::date
    friend bool operator==(const Anchor&, const Anchor&) = default;
};

struct DueExpression {
    Anchor anchor;
    std::vector<Offset> offsets;
    friend bool operator==(const DueExpression&, const DueExpression&) = default;
};

/// Canonical text: "quality_report + 4 weeks".
std::string format_due_expression(const DueExpression& expression);

struct SyntaxError {
    std::size_t position = 0;  // 0-based character index into the parsed text
    std::string message;
};

template <class T>
using Parsed = std::variant<T, SyntaxError>;

Parsed<DueExpression> parse_due_expression(std::string_view text);

/// A reminder or relative offset: sign required ("-14 days", "+1 day").
Parsed<Offset> parse_signed_offset(std::string_view text);

/// A non-negative duration without sign ("1 workday", "0 days", "2 years").
Parsed<Offset> parse_duration(std::string_view text);

/// Applies offsets in order. Days, weeks, months and years are calendar arithmetic; workdays
/// count working days of the calendar. The result is not moved off a non-working day.
Date apply_offsets(Date date, std::span<const Offset> offsets, const Calendar& calendar);

/// Evaluates an expression whose anchor has been resolved to `anchor_date`: applies the
/// offsets and moves a result on a non-working day to the next working day.
Date evaluate_due(Date anchor_date, const DueExpression& expression, const Calendar& calendar);

}  // namespace tilsyn
