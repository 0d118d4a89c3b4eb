// The storage adapter: the Store ports over SOCI 4.0, on SQLite or PostgreSQL. SOCI's headers
// stay out of this one (as SQLiteCpp keeps <sqlite3.h> out of its own), so including it costs
// little. One class implements the three ports; its definitions are spread over one file each
// (soci_directory.cpp, soci_cases.cpp, soci_outbox.cpp) and soci_store.cpp for the rest.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/storage/database_url.hpp"
#include "engine/store.hpp"

namespace soci {
class session;
}

namespace tilsyn {

/// The Store ports over one SOCI session. Not thread-safe: use one SociStore per thread.
/// Every database failure surfaces as tilsyn::StoreError naming the operation.
///
/// Contracts beyond the port's:
/// - Instants are stored as BIGINT unix seconds, Dates as 'YYYY-MM-DD' text.
/// - On SQLite a transaction starts with BEGIN IMMEDIATE, so two processes writing the same file
///   queue on busy_timeout (5 s) instead of failing when a reader upgrades to a writer.
/// - Operations writing several rows (sync_directory, add_deadlines, migrate) run in their own
///   transaction, or in the caller's when called inside in_transaction.
/// - areas() lists the configured (active) areas; institutions() lists all, with `active`.
/// - sync_directory() counts an area that left the config as updated (it is marked inactive).
/// - update_cycle_state() and update_cycle() on an unknown id throw StoreError.
/// - find_cycle() inside in_transaction on PostgreSQL locks the row (FOR UPDATE) until commit,
///   so a read-decide-write on one instance is serialized as under SQLite's single writer.
/// - On PostgreSQL a failed statement aborts the open transaction: after a StoreError inside
///   in_transaction, let it propagate (every later statement fails until the rollback).
/// - The statements of an event's transaction (find_cycle, update_cycle, close_deadlines,
///   add_deadlines, last_event, append_event, enqueue, mark_deadline_done,
///   close_reminders_up_to, find_institution) are prepared once, on first use, and re-executed
///   with single-row binds (never vector binds: re-executing those on PostgreSQL writes wrong
///   data, SOCI issue 910). migrate() drops them, as a schema change may invalidate them.
/// - find_users_by_email() and find_user_by_token_hash() match exactly (no case folding); an
///   empty token hash matches nobody. find_users_by_email() lists disabled users too.
class SociStore : public Store {
  public:
    /// Opens the connection (SQLite: WAL, foreign keys on, busy timeout 5 s, synchronous
    /// NORMAL). Does not migrate. Throws StoreError when the database cannot be opened.
    explicit SociStore(const StoreUrl& url);
    ~SociStore() override;
    SociStore(const SociStore&) = delete;
    SociStore& operator=(const SociStore&) = delete;

    StoreUrl::Backend backend() const { return backend_; }
    /// The URL it was opened with, password masked.
    const std::string& display_url() const { return display_url_; }

    // Store (soci_store.cpp)
    int migrate() override;
    /// Applies the migrations up to `version` only (for upgrade tests: a database as an older
    /// release left it). Never downgrades. Returns the version now in force.
    int migrate_to(int version);
    int schema_version() override;
    bool reconnect_if_lost() override;
    void in_transaction(const std::function<void()>& work) override;

    // DirectoryStore (soci_directory.cpp)
    DirectorySync sync_directory(const Config& config) override;
    std::vector<StoredArea> areas() override;
    std::vector<StoredInstitution> institutions() override;
    std::vector<StoredUser> users() override;
    std::optional<StoredInstitution> find_institution(std::string_view id) override;
    bool add_user(StoredUser& user) override;
    std::vector<StoredUser> find_users_by_email(std::string_view email) override;
    std::optional<StoredUser> find_user_by_token_hash(std::string_view token_hash) override;
    void set_token_hash(long long user_id, std::string_view token_hash) override;
    void add_feed(long long user_id, std::string_view token_hash, Instant at) override;
    std::optional<StoredUser> find_feed_user(std::string_view token_hash) override;
    int revoke_feeds(long long user_id, Instant at) override;
    bool set_user_disabled(long long user_id, std::string_view reason) override;

    // SessionStore (soci_sessions.cpp)
    int add_session(const StoredSession& session, int per_user) override;
    std::optional<SessionOfUser> find_session(std::string_view id_hash) override;
    void touch_session(std::string_view id_hash, Instant at) override;
    bool remove_session(std::string_view id_hash) override;
    int remove_sessions_of(long long user_id) override;
    int remove_expired_sessions(Instant created_before, Instant seen_before) override;
    std::vector<ThemeRecord> themes() override;
    bool add_theme(const ThemeRecord& theme) override;
    int publish_themes(int period, std::string_view age_band, Instant at) override;

    // CaseStore (soci_cases.cpp)
    bool insert_cycle(const CycleRecord& cycle) override;
    std::optional<CycleRecord> find_cycle(std::string_view id) override;
    void update_cycle_state(std::string_view id, std::string_view state, Instant at) override;
    void update_cycle(const CycleRecord& cycle) override;
    std::vector<CycleStatusRow> cycle_status(std::string_view area_id,
                                             std::string_view institution_id) override;
    std::vector<CycleRecord> child_cases(std::string_view parent_id) override;
    bool mark_period_opened(std::string_view cycle_config, Date start, Instant at) override;
    bool period_opened(std::string_view cycle_config, Date start) override;
    void forget_opened_periods() override;
    void add_deadlines(const std::vector<DeadlineRecord>& deadlines) override;
    std::vector<DeadlineRecord> due_deadlines(Instant until, int limit) override;
    void close_deadlines(std::string_view cycle_id, std::string_view step) override;
    void close_all_deadlines(std::string_view cycle_id) override;
    void mark_deadline_done(long long id) override;
    int close_reminders_up_to(std::string_view cycle_id, std::string_view step, int round,
                              Instant up_to) override;
    std::vector<DeadlineRecord> deadlines(std::string_view cycle_id) override;
    std::optional<Instant> next_fire_time() override;
    void append_event(EventRecord& event) override;
    std::vector<EventRecord> events(std::string_view cycle_id) override;
    std::optional<EventRecord> last_event() override;
    std::vector<EventRecord> events_after(long long after_seq, int limit) override;
    void visit_started(const StartedScope& scope,
                       const std::function<void(const CycleStatusRow&)>& instance,
                       const std::function<void(const EventRecord&)>& event,
                       const std::function<void(const DeadlineRecord&)>& deadline) override;
    std::vector<EventRecord> events_by_seq(const std::vector<long long>& seqs) override;
    void lock_audit_chain() override;

    // DocumentStore (soci_documents.cpp)
    long long add_document(const StoredDocument& document) override;
    void add_document_chunk(long long document_id, int position, std::string_view bytes) override;
    std::vector<StoredDocument> documents(std::string_view cycle_id) override;
    std::vector<StoredDocument> documents_of_event(long long event_seq) override;
    std::optional<StoredDocument> find_document(long long id) override;
    int document_chunks(long long document_id) override;
    std::optional<std::string> document_chunk(long long document_id, int position) override;

    // Outbox (soci_outbox.cpp)
    bool enqueue(OutboxMessage& message) override;
    std::vector<OutboxMessage> pending_mail(Instant now, int limit) override;
    std::vector<OutboxMessage> claim_mail(Instant now, int limit, std::string_view node,
                                          Instant lease_until) override;
    void release_claims(std::string_view node) override;
    void mark_mail_sent(long long id, Instant at) override;
    void mark_mail_retry(long long id, Instant retry_at, std::string_view error) override;
    void mark_mail_failed(long long id, std::string_view error) override;
    std::vector<OutboxMessage> outbox(std::string_view status, int limit) override;
    bool requeue_mail(long long id, Instant at) override;
    std::optional<Instant> next_mail_attempt() override;
    long long outbox_count(std::string_view status) override;

  private:
    /// The hot-path statements with the variables they are bound to (soci_support.hpp).
    struct Prepared;

    /// Runs `work` in a transaction of its own, or inline when one is already open.
    void within_transaction(const std::function<void()>& work);
    Prepared& prepared();
    /// SQLite: the rowid the last INSERT of this connection assigned.
    long long last_insert_rowid();

    std::unique_ptr<soci::session> session_;
    StoreUrl::Backend backend_;
    std::string display_url_;
    bool in_transaction_ = false;
    // Declared after session_, so destroyed before it: the statements belong to the session.
    std::unique_ptr<Prepared> prepared_;
};

/// Parses the URL and opens a SociStore (an SQLite file and its folders are created). Throws
/// BadStoreUrl or StoreError.
std::unique_ptr<Store> open_store(const std::string& url);
/// Like open_store, but an SQLite file that does not exist is a StoreError, and nothing is
/// created: for every verb but `migrate`. `read_only`: writing through it fails (the verbs
/// that only read: status, report, audit verify, outbox list).
std::unique_ptr<Store> open_existing_store(const std::string& url, bool read_only = false);

}  // namespace tilsyn
