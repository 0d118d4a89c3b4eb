#include "engine/due_expression.hpp"

#include <catch2/catch.hpp>

namespace {

using tilsyn::Anchor;
using tilsyn::DueExpression;
using tilsyn::Offset;
using tilsyn::SyntaxError;
using tilsyn::Unit;

DueExpression parse_ok(std::string_view text) {
    auto parsed = tilsyn::parse_due_expression(text);
    if (auto* e = std::get_if<SyntaxError>(&parsed)) FAIL(e->message << " at " << e->position);
    return std::get<DueExpression>(parsed);
}

SyntaxError parse_error(std::string_view text) {
    auto parsed = tilsyn::parse_due_expression(text);
    REQUIRE(std::holds_alternative<SyntaxError>(parsed));
    return std::get<SyntaxError>(parsed);
}

tilsyn::Date d(const char* text) { return *tilsyn::parse_date(text); }

const tilsyn::Calendar kDenmark(true, {{12, 24, std::nullopt}, {12, 31, std::nullopt}});

}  // namespace

TEST_CASE("a due expression is an anchor followed by signed offsets", "[due]") {
    auto e = parse_ok("quality_report + 4 weeks");
    CHECK(e.anchor.kind == Anchor::Kind::step);
    CHECK(e.anchor.step == "quality_report");
    REQUIRE(e.offsets.size() == 1);
    CHECK(e.offsets[0] == Offset{4, Unit::week});

    e = parse_ok("start+10 weeks -2 workdays + 1 month");
    CHECK(e.anchor.kind == Anchor::Kind::start);
    CHECK(e.offsets ==
          std::vector<Offset>{{10, Unit::week}, {-2, Unit::workday}, {1, Unit::month}});
    CHECK(tilsyn::format_due_expression(e) == "start + 10 weeks - 2 workdays + 1 month");

    e = parse_ok("2027-03-01");
    CHECK(e.anchor.kind == Anchor::Kind::date);
    CHECK(e.anchor.date == d("2027-03-01"));
    CHECK(e.offsets.empty());

    CHECK(parse_ok("given + 1 day").anchor.kind == Anchor::Kind::given);
    CHECK(parse_ok("round + 2 weeks").anchor.kind == Anchor::Kind::round);
    CHECK(parse_ok("  start + 1 year ").offsets[0] == Offset{1, Unit::year});
}

TEST_CASE("a malformed due expression reports the position of the problem", "[due]") {
    auto e = parse_error("quality_report + 4 wekes");
    CHECK(e.position == 19);
    CHECK(e.message.find("unknown unit 'wekes'") != std::string::npos);

    e = parse_error("start + weeks");
    CHECK(e.position == 8);
    CHECK(e.message.find("expected a number") != std::string::npos);

    e = parse_error("start 4 weeks");
    CHECK(e.position == 6);
    CHECK(e.message.find("expected '+' or '-'") != std::string::npos);

    e = parse_error("2026-02-30 + 1 day");
    CHECK(e.position == 0);
    CHECK(e.message.find("not a valid date") != std::string::npos);

    e = parse_error("start + 4");
    CHECK(e.position == 9);
    CHECK(e.message.find("expected a unit") != std::string::npos);

    e = parse_error("");
    CHECK(e.position == 0);

    e = parse_error("Start + 1 day");
    CHECK(e.message.find("not a valid anchor") != std::string::npos);

    e = parse_error("start + 999999 days");
    CHECK(e.message.find("too large") != std::string::npos);
}

TEST_CASE("reminder offsets need a sign and durations must not have one", "[due]") {
    auto r = tilsyn::parse_signed_offset("-14 days");
    REQUIRE(std::holds_alternative<Offset>(r));
    CHECK(std::get<Offset>(r) == Offset{-14, Unit::day});
    CHECK(std::holds_alternative<SyntaxError>(tilsyn::parse_signed_offset("14 days")));
    CHECK(std::holds_alternative<SyntaxError>(tilsyn::parse_signed_offset("-3 workdays extra")));

    auto after = tilsyn::parse_duration("10 workdays");
    REQUIRE(std::holds_alternative<Offset>(after));
    CHECK(std::get<Offset>(after) == Offset{10, Unit::workday});
    CHECK(std::get<Offset>(tilsyn::parse_duration("0 days")) == Offset{0, Unit::day});
    auto signed_duration = tilsyn::parse_duration("-1 day");
    REQUIRE(std::holds_alternative<SyntaxError>(signed_duration));
    CHECK(std::get<SyntaxError>(signed_duration).position == 0);
}

TEST_CASE("a due date on Good Friday moves to the next working day", "[due][calendar]") {
    // 2026-03-06 + 4 weeks = 2026-04-03, Good Friday; next working day is Tuesday Apr 7.
    CHECK(tilsyn::evaluate_due(d("2026-03-06"), parse_ok("start + 4 weeks"), kDenmark) ==
          d("2026-04-07"));
}

TEST_CASE("workdays in a due expression count working days only", "[due][calendar]") {
    // 10 working days from Monday 2026-12-14: 15,16,17,18,21,22,23,28,29,30.
    CHECK(tilsyn::evaluate_due(d("2026-12-14"), parse_ok("start + 10 workdays"), kDenmark) ==
          d("2026-12-30"));
    // Months clamp to the month's end, then a weekend moves forward: Jan 31 + 1 month =
    // Sat 2026-02-28, moved to Mon 2026-03-02.
    CHECK(tilsyn::evaluate_due(d("2026-01-31"), parse_ok("start + 1 month"), kDenmark) ==
          d("2026-03-02"));
    // Offsets apply left to right.
    CHECK(tilsyn::evaluate_due(d("2026-08-03"), parse_ok("start + 10 weeks - 1 day"), kDenmark) ==
          d("2026-10-12"));  // Sunday Oct 11 moves to Monday Oct 12
}
