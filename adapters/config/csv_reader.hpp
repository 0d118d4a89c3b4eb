// RFC 4180 CSV with a header row, reporting each field's own line and column so errors in an
// institutions CSV point into that file.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tilsyn {

/// Input bounds: a file over kMaxCsvBytes, a field over kMaxCsvFieldBytes or a row of more than
/// kMaxCsvFields fields is an error at once, so no input makes the reader hold much more memory
/// than the file's size.
constexpr std::size_t kMaxCsvBytes = 32 << 20;
constexpr std::size_t kMaxCsvFieldBytes = 4096;
constexpr std::size_t kMaxCsvFields = 64;

struct CsvField {
    std::string value;
    int line = 0;    // 1-based line in the file where the field starts
    int column = 0;  // 1-based character column
};

struct CsvRow {
    std::vector<CsvField> fields;
    int line = 0;
};

struct CsvTable {
    std::vector<std::string> header;
    std::vector<CsvRow> rows;
    std::string error;  // a syntax error (unterminated quote, ...): "LINE:COLUMN: message"
};

/// Parses CSV text; accepts LF or CRLF line ends and a UTF-8 BOM; skips empty lines.
CsvTable parse_csv(std::string_view text);

}  // namespace tilsyn
