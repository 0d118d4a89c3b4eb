// SociStore's DocumentStore: a row per document, its content in chunks of raw bytes
// (schema.cpp, migration 8).
#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>  // sqlite3.h, inside namespace sqlite_api

#include <stdexcept>
#include <string>

#include "adapters/storage/soci_support.hpp"

namespace tilsyn {

using storage::guarded;
using storage::instant_of;
using storage::seconds_of;

namespace {

using namespace sqlite_api;  // NOLINT(google-build-using-namespace): SOCI's wrapping of sqlite3.h

// The chunks are raw bytes (BLOB, bytea). SOCI 4.0.3 binds no bytes portably to both, so they
// go through the database's own C API on SOCI's connection (inside its transaction): bound as
// a blob in SQLite, sent and read in binary format with libpq.

sqlite3* sqlite_of(soci::session& session) {
    return static_cast<soci::sqlite3_session_backend*>(session.get_backend())->conn_;
}

PGconn* postgres_of(soci::session& session) {
    return static_cast<soci::postgresql_session_backend*>(session.get_backend())->conn_;
}

/// A finalized-on-exit SQLite statement.
struct SqliteStatement {
    sqlite3* db = nullptr;
    sqlite3_stmt* statement = nullptr;
    SqliteStatement(sqlite3* connection, std::string_view sql) : db(connection) {
        if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &statement, nullptr) !=
            SQLITE_OK) {
            throw std::runtime_error(sqlite3_errmsg(db));
        }
    }
    ~SqliteStatement() { sqlite3_finalize(statement); }
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;
    void check(int rc) const {
        if (rc != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db));
    }
    int step() {
        const int rc = sqlite3_step(statement);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db));
        return rc;
    }
};

/// A cleared-on-exit libpq result; throws unless it has the status expected.
struct PgResult {
    PGresult* result = nullptr;
    PgResult(PGresult* r, PGconn* connection, ExecStatusType expected) : result(r) {
        if (!result || PQresultStatus(result) != expected) {
            const std::string message =
                result ? PQresultErrorMessage(result) : PQerrorMessage(connection);
            PQclear(result);
            throw std::runtime_error(message);
        }
    }
    ~PgResult() { PQclear(result); }
    PgResult(const PgResult&) = delete;
    PgResult& operator=(const PgResult&) = delete;
};

struct DocumentColumns {
    long long id = 0, event_seq = 0, piece = 0, size = 0, recorded_at = 0;
    std::string cycle_id, name, content_type, sha256;

    StoredDocument record() const {
        StoredDocument d;
        d.id = id;
        d.event_seq = event_seq;
        d.position = static_cast<int>(piece);
        d.cycle_id = cycle_id;
        d.info = {name, content_type, size, sha256};
        d.recorded_at = instant_of(recorded_at);
        return d;
    }
};

constexpr const char* document_select =
    "SELECT id, event_seq, piece, cycle_id, name, content_type, size, sha256, recorded_at "
    "FROM documents";

void into_document_columns(soci::details::prepare_temp_type& prepared, DocumentColumns& row) {
    prepared, soci::into(row.id), soci::into(row.event_seq), soci::into(row.piece),
        soci::into(row.cycle_id), soci::into(row.name), soci::into(row.content_type),
        soci::into(row.size), soci::into(row.sha256), soci::into(row.recorded_at);
}

/// The documents a WHERE clause (with one bound `:key`) selects.
template <class Key>
std::vector<StoredDocument> read_documents(soci::session& session, const std::string& where,
                                           Key& key) {
    DocumentColumns row;
    auto prepared = (session.prepare << std::string{document_select} + where, soci::use(key));
    into_document_columns(prepared, row);
    soci::statement read = prepared;
    std::vector<StoredDocument> result;
    read.execute();
    while (read.fetch()) result.push_back(row.record());
    return result;
}

}  // namespace

long long SociStore::add_document(const StoredDocument& document) {
    return guarded("add_document", [&] {
        long long id = 0;
        long long seq = document.event_seq, piece = document.position, size = document.info.size,
                  at = seconds_of(document.recorded_at);
        soci::statement insert =
            (session_->prepare << "INSERT INTO documents (event_seq, piece, cycle_id, name, "
                                  "content_type, size, sha256, recorded_at) VALUES (:seq, :piece, "
                                  ":cycle_id, :name, :type, :size, :sha256, :at) RETURNING id",
             soci::use(seq), soci::use(piece), soci::use(document.cycle_id),
             soci::use(document.info.name), soci::use(document.info.type), soci::use(size),
             soci::use(document.info.sha256), soci::use(at), soci::into(id));
        if (!storage::execute_single(insert)) throw StoreError("add_document: no id returned");
        return id;
    });
}

void SociStore::add_document_chunk(long long document_id, int position, std::string_view bytes) {
    guarded("add_document_chunk", [&] {
        if (backend_ == StoreUrl::Backend::sqlite) {
            SqliteStatement insert(
                sqlite_of(*session_),
                "INSERT INTO document_chunks (document_id, piece, data) VALUES (?, ?, ?)");
            insert.check(sqlite3_bind_int64(insert.statement, 1, document_id));
            insert.check(sqlite3_bind_int64(insert.statement, 2, position));
            insert.check(sqlite3_bind_blob64(insert.statement, 3, bytes.data(), bytes.size(),
                                             SQLITE_STATIC));
            insert.step();
            return;
        }
        const std::string id = std::to_string(document_id), piece = std::to_string(position);
        const char* values[] = {id.c_str(), piece.c_str(), bytes.data()};
        const int lengths[] = {0, 0, static_cast<int>(bytes.size())};
        const int formats[] = {0, 0, 1};  // the chunk in binary
        PGconn* connection = postgres_of(*session_);
        PgResult done(PQexecParams(connection,
                                   "INSERT INTO document_chunks (document_id, piece, data) "
                                   "VALUES ($1::bigint, $2::bigint, $3::bytea)",
                                   3, nullptr, values, lengths, formats, 0),
                      connection, PGRES_COMMAND_OK);
    });
}

std::vector<StoredDocument> SociStore::documents(std::string_view cycle_id) {
    return guarded("documents", [&] {
        std::string key{cycle_id};
        return read_documents(*session_, " WHERE cycle_id = :key ORDER BY event_seq, piece", key);
    });
}

std::vector<StoredDocument> SociStore::documents_of_event(long long event_seq) {
    return guarded("documents_of_event", [&] {
        long long key = event_seq;
        return read_documents(*session_, " WHERE event_seq = :key ORDER BY piece", key);
    });
}

std::optional<StoredDocument> SociStore::find_document(long long id) {
    return guarded("find_document", [&]() -> std::optional<StoredDocument> {
        long long key = id;
        DocumentColumns row;
        auto prepared =
            (session_->prepare << std::string{document_select} + " WHERE id = :id", soci::use(key));
        into_document_columns(prepared, row);
        soci::statement read = prepared;
        if (!storage::execute_single(read)) return std::nullopt;
        return row.record();
    });
}

int SociStore::document_chunks(long long document_id) {
    return guarded("document_chunks", [&] {
        long long id = document_id, count = 0;
        *session_ << "SELECT COUNT(*) FROM document_chunks WHERE document_id = :id", soci::use(id),
            soci::into(count);
        return static_cast<int>(count);
    });
}

std::optional<std::string> SociStore::document_chunk(long long document_id, int position) {
    return guarded("document_chunk", [&]() -> std::optional<std::string> {
        if (backend_ == StoreUrl::Backend::sqlite) {
            SqliteStatement read(
                sqlite_of(*session_),
                "SELECT data FROM document_chunks WHERE document_id = ? AND piece = ?");
            read.check(sqlite3_bind_int64(read.statement, 1, document_id));
            read.check(sqlite3_bind_int64(read.statement, 2, position));
            if (read.step() != SQLITE_ROW) return std::nullopt;
            const auto* data = static_cast<const char*>(sqlite3_column_blob(read.statement, 0));
            const int size = sqlite3_column_bytes(read.statement, 0);
            return std::string(data ? data : "", data ? static_cast<std::size_t>(size) : 0);
        }
        const std::string id = std::to_string(document_id), piece = std::to_string(position);
        const char* values[] = {id.c_str(), piece.c_str()};
        PGconn* connection = postgres_of(*session_);
        PgResult read(PQexecParams(connection,
                                   "SELECT data FROM document_chunks WHERE document_id = "
                                   "$1::bigint AND piece = $2::bigint",
                                   2, nullptr, values, nullptr, nullptr, 1),  // binary result
                      connection, PGRES_TUPLES_OK);
        if (PQntuples(read.result) == 0) return std::nullopt;
        return std::string(PQgetvalue(read.result, 0, 0),
                           static_cast<std::size_t>(PQgetlength(read.result, 0, 0)));
    });
}

}  // namespace tilsyn
