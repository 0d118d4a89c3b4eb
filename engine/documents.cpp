#include "engine/documents.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>

#include "engine/messages.hpp"
#include "engine/sha256.hpp"
#include "engine/text_rules.hpp"

namespace tilsyn {

namespace {

constexpr std::array<DocumentType, 6> kKnownTypes{{
    {"pdf", "application/pdf", "PDF"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     "Word-dokument"},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel-regneark"},
    {"odt", "application/vnd.oasis.opendocument.text", "ODT-dokument"},
    {"png", "image/png", "PNG-billede"},
    {"jpeg", "image/jpeg", "JPEG-billede"},
}};

constexpr std::size_t kMaxNameBytes = 200;

}  // namespace

std::string type_titles(const DocumentSettings& settings) {
    std::vector<std::string> titles;
    for (const auto& id : settings.types) {
        const auto* type = find_document_type(id);
        titles.emplace_back(type ? type->title : std::string_view(id));
    }
    return danish_list(titles, "eller");
}

std::span<const DocumentType> known_document_types() { return kKnownTypes; }

const DocumentType* find_document_type(std::string_view id) {
    for (const auto& type : kKnownTypes) {
        if (type.id == id) return &type;
    }
    return nullptr;
}

const DocumentType* document_type_by_mime(std::string_view mime) {
    for (const auto& type : kKnownTypes) {
        if (type.mime == mime) return &type;
    }
    return nullptr;
}

std::string documents_json(const std::vector<DocumentInfo>& documents) {
    if (documents.empty()) return {};
    boost::json::array array;
    for (const auto& d : documents) {
        boost::json::object object{
            {"name", d.name}, {"type", d.type}, {"size", d.size}, {"sha256", d.sha256}};
        if (d.pinned_from > 0) object["pinned_from"] = d.pinned_from;
        array.emplace_back(std::move(object));
    }
    return boost::json::serialize(array);
}

std::optional<std::vector<DocumentInfo>> documents_from_json(std::string_view text) {
    std::vector<DocumentInfo> out;
    if (text.empty()) return out;
    boost::system::error_code ec;
    const auto value = boost::json::parse(text, ec);
    if (ec || !value.is_array()) return std::nullopt;
    for (const auto& item : value.as_array()) {
        const auto* object = item.if_object();
        if (!object) return std::nullopt;
        const auto* name = object->if_contains("name");
        const auto* type = object->if_contains("type");
        const auto* size = object->if_contains("size");
        const auto* sha = object->if_contains("sha256");
        if (!name || !name->is_string() || !type || !type->is_string() || !size ||
            !size->is_int64() || !sha || !sha->is_string()) {
            return std::nullopt;
        }
        DocumentInfo info{std::string(name->as_string()), std::string(type->as_string()),
                          size->as_int64(), std::string(sha->as_string())};
        if (const auto* pinned = object->if_contains("pinned_from")) {
            if (!pinned->is_int64()) return std::nullopt;
            info.pinned_from = pinned->as_int64();
        }
        out.push_back(std::move(info));
    }
    return out;
}

std::string size_text(long long bytes) {
    // In units of 1024, as file managers count: the limit of 25 MB is 25 × 1024 × 1024 bytes.
    if (bytes < 1024) return fmt::format("{} byte", bytes);
    if (bytes < kMebibyte) return fmt::format("{} kB", (bytes + 512) / 1024);
    // One decimal, with a decimal comma: 1,2 MB.
    const long long tenths = (bytes + kMebibyte / 20) / (kMebibyte / 10);
    if (tenths % 10 == 0) return fmt::format("{} MB", tenths / 10);
    return fmt::format("{},{} MB", tenths / 10, tenths % 10);
}

DocumentRefusal file_too_large(const DocumentSettings& settings, std::string_view name) {
    return {ErrorCode::too_large,
            fmt::format("»{}« er større end grænsen på {} pr. dokument. Gem det i en mindre "
                        "udgave (fx som PDF med lavere billedkvalitet), og prøv igen.",
                        name, size_text(settings.max_file_bytes))};
}

DocumentRefusal event_too_large(const DocumentSettings& settings) {
    return {ErrorCode::too_large,
            fmt::format("Dokumenterne fylder tilsammen mere end grænsen på {} for én handling. "
                        "Vedhæft færre eller mindre dokumenter.",
                        size_text(settings.max_event_bytes))};
}

std::optional<DocumentRefusal> check_document_name(std::string_view name) {
    if (name.empty()) {
        return DocumentRefusal{ErrorCode::document_name,
                               "Filen har ikke noget navn. Giv den et navn, og prøv igen."};
    }
    if (name.size() > kMaxNameBytes) {
        return DocumentRefusal{ErrorCode::document_name,
                               fmt::format("Dokumentets navn er for langt (højst {} tegn). Giv "
                                           "filen et kortere navn, og prøv igen.",
                                           kMaxNameBytes)};
    }
    if (name.find('/') != std::string_view::npos || name.find('\\') != std::string_view::npos ||
        has_control_character(name) || name == "." || name == "..") {
        return DocumentRefusal{ErrorCode::document_name,
                               "Dokumentets navn må ikke indeholde skråstreger eller "
                               "kontroltegn. Omdøb filen, og prøv igen."};
    }
    return std::nullopt;
}

DocumentRefusal too_many_documents(const DocumentSettings& settings) {
    return {ErrorCode::too_large,
            fmt::format("Der kan højst vedhæftes {} dokumenter til én handling. Vedhæft færre.",
                        settings.max_files_per_event)};
}

std::optional<DocumentRefusal> check_documents(const DocumentSettings& settings,
                                               const std::vector<DocumentInfo>& documents) {
    if (documents.size() > static_cast<std::size_t>(settings.max_files_per_event)) {
        return too_many_documents(settings);
    }
    long long total = 0;
    for (const auto& d : documents) {
        if (auto bad = check_document_name(d.name)) return bad;
        const auto* type = document_type_by_mime(d.type);
        const bool allowed = type && std::find(settings.types.begin(), settings.types.end(),
                                               type->id) != settings.types.end();
        if (!allowed) {
            return DocumentRefusal{
                ErrorCode::document_type,
                fmt::format("»{}« er ikke et dokument af en tilladt type, uanset hvad navnet "
                            "siger. Vedhæft {}.",
                            d.name, type_titles(settings))};
        }
        if (d.size > settings.max_file_bytes) return file_too_large(settings, d.name);
        if (d.size == 0) {
            return DocumentRefusal{
                ErrorCode::bad_value,
                fmt::format("»{}« er tom. Vedhæft det rigtige dokument.", d.name)};
        }
        total += d.size;
    }
    if (total > settings.max_event_bytes) return event_too_large(settings);
    return std::nullopt;
}

void record_documents(DocumentStore& store, std::string_view cycle_id, long long event_seq,
                      std::span<const DocumentUpload> uploads, Instant at) {
    int position = 0;
    std::string piece;
    for (const auto& upload : uploads) {
        StoredDocument document;
        document.event_seq = event_seq;
        document.position = position++;
        document.cycle_id = std::string(cycle_id);
        document.info = upload.info;
        document.recorded_at = at;
        const long long id = store.add_document(document);
        long long size = 0;
        int chunk = 0;
        while (upload.source && upload.source->read(piece, kDocumentChunkBytes)) {
            if (piece.empty()) continue;
            size += static_cast<long long>(piece.size());
            store.add_document_chunk(id, chunk++, piece);
        }
        // The SHA-256 was measured as the bytes arrived (the adapter's); `audit verify` reads
        // the stored chunks back against it.
        if (size != upload.info.size) {
            throw StoreError(fmt::format("record_documents: '{}' changed while it was stored",
                                         upload.info.name));
        }
    }
}

std::optional<StoredDocument> pinned_document(DocumentStore& store, const DocumentInfo& entry,
                                              long long entry_seq) {
    const long long from = entry.pinned_from > 0 ? entry.pinned_from : entry_seq;
    for (auto& stored : store.documents_of_event(from)) {
        if (stored.info.sha256 == entry.sha256 && stored.info.name == entry.name) return stored;
    }
    return std::nullopt;
}

std::optional<std::string> check_stored_document(DocumentStore& store,
                                                 const StoredDocument& document,
                                                 const DocumentInfo& recorded) {
    if (document.info.name != recorded.name || document.info.sha256 != recorded.sha256 ||
        document.info.size != recorded.size || document.info.type != recorded.type) {
        return std::string("its stored description differs from the audit entry");
    }
    Sha256 hash;
    long long size = 0;
    const int chunks = store.document_chunks(document.id);
    for (int i = 0; i < chunks; ++i) {
        auto bytes = store.document_chunk(document.id, i);
        if (!bytes) return fmt::format("chunk {} is missing", i);
        hash.update(*bytes);
        size += static_cast<long long>(bytes->size());
    }
    const std::string digest = to_hex(hash.finish());
    if (size != recorded.size || digest != recorded.sha256) {
        return fmt::format(
            "its content has {} bytes and SHA-256 {}, the audit entry recorded {} "
            "bytes and SHA-256 {}",
            size, digest, recorded.size, recorded.sha256);
    }
    return std::nullopt;
}

std::string safe_download_name(std::string_view name) {
    const auto slash = name.find_last_of("/\\");
    if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
    std::string out;
    for (char c : name) {
        const auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u == 0x7f || c == '"' || c == ';' || c == '\\') ? '_' : c;
    }
    if (out.empty() || out == "." || out == "..") out = "dokument";
    return out;
}

}  // namespace tilsyn
