#include "adapters/config/csv_reader.hpp"

#include <fmt/format.h>

namespace tilsyn {

CsvTable parse_csv(std::string_view text) {
    CsvTable table;
    if (text.size() > kMaxCsvBytes) {
        table.error = fmt::format("1:1: the file is larger than {} MiB", kMaxCsvBytes >> 20);
        return table;
    }
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    std::size_t i = 0;
    int line = 1, column = 1;
    std::vector<CsvRow> records;
    CsvRow row;
    row.line = 1;
    auto advance = [&](char c) {
        ++i;
        if (c == '\n') {
            ++line;
            column = 1;
        } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
            ++column;
        }
    };
    bool row_has_content = false;
    while (i <= text.size()) {
        CsvField field;
        field.line = line;
        field.column = column;
        if (i < text.size() && text[i] == '"') {
            advance('"');
            bool closed = false;
            while (i < text.size()) {
                char c = text[i];
                if (c == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        field.value += '"';
                        advance(c);
                        advance(c);
                        continue;
                    }
                    advance(c);
                    closed = true;
                    break;
                }
                field.value += c;
                advance(c);
                if (field.value.size() > kMaxCsvFieldBytes) break;
            }
            if (field.value.size() > kMaxCsvFieldBytes) {
                table.error = fmt::format("{}:{}: a field is longer than {} bytes", field.line,
                                          field.column, kMaxCsvFieldBytes);
                return table;
            }
            if (!closed) {
                table.error =
                    fmt::format("{}:{}: unterminated quoted field", field.line, field.column);
                return table;
            }
            if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
                table.error =
                    fmt::format("{}:{}: unexpected text after a quoted field", line, column);
                return table;
            }
            row_has_content = true;
        } else {
            while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
                field.value += text[i];
                advance(text[i]);
                if (field.value.size() > kMaxCsvFieldBytes) {
                    table.error = fmt::format("{}:{}: a field is longer than {} bytes", field.line,
                                              field.column, kMaxCsvFieldBytes);
                    return table;
                }
            }
            if (!field.value.empty()) row_has_content = true;
        }
        if (row.fields.size() >= kMaxCsvFields) {
            table.error = fmt::format("{}:{}: a row has more than {} fields", field.line,
                                      field.column, kMaxCsvFields);
            return table;
        }
        row.fields.push_back(std::move(field));
        if (i < text.size() && text[i] == ',') {
            advance(',');
            row_has_content = true;
            continue;
        }
        // End of record: CRLF, LF, or a bare CR (which counts as a line break too, so later
        // rows keep their true line numbers).
        if (i < text.size() && text[i] == '\r') {
            advance('\r');
            if (i >= text.size() || text[i] != '\n') {
                ++line;
                column = 1;
            }
        }
        if (i < text.size() && text[i] == '\n') advance('\n');
        if (row_has_content) records.push_back(std::move(row));
        row = CsvRow{};
        row.line = line;
        row_has_content = false;
        if (i >= text.size()) break;
    }
    if (records.empty()) return table;
    for (auto& field : records.front().fields) table.header.push_back(std::move(field.value));
    table.rows.assign(std::make_move_iterator(records.begin() + 1),
                      std::make_move_iterator(records.end()));
    return table;
}

}  // namespace tilsyn
