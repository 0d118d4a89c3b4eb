// The storage adapter's DirectoryStore on SQLite and PostgreSQL: syncing the configuration,
// institutions by id, users by e-mail and token hash.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <string>

#include "adapters/storage/soci_store.hpp"
#include "storage_fixture.hpp"

namespace {

using namespace tilsyn;
using namespace tilsyn::storage_testing;

}  // namespace

// ---------------------------------------------------------------------------------------------
// Syncing the configuration

STORE_TEST_CASE("syncing a configuration adds its directory and a second sync changes nothing",
                sync_adds_then_changes_nothing) {
    Store& store = *db.store;
    store.migrate();

    auto first = store.sync_directory(small_config());
    CHECK(first.areas_added == 2);
    CHECK(first.institutions_added == 3);
    CHECK(first.people_added == small_config_people);
    CHECK(first.areas_updated == 0);
    CHECK(first.institutions_updated == 0);
    CHECK(first.institutions_deactivated == 0);
    CHECK(first.people_updated == 0);
    CHECK(first.changed());

    auto second = store.sync_directory(small_config());
    CHECK_FALSE(second.changed());
    CHECK(second.areas_added + second.areas_updated + second.institutions_added +
              second.institutions_updated + second.institutions_deactivated + second.people_added +
              second.people_updated ==
          0);

    auto areas = store.areas();
    REQUIRE(areas.size() == 2);
    CHECK(areas[0].id == "nord");
    CHECK(areas[1].name == "Område Syd");

    auto institutions = store.institutions();
    REQUIRE(institutions.size() == 3);
    const auto& aaby = find_institution(institutions, "aaby");
    CHECK(aaby.name == "Åby Børnehus");
    CHECK(aaby.kind == "daycare");
    CHECK(aaby.area_id == "nord");
    CHECK(aaby.active);

    auto users = store.users();
    REQUIRE(users.size() == small_config_people);
    int leaders = 0, boards = 0, chiefs = 0, directors = 0;
    for (const auto& user : users) {
        CHECK(user.id > 0);
        CHECK(user.source == "config");
        CHECK(user.token_hash.empty());
        if (user.role == "leader") {
            ++leaders;
            CHECK(user.area_id.empty());
            CHECK_FALSE(user.institution_id.empty());
        } else if (user.role == "board") {
            ++boards;
            CHECK(user.institution_id != "aaby");
        } else if (user.role == "area_chief") {
            ++chiefs;
            CHECK_FALSE(user.area_id.empty());
            CHECK(user.institution_id.empty());
        } else if (user.role == "director") {
            ++directors;
            CHECK(user.email == "direktor@example.dk");
            CHECK(user.name == "Dorthe Direktør");
        }
    }
    CHECK(leaders == 3);
    CHECK(boards == 2);
    CHECK(chiefs == 2);
    CHECK(directors == 1);
}

STORE_TEST_CASE("renaming an institution or a person in the configuration updates exactly that row",
                sync_updates_one_row) {
    Store& store = *db.store;
    prepare(store);

    Config config = small_config();
    config.institutions[2].name = "Ungdomsskolen Aarhus";
    auto renamed = store.sync_directory(config);
    CHECK(renamed.institutions_updated == 1);
    CHECK(renamed.institutions_added == 0);
    CHECK(renamed.institutions_deactivated == 0);
    CHECK(renamed.areas_added + renamed.areas_updated == 0);
    CHECK(renamed.people_added + renamed.people_updated == 0);
    auto institutions = store.institutions();
    CHECK(find_institution(institutions, "ungdom").name == "Ungdomsskolen Aarhus");
    CHECK(find_institution(institutions, "frydenlund").name == "Frydenlund Skole");

    config.areas[0].chief.name = "Søren Sydlund";
    auto person_renamed = store.sync_directory(config);
    CHECK(person_renamed.people_updated == 1);
    CHECK(person_renamed.people_added == 0);
    CHECK(person_renamed.institutions_updated == 0);

    // A new address is a new person; the old row stays (users are never deleted by a sync).
    config.institutions[0].leader.email = "ny.leder@example.dk";
    auto new_leader = store.sync_directory(config);
    CHECK(new_leader.people_added == 1);
    CHECK(new_leader.people_updated == 0);

    CHECK_FALSE(store.sync_directory(config).changed());
}

STORE_TEST_CASE("an institution removed from the configuration is kept and marked inactive",
                sync_deactivates_removed_institution) {
    Store& store = *db.store;
    prepare(store);

    Config config = small_config();
    config.institutions.erase(config.institutions.begin() + 1);  // aaby
    auto removed = store.sync_directory(config);
    CHECK(removed.institutions_deactivated == 1);
    CHECK(removed.institutions_updated == 0);
    CHECK(removed.institutions_added == 0);

    auto institutions = store.institutions();
    REQUIRE(institutions.size() == 3);
    CHECK_FALSE(find_institution(institutions, "aaby").active);
    CHECK(find_institution(institutions, "ungdom").active);
    CHECK_FALSE(store.sync_directory(config).changed());

    auto restored = store.sync_directory(small_config());
    CHECK(restored.institutions_updated == 1);
    CHECK(restored.institutions_deactivated == 0);
    CHECK(find_institution(store.institutions(), "aaby").active);
}

STORE_TEST_CASE("an area removed from the configuration no longer lists", sync_deactivates_area) {
    Store& store = *db.store;
    prepare(store);
    store.insert_cycle(cycle("qr-aaby", "aaby"));  // keeps aaby (and so nord) referenced

    Config config = small_config();
    config.institutions.erase(config.institutions.begin() + 1);  // aaby, the only one in nord
    config.areas.erase(config.areas.begin() + 1);                // nord
    auto result = store.sync_directory(config);
    CHECK(result.areas_updated == 1);
    CHECK(result.institutions_deactivated == 1);
    auto areas = store.areas();
    REQUIRE(areas.size() == 1);
    CHECK(areas[0].id == "syd");
    CHECK(store.find_cycle("qr-aaby"));
}

// How fast it is, is a benchmark's business (bench/), not a timed test's: this one checks what
// a large sync writes.
STORE_TEST_CASE("syncing ten thousand institutions adds them all and a second sync writes nothing",
                sync_large_directory) {
    Store& store = *db.store;
    store.migrate();
    const Config config = large_config(10'000);
    auto first = store.sync_directory(config);
    CHECK(first.institutions_added == 10'000);
    CHECK(first.people_added == 1 + 2 + 20'000);
    auto second = store.sync_directory(config);
    CHECK_FALSE(second.changed());
    CHECK(store.institutions().size() == 10'000);
    CHECK(store.users().size() == 1 + 2 + 20'000);
}

// ---------------------------------------------------------------------------------------------
// Institutions and users

STORE_TEST_CASE("an institution is found by id, active or not", find_institution_by_id) {
    Store& store = *db.store;
    prepare(store);
    auto found = store.find_institution("aaby");
    REQUIRE(found);
    CHECK(found->id == "aaby");
    CHECK(found->name == "Åby Børnehus");
    CHECK(found->kind == "daycare");
    CHECK(found->area_id == "nord");
    CHECK(found->active);
    CHECK(store.find_institution("frydenlund")->name == "Frydenlund Skole");
    CHECK_FALSE(store.find_institution("no-such-institution"));
    CHECK_FALSE(store.find_institution(""));

    Config config = small_config();
    config.institutions.erase(config.institutions.begin() + 1);
    store.sync_directory(config);
    found = store.find_institution("aaby");
    REQUIRE(found);
    CHECK_FALSE(found->active);
}

STORE_TEST_CASE("a user is added once and found by e-mail and by token hash", users_by_token_hash) {
    Store& store = *db.store;
    prepare(store);

    StoredUser admin;
    admin.email = "admin@example.dk";
    admin.name = "Anna Admin";
    admin.role = "admin";
    admin.token_hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    admin.source = "manual";
    REQUIRE(store.add_user(admin));
    CHECK(admin.id > 0);

    StoredUser again = admin;
    again.id = 0;
    again.name = "Someone else";
    again.token_hash = "another";
    CHECK_FALSE(store.add_user(again));
    CHECK(again.id == 0);

    // The same address in another role is another user.
    StoredUser chief = admin;
    chief.id = 0;
    chief.role = "area_chief";
    chief.area_id = "syd";
    chief.token_hash = "c0ffee";
    REQUIRE(store.add_user(chief));
    CHECK(chief.id > admin.id);

    auto by_email = store.find_users_by_email("admin@example.dk");
    REQUIRE(by_email.size() == 2);
    CHECK(by_email[0].id == admin.id);
    CHECK(by_email[0].role == "admin");
    CHECK(by_email[0].name == "Anna Admin");
    CHECK(by_email[0].source == "manual");
    CHECK(by_email[1].role == "area_chief");
    CHECK(by_email[1].area_id == "syd");
    auto leader = store.find_users_by_email("lene@example.dk");
    REQUIRE(leader.size() == 1);
    CHECK(leader[0].role == "leader");
    CHECK(leader[0].institution_id == "frydenlund");
    CHECK(leader[0].source == "config");
    CHECK(store.find_users_by_email("nobody@example.dk").empty());

    auto by_token = store.find_user_by_token_hash(admin.token_hash);
    REQUIRE(by_token);
    CHECK(by_token->id == admin.id);
    CHECK(by_token->email == "admin@example.dk");
    CHECK(by_token->role == "admin");
    CHECK(store.find_user_by_token_hash("c0ffee")->role == "area_chief");
    CHECK_FALSE(store.find_user_by_token_hash("another"));
    // The configured people have no token (''), and '' finds none of them.
    CHECK_FALSE(store.find_user_by_token_hash(""));
    CHECK(store.users().size() == small_config_people + 2);

    // A person the configuration adds later is not a conflict with a manual user of another role.
    Config config = small_config();
    config.organisation.director = person("Anna Admin", "admin@example.dk");
    store.sync_directory(config);
    CHECK(store.find_users_by_email("admin@example.dk").size() == 3);
}
