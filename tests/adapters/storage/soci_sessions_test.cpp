// The storage adapter's SessionStore and the directory's access switches on SQLite and
// PostgreSQL: sessions seen through another connection (another node), the per-person cap,
// expiry, and a session, token or feed that stops working when its person is disabled, gone
// from the configuration, or given a new token.
#include <catch2/catch.hpp>
#include <string>

#include "adapters/storage/soci_store.hpp"
#include "engine/access.hpp"
#include "engine/audit.hpp"
#include "storage_fixture.hpp"

namespace {

using namespace tilsyn;
using namespace tilsyn::storage_testing;

StoredUser only_user(Store& store, const std::string& email) {
    auto users = store.find_users_by_email(email);
    REQUIRE(users.size() == 1);
    return users[0];
}

StoredSession session_of(const StoredUser& user, std::string hash, long long at) {
    return StoredSession{std::move(hash), user.id, instant(at), instant(at)};
}

}  // namespace

STORE_TEST_CASE("a session is seen through another connection and ended for both",
                session_seen_by_another_node) {
    Store& store = *db.store;
    prepare(store);
    const StoredUser lene = only_user(store, "lene@example.dk");
    CHECK(store.add_session(session_of(lene, "h1", 1000), 5) == 0);

    auto other = db.reopen();  // another node on the same database
    auto found = other->find_session("h1");
    REQUIRE(found);
    CHECK(found->user.email == "lene@example.dk");
    CHECK(found->user.institution_id == "frydenlund");
    CHECK(found->session.created_at == instant(1000));
    other->touch_session("h1", instant(1500));
    CHECK(store.find_session("h1")->session.last_seen_at == instant(1500));
    CHECK_FALSE(store.find_session("h2"));

    CHECK(other->remove_session("h1"));
    CHECK_FALSE(store.find_session("h1"));
    CHECK_FALSE(store.remove_session("h1"));
}

STORE_TEST_CASE("a person's sessions beyond the cap end, their oldest first, nobody else's",
                session_cap_per_person) {
    Store& store = *db.store;
    prepare(store);
    const StoredUser lene = only_user(store, "lene@example.dk");
    const StoredUser bo = only_user(store, "bo@example.dk");
    store.add_session(session_of(bo, "bo-1", 100), 2);
    CHECK(store.add_session(session_of(lene, "a", 200), 2) == 0);
    CHECK(store.add_session(session_of(lene, "b", 300), 2) == 0);
    CHECK(store.add_session(session_of(lene, "c", 400), 2) == 1);
    CHECK_FALSE(store.find_session("a"));  // the oldest
    CHECK(store.find_session("b"));
    CHECK(store.find_session("c"));
    CHECK(store.find_session("bo-1"));  // another person's

    CHECK(store.remove_expired_sessions(instant(250), instant(0)) == 1);  // bo-1, older
    CHECK_FALSE(store.find_session("bo-1"));
    CHECK(store.remove_expired_sessions(instant(0), instant(350)) == 1);  // b, idle since 300
    CHECK(store.find_session("c"));
    CHECK(store.remove_sessions_of(lene.id) == 1);
    CHECK_FALSE(store.find_session("c"));
}

STORE_TEST_CASE(
    "a disabled person's token, feeds and sessions stop at once, and come back on "
    "enable without the old sessions",
    disabled_person_loses_access) {
    Store& store = *db.store;
    prepare(store);
    StoredUser lene = only_user(store, "lene@example.dk");
    store.set_token_hash(lene.id, "lene-token");
    store.add_feed(lene.id, "lene-feed", instant(10));
    store.add_session(session_of(lene, "s1", 100), 5);
    REQUIRE(store.find_user_by_token_hash("lene-token"));
    REQUIRE(store.find_feed_user("lene-feed"));

    REQUIRE(set_person_access(store, lene, false, instant(200), "test"));
    CHECK_FALSE(store.find_user_by_token_hash("lene-token"));
    CHECK_FALSE(store.find_feed_user("lene-feed"));
    CHECK_FALSE(store.find_session("s1"));
    CHECK(only_user(store, "lene@example.dk").disabled == "manual");
    CHECK_FALSE(set_person_access(store, lene, false, instant(210), "test"));  // already

    // A sync keeps a person an administrator disabled disabled, though the config names her.
    CHECK(store.sync_directory(small_config()).people_enabled.empty());
    CHECK(only_user(store, "lene@example.dk").disabled == "manual");

    REQUIRE(set_person_access(store, lene, true, instant(300), "test"));
    CHECK(store.find_user_by_token_hash("lene-token"));
    CHECK(store.find_feed_user("lene-feed"));
    CHECK_FALSE(store.find_session("s1"));  // ended for good

    const auto events = store.events(person_audit_id("lene@example.dk"));
    REQUIRE(events.size() == 2);
    CHECK(events[0].event == "person_disabled");
    CHECK(events[0].actor == "test");
    CHECK(events[0].at == instant(200));
    CHECK(events[1].event == "person_enabled");
    CHECK(verify_audit(store).intact);
}

STORE_TEST_CASE(
    "a person gone from the configuration is disabled by the sync and recorded, and "
    "enabled when back",
    sync_disables_people_gone) {
    Store& store = *db.store;
    prepare(store);
    StoredUser lene = only_user(store, "lene@example.dk");
    store.set_token_hash(lene.id, "lene-token");
    store.add_session(session_of(lene, "s1", 100), 5);
    StoredUser admin;
    admin.email = "admin@example.dk";
    admin.role = "admin";
    admin.token_hash = "admin-token";
    admin.source = "manual";
    REQUIRE(store.add_user(admin));

    Config config = small_config();
    config.institutions[0].leader = person("Ny Leder", "ny@example.dk");  // Lene leaves
    const DirectorySync sync = sync_organisation(store, config, instant(500), "tilsyn migrate");
    REQUIRE(sync.people_disabled.size() == 1);
    CHECK(sync.people_disabled[0].email == "lene@example.dk");
    CHECK(sync.people_added == 1);
    CHECK_FALSE(store.find_user_by_token_hash("lene-token"));
    CHECK_FALSE(store.find_session("s1"));
    CHECK(store.find_user_by_token_hash("admin-token"));  // added by hand: not the config's
    const auto events = store.events(person_audit_id("lene@example.dk"));
    REQUIRE(events.size() == 1);
    CHECK(events[0].event == "person_disabled");
    CHECK(events[0].actor == "tilsyn migrate");
    CHECK_THAT(events[0].payload, Catch::Contains("\"reason\":\"config\""));
    CHECK_FALSE(sync_organisation(store, config, instant(600), "tilsyn migrate").changed());

    const DirectorySync back =
        sync_organisation(store, small_config(), instant(700), "tilsyn migrate");
    REQUIRE(back.people_enabled.size() == 1);
    CHECK(store.find_user_by_token_hash("lene-token"));
    CHECK(store.events(person_audit_id("lene@example.dk")).size() == 2);
    CHECK(verify_audit(store).intact);
}

STORE_TEST_CASE("a new token ends the person's sessions", new_token_ends_sessions) {
    Store& store = *db.store;
    prepare(store);
    const StoredUser lene = only_user(store, "lene@example.dk");
    store.add_session(session_of(lene, "s1", 100), 5);
    store.set_token_hash(lene.id, "rotated");
    CHECK_FALSE(store.find_session("s1"));
    CHECK(store.find_user_by_token_hash("rotated"));
}
