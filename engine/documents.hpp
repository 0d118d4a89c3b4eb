// Documents attached to the events that carry them (a quality report, a board statement, a
// development plan, an action plan, an observer's written feedback, a follow-up's notes): what
// the audit entry records of each (name, type, size, SHA-256), the rules a document must meet
// (the configuration's types and limits, a name without path separators or control
// characters), and the port that stores their bytes in chunks in the same database as
// everything else, so one backup holds all. Documents are never changed once recorded: a new
// version is a new event.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/civil_time.hpp"
#include "engine/error_code.hpp"
#include "engine/store_transaction.hpp"

namespace tilsyn {

/// A type of document the configuration may allow, recognised by its content (the MIME type
/// libmagic gives), never by its name.
struct DocumentType {
    std::string_view id;     // as the configuration names it: "pdf"
    std::string_view mime;   // as libmagic reports it and downloads are labelled
    std::string_view title;  // Danish, for the dashboard: "PDF"
};

/// pdf, docx, xlsx, odt, png, jpeg (the default `documents.types`).
std::span<const DocumentType> known_document_types();
const DocumentType* find_document_type(std::string_view id);
const DocumentType* document_type_by_mime(std::string_view mime);

inline constexpr long long kMebibyte = 1024 * 1024;

/// What a person reads when a document does not exist or is out of their reach (the same).
inline constexpr std::string_view kDocumentNotFoundMessage =
    "Dokumentet findes ikke, eller du har ikke adgang til det.";

/// `documents:` of the configuration.
struct DocumentSettings {
    std::vector<std::string> types = {"pdf", "docx", "xlsx", "odt", "png", "jpeg"};
    long long max_file_bytes = 25 * kMebibyte;    // one document
    long long max_event_bytes = 100 * kMebibyte;  // all documents of one event together
    int max_files_per_event = 20;
};

/// What the audit entry of an event records of each of its documents, in order.
struct DocumentInfo {
    std::string name;    // as uploaded (checked: no path separators, no control characters)
    std::string type;    // MIME type, decided by content
    long long size = 0;  // bytes
    std::string sha256;  // lower-case hex of the content
    /// 0: stored with the event that records it. Else the audit seq of the earlier event
    /// whose document this entry pins (an approval pins the plan's file by its hash).
    long long pinned_from = 0;
};

/// The audit entry's `documents` column: a JSON array of {name,type,size,sha256}; "" for none
/// (so entries without documents hash as before).
std::string documents_json(const std::vector<DocumentInfo>& documents);
/// nullopt when `text` is not such an array.
std::optional<std::vector<DocumentInfo>> documents_from_json(std::string_view text);

/// A document as stored: which event (audit seq) it belongs to, and where among its documents.
struct StoredDocument {
    long long id = 0;
    long long event_seq = 0;
    int position = 0;
    std::string cycle_id;
    DocumentInfo info;
    Instant recorded_at{};
};

/// Where a document's bytes come from while it is recorded (an upload spooled to disk by the
/// adapter that received it): read once, front to back.
class DocumentSource {
  public:
    virtual ~DocumentSource() = default;
    /// Replaces `out` with the next piece (at most `max` bytes); false at the end.
    virtual bool read(std::string& out, std::size_t max) = 0;
};

/// A document to record with an event: what the adapter measured (size and SHA-256 while it
/// received it, the type from its content) and where its bytes are.
struct DocumentUpload {
    DocumentInfo info;
    DocumentSource* source = nullptr;
};

/// Stored documents are cut into pieces of this size (a row each).
inline constexpr std::size_t kDocumentChunkBytes = 256 * 1024;

/// The documents' port; the SOCI store implements it with the others.
class DocumentStore : public virtual Transactional {
  public:
    /// Inserts the document's row (its chunks follow); returns its id.
    virtual long long add_document(const StoredDocument& document) = 0;
    virtual void add_document_chunk(long long document_id, int position,
                                    std::string_view bytes) = 0;
    /// The documents of a workflow instance, by event then position.
    virtual std::vector<StoredDocument> documents(std::string_view cycle_id) = 0;
    /// The documents of one audit entry, by position.
    virtual std::vector<StoredDocument> documents_of_event(long long event_seq) = 0;
    virtual std::optional<StoredDocument> find_document(long long id) = 0;
    /// How many chunks a document has.
    virtual int document_chunks(long long document_id) = 0;
    /// One chunk's bytes; nullopt when it is missing.
    virtual std::optional<std::string> document_chunk(long long document_id, int position) = 0;
};

/// Why an upload is refused: a stable code and a Danish sentence saying what to do.
struct DocumentRefusal {
    ErrorCode code = ErrorCode::bad_value;
    std::string message;
};

/// The Danish words for a size, in units of 1024: "812 byte", "37 kB", "1,2 MB".
std::string size_text(long long bytes);

/// The allowed types as people read them: "PDF, Word-dokument eller PNG-billede".
std::string type_titles(const DocumentSettings& settings);
/// The refusal of a document over the per-file limit (also said while it is still arriving).
DocumentRefusal file_too_large(const DocumentSettings& settings, std::string_view name);
/// More documents than `max_files` on one event.
DocumentRefusal too_many_documents(const DocumentSettings& settings);
/// The refusal of an event's documents over the per-event limit.
DocumentRefusal event_too_large(const DocumentSettings& settings);

/// Checks a document's name: nullopt when it may be stored as it is.
std::optional<DocumentRefusal> check_document_name(std::string_view name);

/// Checks an event's documents against the settings (names, types, sizes, count); the first
/// problem, or nullopt.
std::optional<DocumentRefusal> check_documents(const DocumentSettings& settings,
                                               const std::vector<DocumentInfo>& documents);

/// Stores the uploads as the documents of audit entry `event_seq` (inside its transaction).
/// Throws StoreError when a source yields another number of bytes than it measured.
void record_documents(DocumentStore& store, std::string_view cycle_id, long long event_seq,
                      std::span<const DocumentUpload> uploads, Instant at);

/// The stored document an entry of audit entry `entry_seq`'s list names: its own, or the one
/// it pins from an earlier event (`pinned_from`), by name and SHA-256; nullopt when none is.
std::optional<StoredDocument> pinned_document(DocumentStore& store, const DocumentInfo& entry,
                                              long long entry_seq);

/// Reads a stored document chunk by chunk and checks it against what its audit entry
/// recorded: nullopt when it is the same, else what is wrong ("chunk 3 is missing",
/// "its SHA-256 is …").
std::optional<std::string> check_stored_document(DocumentStore& store,
                                                 const StoredDocument& document,
                                                 const DocumentInfo& recorded);

/// A file name safe in a Content-Disposition header: the name's last path part, control
/// characters, quotes, backslashes and semicolons replaced by '_', never empty.
std::string safe_download_name(std::string_view name);

}  // namespace tilsyn
