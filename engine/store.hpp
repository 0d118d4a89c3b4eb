// The storage ports together. The engine decides; a Store commits state, audit and outbox in
// one transaction. Implemented by adapters/storage (SOCI over SQLite and PostgreSQL).
//
// Code that needs one part takes that port (DirectoryStore, CaseStore, Outbox); `Store` is for
// what concerns the database as a whole: its schema and its connection.
#pragma once

#include "engine/case_store.hpp"
#include "engine/directory_store.hpp"
#include "engine/documents.hpp"
#include "engine/outbox_store.hpp"
#include "engine/session_store.hpp"
#include "engine/store_transaction.hpp"

namespace tilsyn {

/// One database holding the directory, the cases, the outbox, the dashboard sessions and the
/// documents. The schema and the connection are shared by all these ports, so migrating and
/// reconnecting live here rather than on any one of them; the transactions they share are the one
/// Transactional base of them all.
class Store : public DirectoryStore,
              public CaseStore,
              public Outbox,
              public SessionStore,
              public DocumentStore {
  public:
    /// Creates or upgrades the schema; returns the schema version now in force. Idempotent.
    virtual int migrate() = 0;
    /// 0 for an empty database.
    virtual int schema_version() = 0;

    /// After a failure: when the connection to the database server is lost (a PostgreSQL
    /// restart), connects again and returns true; the operation that failed is not retried.
    /// Never inside a transaction. SQLite has no connection to lose: false.
    virtual bool reconnect_if_lost() { return false; }
};

}  // namespace tilsyn
