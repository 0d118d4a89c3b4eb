// Documents uploaded as multipart/form-data, streamed: each file part goes to a spooled
// temporary file as it arrives (measured, SHA-256, a per-file and per-event limit checked on
// the way, so an oversized file is refused before it is all sent), text fields are kept (up
// to kMaxBodyBytes together). When the body is complete, each file's type is decided by its
// content and the request, with its fields and files, goes to the web app's routes like any
// other. A body cut short leaves nothing behind.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "adapters/documents/spooled_file.hpp"
#include "adapters/http/http_types.hpp"
#include "engine/documents.hpp"
#include "engine/error_code.hpp"

namespace tilsyn::http {

/// How a refusal is answered (JSON for the API, a page for the dashboard).
using Refuse = std::function<Response(int status, ErrorCode code, const std::string& message)>;
/// Where the complete request goes.
using Deliver = std::function<Response(const Request&)>;

/// A sink for the body of `head` (multipart/form-data with `boundary`).
std::unique_ptr<BodySink> multipart_upload(Request head, const std::string& boundary,
                                           const DocumentSettings& limits,
                                           documents::ContentTypes& types, Refuse refuse,
                                           Deliver deliver);

/// The documents of a request, for the case service (the sources read the spooled files, which
/// the request keeps).
struct Uploads {
    std::vector<std::unique_ptr<DocumentSource>> sources;
    std::vector<DocumentUpload> documents;
};
Uploads uploads_of(const Request& request);

}  // namespace tilsyn::http
