#include "engine/documents.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "danish_words.hpp"

using namespace tilsyn;

namespace {

DocumentInfo doc(std::string name, std::string type = "application/pdf", long long size = 1000) {
    return {std::move(name), std::move(type), size, std::string(64, 'a')};
}

}  // namespace

TEST_CASE("a document's type is one the configuration allows, whatever its name", "[documents]") {
    DocumentSettings settings;
    CHECK_FALSE(check_documents(settings, {doc("plan.pdf")}));
    CHECK_FALSE(check_documents(settings, {doc("foto.jpg", "image/jpeg")}));
    auto html = check_documents(settings, {doc("plan.pdf", "text/html")});
    REQUIRE(html);
    CHECK(html->code == ErrorCode::document_type);
    CHECK(html->message.find("»plan.pdf«") != std::string::npos);
    CHECK(html->message.find("PDF, Word-dokument, Excel-regneark") != std::string::npos);
    CHECK(check_documents(settings, {doc("tegning.pdf", "image/svg+xml")})->code ==
          ErrorCode::document_type);
    settings.types = {"pdf"};
    CHECK(check_documents(settings, {doc("foto.png", "image/png")})->code ==
          ErrorCode::document_type);
}

TEST_CASE("names with path separators or control characters are refused", "[documents]") {
    const std::vector<std::string> names = {
        "../plan.pdf", "a/b.pdf", "C:\\plan.pdf", "pl\x01n.pdf",
        "plan\n.pdf",  "",        "..",           std::string(201, 'x')};
    for (const auto& name : names) {
        auto refused = check_document_name(name);
        REQUIRE(refused);
        CHECK(refused->code == ErrorCode::document_name);
    }
    CHECK_FALSE(check_document_name("Udviklingsplan 2027 (endelig) æøå.pdf"));
}

TEST_CASE("a file over the limit or an event over its limit is refused", "[documents]") {
    DocumentSettings settings;
    settings.max_file_bytes = 1000;
    settings.max_event_bytes = 1500;
    CHECK(check_documents(settings, {doc("a.pdf", "application/pdf", 1001)})->code ==
          ErrorCode::too_large);
    CHECK_FALSE(check_documents(settings, {doc("a.pdf", "application/pdf", 1000)}));
    CHECK(check_documents(settings, {doc("a.pdf", "application/pdf", 800),
                                     doc("b.pdf", "application/pdf", 800)})
              ->code == ErrorCode::too_large);
    CHECK(file_too_large(settings, "a.pdf").message.find("1000 byte") != std::string::npos);
    settings.max_files_per_event = 1;
    CHECK(check_documents(
              settings, {doc("a.pdf", "application/pdf", 10), doc("b.pdf", "application/pdf", 10)})
              ->code == ErrorCode::too_large);
}

TEST_CASE("sizes read the Danish way", "[documents]") {
    CHECK(size_text(812) == "812 byte");
    CHECK(size_text(37'400) == "37 kB");
    CHECK(size_text(1'258'291) == "1,2 MB");
    CHECK(size_text(25 * kMebibyte) == "25 MB");
    CHECK(size_text(3 * kMebibyte) == "3 MB");
}

TEST_CASE("the audit entry's list of documents reads back as written", "[documents]") {
    DocumentInfo pinned = doc("plan \"v2\".pdf");
    pinned.pinned_from = 42;
    const std::string text = documents_json({doc("rapport.pdf"), pinned});
    const auto back = documents_from_json(text);
    REQUIRE(back);
    REQUIRE(back->size() == 2);
    CHECK((*back)[1].name == "plan \"v2\".pdf");
    CHECK((*back)[1].pinned_from == 42);
    CHECK((*back)[0].pinned_from == 0);
    CHECK(documents_json({}).empty());
    CHECK(documents_from_json("")->empty());
    CHECK_FALSE(documents_from_json("{\"name\":1}"));
}

TEST_CASE("a download's file name is safe in a header", "[documents]") {
    CHECK(safe_download_name("plan.pdf") == "plan.pdf");
    CHECK(safe_download_name("a\"b;c\\d.pdf") == "d.pdf");
    CHECK(safe_download_name("x\"y;z.pdf") == "x_y_z.pdf");
    CHECK(safe_download_name(std::string("a\r\nb.pdf")) == "a__b.pdf");
    CHECK(safe_download_name("..") == "dokument");
}

TEST_CASE("the messages about documents are Danish", "[documents]") {
    DocumentSettings settings;
    CHECK(tilsyn::testing::not_danish(file_too_large(settings, "a.pdf").message).empty());
    CHECK(tilsyn::testing::not_danish(event_too_large(settings).message).empty());
}
