#include "adapters/config/yaml_directory.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "adapters/config/csv_reader.hpp"
#include "engine/suggest.hpp"

namespace tilsyn::yaml_config {

DirectoryReader::DirectoryReader(const NodeReader& nodes, Config& config)
    : NodeReader(nodes), config_(config) {}

void DirectoryReader::read_areas(const YAML::Node& node) {
    if (!node.IsSequence()) {
        problem(where(node), "areas must be a list");
        return;
    }
    for (const auto& a : node) {
        Area area;
        area.where = where(a);
        if (!check_map(a, "an area", {"id", "name", "chief"}, {"id", "name", "chief"})) continue;
        area.id = text(a, "id", "area");
        area.name = text(a, "name", "area");
        if (a["id"]) area.where = where(a["id"]);
        if (auto c = a["chief"]) {
            area.chief = read_person(c, fmt::format("chief of area '{}'", area.id), true);
        }
        config_.areas.push_back(std::move(area));
    }
}

void DirectoryReader::read_institutions(const YAML::Node& node) {
    if (!node.IsSequence()) {
        problem(where(node), "institutions must be a list");
        return;
    }
    config_.institutions.reserve(config_.institutions.size() + node.size());
    for (const auto& i : node) {
        Institution inst;
        inst.where = where(i);
        if (!check_map(i, "an institution", {"id", "name", "kind", "area", "leader", "board"},
                       {"id", "name", "kind", "area", "leader"}))
            continue;
        inst.id = text(i, "id", "institution");
        if (i["id"]) inst.where = where(i["id"]);
        inst.name = text(i, "name", "institution");
        std::string kind = text(i, "kind", "institution");
        if (i["kind"]) read_kind(i["kind"], kind, inst.kind);
        inst.area = text(i, "area", "institution");
        inst.area_where = where(i["area"] ? i["area"] : i);
        if (auto l = i["leader"]) inst.leader = read_person(l, "leader", false);
        if (auto b = i["board"]) inst.board = read_person(b, "board", false);
        config_.institutions.push_back(std::move(inst));
    }
}

void DirectoryReader::read_institutions_csv(const YAML::Node& node) {
    std::string name;
    if (!scalar(node, "institutions_csv", name)) return;
    std::filesystem::path path(name);
    if (path.is_relative()) path = std::filesystem::path(config_.base_dir) / path;
    const std::string file = path.string();
    std::string content, error;
    if (!read_file(file, content, error)) {
        problem(where(node), fmt::format("institutions_csv '{}': {}", file, error));
        return;
    }
    CsvTable table = parse_csv(content);
    if (!table.error.empty()) {
        // The error is "LINE:COLUMN: message"; the problem points into the CSV.
        auto colon = table.error.find(':');
        problem({file, std::stoi(table.error), std::stoi(table.error.substr(colon + 1))},
                table.error.substr(table.error.find(": ") + 2));
        return;
    }
    static const Keys kColumns = {"id",          "name",         "kind",       "area",
                                  "leader_name", "leader_email", "board_name", "board_email"};
    std::map<std::string, std::size_t> column;
    for (std::size_t c = 0; c < table.header.size(); ++c) {
        const auto& h = table.header[c];
        if (std::find(kColumns.begin(), kColumns.end(), h) == kColumns.end()) {
            problem({file, 1, 1},
                    fmt::format("unknown column '{}'{}", h, did_you_mean(h, kColumns)));
        }
        column[h] = c;
    }
    for (auto required : {"id", "name", "kind", "area", "leader_email"}) {
        if (!column.count(required)) {
            problem({file, 1, 1}, fmt::format("missing column '{}'", required));
            return;
        }
    }
    for (const auto& row : table.rows) {
        if (row.fields.size() != table.header.size()) {
            problem({file, row.line, 1}, fmt::format("row has {} fields, the header has {}",
                                                     row.fields.size(), table.header.size()));
            continue;
        }
        auto field = [&](std::string_view col) -> const CsvField* {
            auto it = column.find(std::string(col));
            return it == column.end() ? nullptr : &row.fields[it->second];
        };
        Institution inst;
        inst.where = {file, row.line, 1};
        bool ok = true;
        for (auto required : {"id", "name", "kind", "area", "leader_email"}) {
            const CsvField* f = field(required);
            if (f->value.empty()) {
                problem({file, f->line, f->column}, fmt::format("empty {}", required));
                ok = false;
            }
        }
        if (!ok) continue;
        inst.id = field("id")->value;
        inst.name = field("name")->value;
        const CsvField* kind = field("kind");
        if (auto k = parse_kind(kind->value)) {
            inst.kind = *k;
        } else {
            problem({file, kind->line, kind->column},
                    fmt::format("unknown institution kind '{}'{}; use school, daycare or "
                                "youth",
                                kind->value,
                                did_you_mean(kind->value, {"school", "daycare", "youth"})));
        }
        inst.area = field("area")->value;
        inst.where = {file, field("id")->line, field("id")->column};
        inst.area_where = {file, field("area")->line, field("area")->column};
        auto person = [&](std::string_view name_col, std::string_view email_col) {
            Person p;
            if (const CsvField* n = field(name_col)) p.name = n->value;
            if (const CsvField* e = field(email_col)) {
                p.email = e->value;
                p.where = {file, e->line, e->column};
            }
            return p;
        };
        inst.leader = person("leader_name", "leader_email");
        inst.board = person("board_name", "board_email");
        config_.institutions.push_back(std::move(inst));
    }
}

}  // namespace tilsyn::yaml_config
