// A database URL (`--db`) taken apart: which backend, and the SQLite path or the libpq
// connection string that SociStore opens.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace tilsyn {

/// A database URL that is neither `sqlite:PATH` nor `postgresql://…`; `what()` says why and
/// shows the accepted forms (never a password).
class BadStoreUrl : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};

/// A database URL taken apart.
///   sqlite:PATH            a file, its parent folders created on open; `sqlite::memory:` for a
///                          private in-memory database; `sqlite:///abs` and `sqlite://rel` too
///   postgresql://[user[:password]@]host[:port]/database[?key=value&…]
///                          (also `postgres://`); user, password and database may be
///                          %-encoded; query keys are passed to libpq as they are
struct StoreUrl {
    enum class Backend { sqlite, postgresql };
    Backend backend = Backend::sqlite;
    std::string sqlite_path;  // sqlite: the file, or ":memory:"
    std::string connection;   // postgresql: the libpq "key='value' …" string SOCI is given
    std::string display;      // the URL with any password masked, for messages and logs
    /// Opened only to read (the read-only verbs): an SQLite file with SQLite's read-only flag,
    /// a PostgreSQL session whose transactions are read-only.
    bool read_only = false;
};

/// Throws BadStoreUrl.
StoreUrl parse_store_url(std::string_view url);

}  // namespace tilsyn
