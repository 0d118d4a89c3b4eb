#include "engine/due_expression.hpp"

#include <fmt/format.h>

#include <cctype>

namespace tilsyn {

namespace {

constexpr int kMaxAmount = 10000;

struct UnitName {
    std::string_view singular, plural;
    Unit unit;
};
constexpr UnitName kUnits[] = {
    {"day", "days", Unit::day},    {"workday", "workdays", Unit::workday},
    {"week", "weeks", Unit::week}, {"month", "months", Unit::month},
    {"year", "years", Unit::year},
};

class Scanner {
  public:
    explicit Scanner(std::string_view text) : text_(text) {}

    void skip_space() {
        while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    }
    bool at_end() {
        skip_space();
        return pos_ >= text_.size();
    }
    std::size_t pos() const { return pos_; }
    char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
    void advance() { ++pos_; }

    // A run of [A-Za-z0-9_-] characters.
    std::string_view word() {
        std::size_t begin = pos_;
        while (pos_ < text_.size()) {
            char c = text_[pos_];
            if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') {
                ++pos_;
            } else {
                break;
            }
        }
        return text_.substr(begin, pos_ - begin);
    }

    std::string_view digits() {
        std::size_t begin = pos_;
        while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
        return text_.substr(begin, pos_ - begin);
    }

    std::string_view letters() {
        std::size_t begin = pos_;
        while (pos_ < text_.size() && std::isalpha(static_cast<unsigned char>(text_[pos_]))) ++pos_;
        return text_.substr(begin, pos_ - begin);
    }

  private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

SyntaxError error_at(std::size_t pos, std::string message) { return {pos, std::move(message)}; }

// amount unit, after an optional sign has been consumed.
Parsed<Offset> parse_amount_unit(Scanner& s, int sign, std::string_view after) {
    s.skip_space();
    std::size_t number_pos = s.pos();
    auto digits = s.digits();
    if (digits.empty()) {
        if (after.empty()) return error_at(number_pos, "expected a number, e.g. '5 workdays'");
        return error_at(number_pos, fmt::format("expected a number after '{}'", after));
    }
    if (digits.size() > 5 || std::stoi(std::string(digits)) > kMaxAmount) {
        return error_at(number_pos,
                        fmt::format("{} is too large (at most {})", digits, kMaxAmount));
    }
    int amount = std::stoi(std::string(digits));
    s.skip_space();
    std::size_t unit_pos = s.pos();
    auto unit = s.letters();
    if (unit.empty()) {
        return error_at(unit_pos,
                        fmt::format("expected a unit after {}: days, workdays, weeks, months "
                                    "or years",
                                    digits));
    }
    for (const auto& u : kUnits) {
        if (unit == u.singular || unit == u.plural) return Offset{sign * amount, u.unit};
    }
    return error_at(unit_pos, fmt::format("unknown unit '{}'; expected days, workdays, weeks, "
                                          "months or years",
                                          unit));
}

Parsed<Offset> parse_offset_term(Scanner& s) {
    char sign = s.peek();
    s.advance();
    return parse_amount_unit(s, sign == '-' ? -1 : 1, std::string_view(&sign, 1));
}

bool is_identifier(std::string_view word) {
    if (word.empty() || !(std::islower(static_cast<unsigned char>(word[0])) || word[0] == '_'))
        return false;
    for (char c : word) {
        if (!(std::islower(static_cast<unsigned char>(c)) ||
              std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
            return false;
    }
    return true;
}

}  // namespace

std::string_view unit_name(Unit unit, bool plural) {
    for (const auto& u : kUnits) {
        if (u.unit == unit) return plural ? u.plural : u.singular;
    }
    return "?";
}

std::string format_offset(const Offset& offset, bool with_sign) {
    int amount = offset.amount < 0 ? -offset.amount : offset.amount;
    std::string unit{unit_name(offset.unit, amount != 1)};
    if (!with_sign) return fmt::format("{} {}", offset.amount, unit);
    return fmt::format("{}{} {}", offset.amount < 0 ? '-' : '+', amount, unit);
}

std::string format_due_expression(const DueExpression& e) {
    std::string out;
    switch (e.anchor.kind) {
        case Anchor::Kind::start:
            out = "start";
            break;
        case Anchor::Kind::given:
            out = "given";
            break;
        case Anchor::Kind::round:
            out = "round";
            break;
        case Anchor::Kind::step:
            out = e.anchor.step;
            break;
        case Anchor::Kind::date:
            out = format_date(e.anchor.date);
            break;
    }
    for (const auto& o : e.offsets) {
        int amount = o.amount < 0 ? -o.amount : o.amount;
        out += fmt::format(" {} {} {}", o.amount < 0 ? '-' : '+', amount,
                           unit_name(o.unit, amount != 1));
    }
    return out;
}

Parsed<DueExpression> parse_due_expression(std::string_view text) {
    Scanner s(text);
    if (s.at_end()) {
        return error_at(0, "empty due expression; expected an anchor such as 'start' or a step");
    }
    DueExpression result;
    std::size_t anchor_pos = s.pos();
    auto word = s.word();
    if (word.empty()) {
        return error_at(anchor_pos,
                        fmt::format("expected an anchor ('start', 'given', a step name or a "
                                    "date), found '{}'",
                                    s.peek()));
    }
    if (std::isdigit(static_cast<unsigned char>(word[0]))) {
        auto date = parse_date(word);
        if (!date) {
            return error_at(anchor_pos, fmt::format("'{}' is not a valid date (YYYY-MM-DD)", word));
        }
        result.anchor.kind = Anchor::Kind::date;
        result.anchor.date = *date;
    } else if (word == "start") {
        result.anchor.kind = Anchor::Kind::start;
    } else if (word == "given") {
        result.anchor.kind = Anchor::Kind::given;
    } else if (word == "round") {
        result.anchor.kind = Anchor::Kind::round;
    } else if (is_identifier(word)) {
        result.anchor.kind = Anchor::Kind::step;
        result.anchor.step = std::string(word);
    } else {
        return error_at(anchor_pos, fmt::format("'{}' is not a valid anchor; step names are "
                                                "lower-case letters, digits and '_'",
                                                word));
    }
    while (!s.at_end()) {
        char c = s.peek();
        if (c != '+' && c != '-') {
            return error_at(s.pos(), fmt::format("expected '+' or '-' followed by an amount, "
                                                 "found '{}'",
                                                 c));
        }
        auto term = parse_offset_term(s);
        if (auto* e = std::get_if<SyntaxError>(&term)) return *e;
        result.offsets.push_back(std::get<Offset>(term));
    }
    return result;
}

Parsed<Offset> parse_signed_offset(std::string_view text) {
    Scanner s(text);
    if (s.at_end()) return error_at(0, "empty offset; expected e.g. '-14 days'");
    char c = s.peek();
    if (c != '+' && c != '-') {
        return error_at(s.pos(), "an offset starts with '+' or '-', e.g. '-3 workdays'");
    }
    auto term = parse_offset_term(s);
    if (std::holds_alternative<SyntaxError>(term)) return term;
    if (!s.at_end()) return error_at(s.pos(), "unexpected text after the offset");
    return term;
}

Parsed<Offset> parse_duration(std::string_view text) {
    Scanner s(text);
    if (s.at_end()) return error_at(0, "empty duration; expected e.g. '1 workday'");
    if (s.peek() == '+' || s.peek() == '-') {
        return error_at(s.pos(), "a duration has no sign; write e.g. '5 workdays'");
    }
    auto term = parse_amount_unit(s, 1, "");
    if (std::holds_alternative<SyntaxError>(term)) return term;
    if (!s.at_end()) return error_at(s.pos(), "unexpected text after the duration");
    return term;
}

Date apply_offsets(Date date, std::span<const Offset> offsets, const Calendar& calendar) {
    for (const auto& o : offsets) {
        switch (o.unit) {
            case Unit::day:
                date += std::chrono::days{o.amount};
                break;
            case Unit::workday:
                date = calendar.add_workdays(date, o.amount);
                break;
            case Unit::week:
                date += std::chrono::days{7 * o.amount};
                break;
            case Unit::month:
                date = add_months(date, o.amount);
                break;
            case Unit::year:
                date = add_months(date, 12 * o.amount);
                break;
        }
    }
    return date;
}

Date evaluate_due(Date anchor_date, const DueExpression& expression, const Calendar& calendar) {
    return calendar.next_working_day(apply_offsets(anchor_date, expression.offsets, calendar));
}

}  // namespace tilsyn
