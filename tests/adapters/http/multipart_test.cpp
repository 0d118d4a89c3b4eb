#include "adapters/http/multipart.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace tilsyn::http;

namespace {

struct Collected {
    std::vector<MultipartPart> parts;
    std::vector<std::string> contents;
    bool ok = true;
    bool complete = false;
    std::string error;
};

/// Feeds `body` in pieces of `piece` bytes.
Collected parse(const std::string& body, std::size_t piece, const std::string& boundary = "XyZ") {
    Collected out;
    MultipartParser parser(boundary, {[&](const MultipartPart& part) {
                                          out.parts.push_back(part);
                                          out.contents.emplace_back();
                                          return true;
                                      },
                                      [&](std::string_view bytes) {
                                          out.contents.back().append(bytes);
                                          return true;
                                      },
                                      [] { return true; }});
    for (std::size_t at = 0; at < body.size() && out.ok; at += piece) {
        out.ok = parser.feed(std::string_view(body).substr(at, piece));
    }
    out.complete = parser.complete();
    out.error = parser.error();
    return out;
}

constexpr char kRaw[] =
    "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"event\"\r\n\r\n"
    "report_submitted\r\n--XyZ\r\nContent-Disposition: form-data; name=\"dokument\"; "
    "filename=\"Rapport \\\"v2\\\".pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    "%PDF-1.4\r\n--XY not the end\r\n-XyZ\r\n\r\n\0binary\r\n--XyZ\r\n"
    "Content-Disposition: form-data; name=\"dokument\"; filename*=UTF-8''%C3%A6%C3%B8%C3%A5.png"
    "\r\n\r\n\r\n--XyZ--\r\nepilogue";
const std::string kBody(kRaw, sizeof(kRaw) - 1);

}  // namespace

TEST_CASE("a multipart body gives the same parts however it is cut into pieces", "[multipart]") {
    const std::string body(kBody.data(), kBody.size());
    for (std::size_t piece : {1u, 2u, 5u, 7u, 64u, 100000u}) {
        const auto got = parse(body, piece);
        INFO("piece " << piece);
        REQUIRE(got.ok);
        CHECK(got.complete);
        REQUIRE(got.parts.size() == 3);
        CHECK(got.parts[0].name == "event");
        CHECK_FALSE(got.parts[0].has_filename);
        CHECK(got.contents[0] == "report_submitted");
        CHECK(got.parts[1].filename == "Rapport \"v2\".pdf");
        CHECK(got.parts[1].content_type == "application/pdf");
        CHECK(got.contents[1] ==
              std::string("%PDF-1.4\r\n--XY not the end\r\n-XyZ\r\n\r\n\0binary", 43));
        CHECK(got.parts[2].filename == "æøå.png");
        CHECK(got.contents[2].empty());
    }
}

TEST_CASE("a body cut before its closing delimiter is not complete", "[multipart]") {
    const std::string body(kBody.data(), kBody.size());
    const auto got = parse(body.substr(0, body.find("--XyZ--")), 10);
    CHECK(got.ok);
    CHECK_FALSE(got.complete);
}

TEST_CASE("a part without a field name or with endless headers is refused", "[multipart]") {
    auto got = parse("--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--\r\n", 3);
    CHECK_FALSE(got.ok);
    CHECK_FALSE(got.error.empty());
    got = parse("--XyZ\r\nX: " + std::string(MultipartParser::kMaxPartHeaderBytes + 10, 'a'), 512);
    CHECK_FALSE(got.ok);
}

TEST_CASE("the boundary comes from a multipart/form-data content type only", "[multipart]") {
    CHECK(multipart_boundary("multipart/form-data; boundary=----abc") == "----abc");
    CHECK(multipart_boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b\"") == "a b");
    CHECK_FALSE(multipart_boundary("application/json"));
    CHECK_FALSE(multipart_boundary("multipart/form-data"));
    CHECK_FALSE(multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'x')));
}
