// The storage adapter's DocumentStore on SQLite and PostgreSQL: a document recorded with its
// event reads back byte for byte in chunks, and `verify_audit` names a document whose stored
// chunk was changed.
#include <soci/soci.h>

#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "adapters/storage/soci_store.hpp"
#include "engine/audit.hpp"
#include "engine/documents.hpp"
#include "engine/sha256.hpp"
#include "storage_fixture.hpp"

namespace {

using namespace tilsyn;
using namespace tilsyn::storage_testing;
using Catch::Matchers::Contains;

/// A source over a string, handing it out in pieces.
class StringSource : public DocumentSource {
  public:
    explicit StringSource(std::string bytes) : bytes_(std::move(bytes)) {}
    bool read(std::string& out, std::size_t max) override {
        out = bytes_.substr(at_, max);
        at_ += out.size();
        return !out.empty();
    }

  private:
    std::string bytes_;
    std::size_t at_ = 0;
};

std::string random_bytes(std::size_t size) {
    std::mt19937 rng(7);
    std::string out(size, '\0');
    for (auto& c : out) c = static_cast<char>(rng() & 0xff);  // every byte value, NUL included
    return out;
}

/// Records `content` as the one document of a new event on the cycle; returns the event.
EventRecord record_one(Store& store, const std::string& name, const std::string& content) {
    EventRecord event = storage_testing::event("qr/frydenlund/2026-08-03", "report_submitted", 1);
    StringSource source(content);
    DocumentUpload upload{
        {name, "application/pdf", static_cast<long long>(content.size()), sha256_hex(content)},
        &source};
    store.in_transaction([&] {
        event.documents = documents_json({upload.info});
        append_audit(store, event);
        record_documents(store, event.cycle_id, event.seq, std::span(&upload, 1), event.at);
    });
    return event;
}

}  // namespace

STORE_TEST_CASE("a document is stored in chunks and reads back byte for byte",
                documents_round_trip) {
    Store& store = *db.store;
    prepare(store);
    REQUIRE(store.insert_cycle(cycle("qr/frydenlund/2026-08-03")));
    const std::string content = random_bytes(kDocumentChunkBytes * 2 + 1234);
    const EventRecord event = record_one(store, "Rapport æøå.pdf", content);

    const auto documents = store.documents("qr/frydenlund/2026-08-03");
    REQUIRE(documents.size() == 1);
    const StoredDocument& d = documents.front();
    CHECK(d.event_seq == event.seq);
    CHECK(d.info.name == "Rapport æøå.pdf");
    CHECK(d.info.size == static_cast<long long>(content.size()));
    CHECK(store.document_chunks(d.id) == 3);
    std::string back;
    for (int i = 0; i < 3; ++i) back += store.document_chunk(d.id, i).value();
    CHECK(back == content);
    CHECK_FALSE(store.document_chunk(d.id, 3));
    // Raw bytes (BLOB, bytea), not text: the database holds exactly the document's size.
    long long stored = 0;
    *raw_session(db) << "SELECT SUM(length(data)) FROM document_chunks WHERE document_id = :id",
        soci::use(d.id), soci::into(stored);
    CHECK(stored == static_cast<long long>(content.size()));
    CHECK(store.find_document(d.id)->info.sha256 == sha256_hex(content));
    CHECK(store.documents_of_event(event.seq).size() == 1);
    CHECK(store.events("qr/frydenlund/2026-08-03").front().documents == event.documents);

    const AuditCheck intact = verify_audit(store, &store);
    CHECK(intact.intact);
    CHECK(intact.documents == 1);
}

STORE_TEST_CASE("audit verify names the document whose stored chunk was changed",
                documents_tampered) {
    Store& store = *db.store;
    prepare(store);
    REQUIRE(store.insert_cycle(cycle("qr/frydenlund/2026-08-03")));
    record_one(store, "Udviklingsplan.pdf", random_bytes(kDocumentChunkBytes + 10));
    const long long id = store.documents("qr/frydenlund/2026-08-03").front().id;
    auto sql = raw_session(db);
    // Chunk 1 now holds chunk 0's bytes: the right sizes, the wrong content.
    *sql << "UPDATE document_chunks SET data = (SELECT data FROM document_chunks WHERE "
            "document_id = :a AND piece = 0) WHERE document_id = :b AND piece = 1",
        soci::use(id), soci::use(id);
    const AuditCheck broken = verify_audit(store, &store);
    CHECK_FALSE(broken.intact);
    CHECK_THAT(broken.problem, Contains("\"Udviklingsplan.pdf\""));
    CHECK(verify_audit(store).intact);  // the chain itself is whole: only the file changed
    *sql << "DELETE FROM document_chunks WHERE document_id = :id AND piece = 1", soci::use(id);
    CHECK_THAT(verify_audit(store, &store).problem, Contains("Udviklingsplan.pdf"));
}

STORE_TEST_CASE("a source that yields another size than it measured stores nothing",
                documents_source_changed) {
    Store& store = *db.store;
    prepare(store);
    REQUIRE(store.insert_cycle(cycle("qr/frydenlund/2026-08-03")));
    StringSource source("fewer bytes");
    DocumentUpload upload{{"a.pdf", "application/pdf", 12, sha256_hex("these bytes!")}, &source};
    CHECK_THROWS_AS(store.in_transaction([&] {
        record_documents(store, "qr/frydenlund/2026-08-03", 1, std::span(&upload, 1), instant(1));
    }),
                    StoreError);
    CHECK(store.documents("qr/frydenlund/2026-08-03").empty());
}
