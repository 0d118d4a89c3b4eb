// The HTTP request path up to the engine: raw bytes through the server's Beast parser (with
// its limits) and, when they make a request, through the web app's routing, authentication,
// JSON and form handling into the case service, on a real SQLite database with the demo
// configuration. Every answer must be a valid status with a body; nothing may crash.
//
// Inputs may carry "Authorization: Bearer fuzz-admin-token" (or fuzz-chief-token,
// fuzz-leader-token): those users exist in the database the target sets up.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "adapters/config/yaml_config_loader.hpp"
#include "adapters/http/http_server.hpp"
#include "adapters/http/web_app.hpp"
#include "adapters/storage/soci_store.hpp"
#include "engine/calendar.hpp"
#include "engine/case_service.hpp"
#include "engine/scheduler.hpp"
#include "engine/sha256.hpp"
#include "fuzz_support.hpp"

using namespace tilsyn;

namespace {

std::unique_ptr<http::WebApp> app;
Metrics metrics;
std::shared_ptr<const Domain> domain;  // the configuration the app and the setup share

void add_user(Store& store, const char* email, const char* role, const char* area,
              const char* institution, const char* token) {
    StoredUser user;
    user.email = email;
    user.role = role;
    user.area_id = area;
    user.institution_id = institution;
    user.token_hash = sha256_hex(token);
    user.source = "manual";
    if (!store.add_user(user)) {
        for (auto& existing : store.find_users_by_email(email)) {
            if (existing.role == role) store.set_token_hash(existing.id, user.token_hash);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("tilsyn-fuzz-http-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const std::string config = std::string(TILSYN_SOURCE_DIR) + "/config/aarhus.yaml";
    const std::string db = "sqlite:" + (dir / "fuzz.db").string();
    {
        auto store = open_store(db);
        store->migrate();
        LoadedConfig loaded = load_config(config);
        if (!loaded.ok()) std::abort();
        domain = make_domain(std::move(loaded));
        store->sync_directory(domain->config);
        CaseService cases(*store, domain);
        Scheduler scheduler(*store, cases);
        scheduler.tick(domain->zone.to_instant(*parse_date("2026-09-07"), std::chrono::hours{9}));
        add_user(*store, "admin@tilsyn.local", "admin", "", "", "fuzz-admin-token");
        add_user(*store, "chief.syd@example.dk", "area_chief", "syd", "", "fuzz-chief-token");
        add_user(*store, "leder.beder-skole@example.dk", "leader", "", "beder-skole",
                 "fuzz-leader-token");
    }
    http::WebAppSettings settings;
    settings.domain = domain;
    settings.db_url = db;
    // A fixed moment inside the running cycles: every input meets the same state of time.
    settings.clock = [] {
        return std::chrono::sys_days{std::chrono::year{2026} / 10 / 1} + std::chrono::hours{9};
    };
    app = std::make_unique<http::WebApp>(std::move(settings), metrics);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view raw(reinterpret_cast<const char*>(data), size);
    auto request = http::parse_request(raw);
    if (!request) return 0;
    const http::Response response = app->handle(*request);
    TILSYN_FUZZ_ASSERT(response.status >= 200 && response.status < 600);
    TILSYN_FUZZ_ASSERT(response.status != 500);  // an internal error is a bug
    TILSYN_FUZZ_ASSERT(!response.content_type.empty());
    return 0;
}
