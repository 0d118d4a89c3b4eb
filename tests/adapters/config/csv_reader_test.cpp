// tilsyn::parse_csv: RFC 4180 with a header row, each field keeping its own line and column.
#include "adapters/config/csv_reader.hpp"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace {

std::vector<std::string> values(const tilsyn::CsvRow& row) {
    std::vector<std::string> out;
    for (const auto& f : row.fields) out.push_back(f.value);
    return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("a header and rows are split into fields with their lines and columns", "[csv]") {
    const auto table = tilsyn::parse_csv("id,name,kind\nalpha,Alpha,school\nbeta,Beta,daycare\n");
    REQUIRE(table.error.empty());
    CHECK(table.header == Strings{"id", "name", "kind"});
    REQUIRE(table.rows.size() == 2);
    CHECK(values(table.rows[0]) == Strings{"alpha", "Alpha", "school"});
    CHECK(values(table.rows[1]) == Strings{"beta", "Beta", "daycare"});
    CHECK(table.rows[0].line == 2);
    CHECK(table.rows[1].line == 3);
    const auto& f = table.rows[1].fields;
    CHECK(f[0].line == 3);
    CHECK(f[0].column == 1);
    CHECK(f[1].column == 6);
    CHECK(f[2].line == 3);
    CHECK(f[2].column == 11);
}

TEST_CASE("the last row needs no line end, and empty fields are kept", "[csv]") {
    const auto table = tilsyn::parse_csv("a,b,c\n1,,3\n,,");
    REQUIRE(table.error.empty());
    REQUIRE(table.rows.size() == 2);
    CHECK(values(table.rows[0]) == Strings{"1", "", "3"});
    CHECK(values(table.rows[1]) == Strings{"", "", ""});
    CHECK(table.rows[1].line == 3);
}

TEST_CASE("quoted fields may contain commas", "[csv]") {
    const auto table = tilsyn::parse_csv("id,name\nalpha,\"Skole, Syd\"\n\"b,c\",x\n");
    REQUIRE(table.error.empty());
    REQUIRE(table.rows.size() == 2);
    CHECK(values(table.rows[0]) == Strings{"alpha", "Skole, Syd"});
    CHECK(values(table.rows[1]) == Strings{"b,c", "x"});
    // A quoted field's column is that of its opening quote.
    CHECK(table.rows[0].fields[1].column == 7);
    CHECK(table.rows[1].fields[1].column == 7);
}

TEST_CASE("doubled quotes inside a quoted field are one quote", "[csv]") {
    const auto table = tilsyn::parse_csv("a,b\n\"say \"\"hej\"\"\",\"\"\"\"\n\"\",z\n");
    REQUIRE(table.error.empty());
    REQUIRE(table.rows.size() == 2);
    CHECK(values(table.rows[0]) == Strings{"say \"hej\"", "\""});
    // A quoted empty field is a field, and the row is not an empty line.
    CHECK(values(table.rows[1]) == Strings{"", "z"});
}

TEST_CASE("a newline inside quotes stays in the field and later rows keep their true lines",
          "[csv]") {
    const auto table = tilsyn::parse_csv(
        "id,note,kind\nalpha,\"line one\nline two\nline three\",school\n"
        "beta,plain,daycare\n");
    REQUIRE(table.error.empty());
    REQUIRE(table.rows.size() == 2);
    CHECK(values(table.rows[0]) == Strings{"alpha", "line one\nline two\nline three", "school"});
    CHECK(table.rows[0].line == 2);
    // The field after the multi-line one starts on line 4, after `line three",`.
    CHECK(table.rows[0].fields[2].line == 4);
    CHECK(table.rows[0].fields[2].column == 13);
    CHECK(table.rows[1].line == 5);
    CHECK(table.rows[1].fields[2].line == 5);
    CHECK(table.rows[1].fields[2].column == 12);
}

TEST_CASE("CRLF line ends are accepted and not part of the values", "[csv]") {
    const auto table = tilsyn::parse_csv("id,name\r\nalpha,Alpha\r\n\"beta\",\"Beta\"\r\n");
    REQUIRE(table.error.empty());
    CHECK(table.header == Strings{"id", "name"});
    REQUIRE(table.rows.size() == 2);
    CHECK(values(table.rows[0]) == Strings{"alpha", "Alpha"});
    CHECK(values(table.rows[1]) == Strings{"beta", "Beta"});
    CHECK(table.rows[1].line == 3);
}

TEST_CASE("a UTF-8 byte order mark is skipped and does not count as a column", "[csv]") {
    const auto table = tilsyn::parse_csv("\xEF\xBB\xBFid,name\nalpha,Alpha\n");
    REQUIRE(table.error.empty());
    CHECK(table.header == Strings{"id", "name"});
    REQUIRE(table.rows.size() == 1);
    CHECK(table.rows[0].fields[1].column == 7);
}

TEST_CASE("columns count characters, not UTF-8 bytes", "[csv]") {
    const auto table = tilsyn::parse_csv("a,b,c\nÆble,Øst,x\n");
    REQUIRE(table.rows.size() == 1);
    CHECK(table.rows[0].fields[1].column == 6);
    CHECK(table.rows[0].fields[2].column == 10);
}

TEST_CASE("empty lines are skipped without shifting later line numbers", "[csv]") {
    const auto table = tilsyn::parse_csv("\nid,name\n\nalpha,Alpha\n\r\n\nbeta,Beta\n\n");
    REQUIRE(table.error.empty());
    CHECK(table.header == Strings{"id", "name"});
    REQUIRE(table.rows.size() == 2);
    CHECK(table.rows[0].line == 4);
    CHECK(table.rows[0].fields[0].line == 4);
    CHECK(table.rows[1].line == 7);
    CHECK(table.rows[1].fields[1].line == 7);
    CHECK(table.rows[1].fields[1].column == 6);
}

TEST_CASE("empty input gives an empty table without an error", "[csv]") {
    const auto table = tilsyn::parse_csv("");
    CHECK(table.error.empty());
    CHECK(table.header.empty());
    CHECK(table.rows.empty());
}

TEST_CASE("an unterminated quote is an error at the opening quote", "[csv]") {
    const auto table = tilsyn::parse_csv("id,name\nalpha,Alpha\nbeta,\"Beta\nstill open\n");
    CHECK(table.error == "3:6: unterminated quoted field");
}

TEST_CASE("text after a closing quote is an error at that text", "[csv]") {
    const auto table = tilsyn::parse_csv("id,name\nalpha,\"Alpha\"x,y\n");
    CHECK(table.error == "2:14: unexpected text after a quoted field");
}

// Found by fuzz_csv (fuzz/regressions/csv/bare-cr-line-numbers.csv): a bare CR ended a row
// without counting a line, so the next row had the same line number as the one before.
TEST_CASE("a bare CR ends a row and counts as a line break", "[csv]") {
    auto table = tilsyn::parse_csv("id,name\r\na,x\rb,y\r\nc,z\n");
    REQUIRE(table.error.empty());
    REQUIRE(table.rows.size() == 3);
    CHECK(table.rows[0].line == 2);
    CHECK(table.rows[1].line == 3);
    CHECK(table.rows[1].fields[0].value == "b");
    CHECK(table.rows[1].fields[1].line == 3);
    CHECK(table.rows[2].line == 4);
}

TEST_CASE("CSV input is bounded in bytes, fields per row and field length", "[csv]") {
    using namespace tilsyn;
    // Issue 15: a line of 20 million fields took 1.4 GB before it was refused.
    std::string many = "id,name\n" + std::string(kMaxCsvFields, ',') + "\n";
    auto table = parse_csv(many);
    CHECK(table.error ==
          fmt::format("2:{}: a row has more than {} fields", kMaxCsvFields + 1, kMaxCsvFields));
    CHECK(table.rows.empty());
    CHECK(parse_csv("id,name\n" + std::string(kMaxCsvFields - 1, ',') + "\n").error.empty());

    const std::string longest(kMaxCsvFieldBytes, 'x');
    CHECK(parse_csv("id,name\na," + longest + "\n").error.empty());
    CHECK(parse_csv("id,name\na," + longest + "y\n").error ==
          fmt::format("2:3: a field is longer than {} bytes", kMaxCsvFieldBytes));
    CHECK(parse_csv("id,name\na,\"" + longest + "y\"\n").error ==
          fmt::format("2:3: a field is longer than {} bytes", kMaxCsvFieldBytes));

    const std::string huge(kMaxCsvBytes + 1, '\n');
    CHECK(parse_csv(huge).error == "1:1: the file is larger than 32 MiB");
}
