// Database URLs: parsed, refused with a message that hides the password, and opened.
#include "adapters/storage/database_url.hpp"

#include <catch2/catch.hpp>

#include "adapters/storage/schema.hpp"
#include "adapters/storage/soci_store.hpp"
#include "storage_fixture.hpp"

namespace {

using namespace tilsyn;
using namespace tilsyn::storage_testing;
using Catch::Matchers::Contains;

}  // namespace

TEST_CASE("a bad SQLite URL is refused with a clear message", "[storage][sqlite]") {
    REQUIRE_THROWS_AS(open_store("sqlite:"), BadStoreUrl);
    REQUIRE_THROWS_WITH(open_store("sqlite:"), Contains("no file path"));
    REQUIRE_THROWS_WITH(open_store("mysql://root@localhost/tilsyn"),
                        Contains("unknown scheme") && Contains("expected sqlite:PATH"));
    REQUIRE_THROWS_AS(open_store("var/tilsyn.db"), BadStoreUrl);
    REQUIRE_THROWS_AS(open_store(""), BadStoreUrl);

    CHECK(parse_store_url("sqlite:var/tilsyn.db").sqlite_path == "var/tilsyn.db");
    CHECK(parse_store_url("sqlite:///srv/tilsyn.db").sqlite_path == "/srv/tilsyn.db");
    CHECK(parse_store_url("sqlite::memory:").sqlite_path == ":memory:");

    auto memory = open_store("sqlite::memory:");
    CHECK(memory->migrate() == schema::kSchemaVersion);

    // A folder that cannot be created (its parent is a file) is a StoreError naming the open.
    auto db = sqlite_database();
    REQUIRE_THROWS_AS(
        open_store("sqlite:" + (db->folder / "var" / "tilsyn.db" / "x" / "y.db").string()),
        StoreError);
    REQUIRE_THROWS_WITH(
        open_store("sqlite:" + (db->folder / "var" / "tilsyn.db" / "x" / "y.db").string()),
        Contains("opening sqlite:"));
}

TEST_CASE("a bad PostgreSQL URL is refused with a clear message that hides the password",
          "[storage][postgres]") {
    REQUIRE_THROWS_WITH(open_store("postgresql://tilsyn:hemmelig@db.example.dk:54x2/tilsyn"),
                        Contains("port") && !Contains("hemmelig") && Contains("***"));
    REQUIRE_THROWS_WITH(open_store("postgresql://tilsyn@db.example.dk:5432"),
                        Contains("no database name"));
    REQUIRE_THROWS_WITH(open_store("postgresql://tilsyn@:5432/tilsyn"), Contains("no host"));
    REQUIRE_THROWS_WITH(open_store("postgresql://tilsyn@host:99999/tilsyn"), Contains("1-65535"));
    REQUIRE_THROWS_WITH(open_store("postgresql://tilsyn@host/db?password=x"),
                        Contains("belongs in the URL"));
    REQUIRE_THROWS_AS(open_store("postgresql://tilsyn@host/db%zz"), BadStoreUrl);

    auto url =
        parse_store_url("postgresql://til%40syn:p%27w@127.0.0.1:5433/tilsyn_test?sslmode=disable");
    CHECK(url.backend == StoreUrl::Backend::postgresql);
    CHECK(url.display == "postgresql://til%40syn:***@127.0.0.1:5433/tilsyn_test?sslmode=disable");
    CHECK_THAT(url.connection, Contains("host='127.0.0.1'") && Contains("port='5433'") &&
                                   Contains("dbname='tilsyn_test'") && Contains("user='til@syn'") &&
                                   Contains("password='p\\'w'") && Contains("sslmode='disable'") &&
                                   Contains("client_encoding='UTF8'"));
    CHECK_THAT(parse_store_url("postgres://[::1]/x").connection, Contains("host='::1'"));

    // Nothing listens on port 1: the open fails as a StoreError, password still hidden.
    REQUIRE_THROWS_WITH(
        open_store("postgresql://tilsyn:hemmelig@127.0.0.1:1/tilsyn"),
        Contains("opening postgresql://tilsyn:***@127.0.0.1:1/tilsyn") && !Contains("hemmelig"));
}
