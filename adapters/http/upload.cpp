#include "adapters/http/upload.hpp"

#include "adapters/http/http_server.hpp"
#include "adapters/http/multipart.hpp"

namespace tilsyn::http {

namespace {

/// The text fields an upload may have beside its files (event, data, the form's own fields).
constexpr std::size_t kMaxFieldParts = 64;

class MultipartUpload : public BodySink {
  public:
    MultipartUpload(Request head, const std::string& boundary, const DocumentSettings& limits,
                    documents::ContentTypes& types, Refuse refuse, Deliver deliver)
        : head_(std::move(head)),
          limits_(limits),
          types_(types),
          refuse_(std::move(refuse)),
          deliver_(std::move(deliver)),
          parser_(boundary, {[this](const MultipartPart& part) { return begin(part); },
                             [this](std::string_view bytes) { return data(bytes); },
                             [this] { return end(); }}) {}

    std::uint64_t max_body() const override {
        // The documents, the text fields, and the parts' headers and delimiters.
        return static_cast<std::uint64_t>(limits_.max_event_bytes) + kMaxBodyBytes +
               static_cast<std::uint64_t>(limits_.max_files_per_event + kMaxFieldParts) * 16 * 1024;
    }

    Response too_large() override {
        const DocumentRefusal refusal = event_too_large(limits_);
        return refuse_(413, refusal.code, refusal.message);
    }

    std::optional<Response> write(std::string_view bytes) override {
        if (parser_.feed(bytes)) return std::nullopt;
        if (refusal_) return refuse_(413, refusal_->code, refusal_->message);
        return refuse_(400, ErrorCode::bad_request, parser_.error());
    }

    Response finish() override {
        if (!parser_.complete()) {
            return refuse_(400, ErrorCode::bad_request,
                           "Formularen blev afbrudt, før den var modtaget helt. Send den igen.");
        }
        Request request = std::move(head_);
        request.multipart = true;
        request.form = std::move(fields_);
        for (auto& file : files_) {
            if (file.name.empty() && file.size == 0) continue;  // a file input left empty
            file.type = types_.of(*file.content);
            file.sha256 = file.content->sha256();
            request.files.push_back(std::move(file));
        }
        return deliver_(request);
    }

  private:
    bool begin(const MultipartPart& part) {
        // Counted as they arrive: each file is a temporary file, each field a string.
        if (part.has_filename &&
            files_.size() >= static_cast<std::size_t>(limits_.max_files_per_event)) {
            refusal_ = too_many_documents(limits_);
            return false;
        }
        if (!part.has_filename && fields_.size() >= kMaxFieldParts) {
            refusal_ = DocumentRefusal{ErrorCode::too_large,
                                       "Formularen har for mange felter. Send kun handlingens."};
            return false;
        }
        if (part.has_filename) {
            UploadedFile file;
            file.field = part.name;
            file.name = part.filename;
            file.content = std::make_shared<documents::SpooledFile>();
            files_.push_back(std::move(file));
            in_file_ = true;
        } else {
            fields_.emplace_back(part.name, std::string());
            in_file_ = false;
        }
        return true;
    }

    bool data(std::string_view bytes) {
        if (in_file_) {
            auto& file = files_.back();
            total_ += static_cast<long long>(bytes.size());
            if (file.size + static_cast<long long>(bytes.size()) > limits_.max_file_bytes) {
                refusal_ = file_too_large(limits_, file.name);
                return false;
            }
            if (total_ > limits_.max_event_bytes) {
                refusal_ = event_too_large(limits_);
                return false;
            }
            file.content->append(bytes);
            file.size = file.content->size();
            return true;
        }
        field_bytes_ += bytes.size();
        if (field_bytes_ > kMaxBodyBytes) {
            refusal_ = DocumentRefusal{ErrorCode::too_large,
                                       "Formularens tekstfelter fylder for meget. Skriv kortere."};
            return false;
        }
        fields_.back().second.append(bytes);
        return true;
    }

    bool end() { return true; }

    Request head_;
    DocumentSettings limits_;
    documents::ContentTypes& types_;
    Refuse refuse_;
    Deliver deliver_;
    Fields fields_;
    std::vector<UploadedFile> files_;
    bool in_file_ = false;
    long long total_ = 0;
    std::size_t field_bytes_ = 0;
    std::optional<DocumentRefusal> refusal_;
    MultipartParser parser_;  // last: its callbacks use the members above
};

}  // namespace

std::unique_ptr<BodySink> multipart_upload(Request head, const std::string& boundary,
                                           const DocumentSettings& limits,
                                           documents::ContentTypes& types, Refuse refuse,
                                           Deliver deliver) {
    return std::make_unique<MultipartUpload>(std::move(head), boundary, limits, types,
                                             std::move(refuse), std::move(deliver));
}

Uploads uploads_of(const Request& request) {
    Uploads out;
    for (const auto& file : request.files) {
        out.sources.push_back(file.content->source());
        out.documents.push_back(
            {{file.name, file.type, file.size, file.sha256}, out.sources.back().get()});
    }
    return out;
}

}  // namespace tilsyn::http
