// A real SQLite store in a temporary folder with the small configuration synced into it, and
// the case service and scheduler over it, for engine tests that need storage.
#pragma once

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <random>

#include "adapters/config/yaml_config_loader.hpp"
#include "adapters/storage/soci_store.hpp"
#include "config_fixture.hpp"
#include "engine/case_service.hpp"
#include "engine/scheduler.hpp"

namespace tilsyn::testing {

inline Instant at(const char* local_date, int hour = 12) {
    static const TimeZone zone = [] {
        std::string error;
        return *load_time_zone("Europe/Copenhagen", &error);
    }();
    return zone.to_instant(*parse_date(local_date), std::chrono::hours{hour});
}

struct WorkflowWorld {
    std::filesystem::path dir;
    Config config = small_config();
    Calendar calendar{true, {{12, 24, std::nullopt}, {12, 31, std::nullopt}}};
    TimeZone zone = [] {
        std::string error;
        return *load_time_zone("Europe/Copenhagen", &error);
    }();
    std::unique_ptr<Store> store;
    std::unique_ptr<CaseService> cases;
    std::unique_ptr<Scheduler> scheduler;

    Actor leader{"leder@frydenlund.example.dk", Role::leader, "", "frydenlund"};
    Actor board{"bestyrelse@frydenlund.example.dk", Role::board, "", "frydenlund"};
    Actor chief{"chef.syd@example.dk", Role::area_chief, "syd", ""};
    Actor other_chief{"chef.nord@example.dk", Role::area_chief, "nord", ""};
    Actor admin{"admin@example.dk", Role::admin, "", ""};
    Actor director{"direktoer@example.dk", Role::director, "", ""};

    const std::string cycle = "quality-report-6-18/frydenlund/2026-08-03";

    WorkflowWorld() {
        std::random_device random;
        dir = std::filesystem::temp_directory_path() / ("tilsyn-wf-" + std::to_string(random()));
        std::filesystem::create_directories(dir);
        config.areas.push_back(
            {"nord", "Område Nord", {"Nora Chef", "chef.nord@example.dk", {}}, {}});
        store = open_store("sqlite:" + (dir / "t.db").string());
        store->migrate();
        store->sync_directory(config);
        rebuild();
    }
    ~WorkflowWorld() {
        scheduler.reset();
        cases.reset();
        store.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    // After changing `config`: new services over the same database.
    void rebuild() {
        cases = std::make_unique<CaseService>(*store, make_domain(config, zone));
        scheduler = std::make_unique<Scheduler>(*store, *cases);
    }

    ApplyResult send(const std::string& id, const char* event, const Actor& actor,
                     const char* payload, const char* date) {
        return cases->apply(id, event, actor, payload, at(date));
    }

    std::string state(const std::string& id) { return store->find_cycle(id)->state; }

    // Everything an event could change, to show that a refused one changed nothing.
    std::string snapshot(const std::string& id) {
        std::string out = store->find_cycle(id)->state + "|" + store->find_cycle(id)->anchors;
        for (const auto& d : store->deadlines(id)) {
            out += fmt::format("|{}:{}:{}:{}", d.step, d.kind, d.level, d.done);
        }
        out += fmt::format("|events={}|pending={}", store->events_after(0, 1000000).size(),
                           store->outbox_count("pending"));
        return out;
    }

    std::vector<DeadlineRecord> open_deadlines(const std::string& id, const char* kind) {
        std::vector<DeadlineRecord> result;
        for (auto& d : store->deadlines(id)) {
            if (!d.done && d.kind == kind) result.push_back(d);
        }
        return result;
    }
};

}  // namespace tilsyn::testing
