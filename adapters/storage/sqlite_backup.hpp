// Backup and restore of an SQLite database with SQLite's online backup API: a consistent copy
// taken while `serve` writes to it, and a restore that refuses a database in use. PostgreSQL
// has pg_dump and pg_restore for the same (README, "Backup and restore").
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace tilsyn {

/// Why a backup or restore was refused or failed; the message is Danish, for the operator.
/// `bad_input` (a file that is not a Tilsyn database, from a newer schema, a PostgreSQL URL)
/// is exit code 2; anything else (in use, unwritable, disk full) is 1.
class BackupError : public std::runtime_error {
  public:
    BackupError(const std::string& message, bool bad_input)
        : std::runtime_error(message), bad_input_(bad_input) {}
    bool bad_input() const { return bad_input_; }

  private:
    bool bad_input_;
};

struct BackupResult {
    std::uintmax_t bytes = 0;
    int schema_version = 0;
    long long events = 0;  // audit events in the copy
};

/// Copies the database at `database` to `target` in one read transaction (a snapshot: writers
/// go on meanwhile). The copy is written under a hidden name beside `target`, checked, synced
/// and renamed into place, so `target` is either the whole copy or untouched; on any failure
/// the partial file is removed. Throws BackupError.
BackupResult backup_sqlite(const std::string& database, const std::string& target);

/// Puts the backup `source` in place of the database at `database`, in one transaction that
/// holds the database exclusively. Refuses (BackupError) a source that is not a Tilsyn
/// database, is damaged or is from a newer schema than this program's, and a database that
/// another process has open.
BackupResult restore_sqlite(const std::string& source, const std::string& database);

}  // namespace tilsyn
