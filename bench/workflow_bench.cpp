// tilsyn_workflow_bench: the workflow engine's performance goals, timed in-process over the real
// SOCI store (quoted in the README; never run as a test).
//
//   tilsyn_workflow_bench [events|tick-due|tick-idle|all] [options]
//
//   events     Opens N quality_report cycles (one Scheduler::tick on the start date), then times
//              CaseService::apply for one event per cycle per pass: report_submitted by each
//              leader (closes quality_report, arms board_statement, appends audit), then
//              board_statement_submitted by each board. Every apply is its own transaction.
//              Goal: >= 20,000 events/s.
//   tick-due   Opens cycles, then times ONE Scheduler::tick at a moment when N items are due.
//              --due-scenario escalations (default): N/4 cycles, the tick an hour after the
//              second escalation, as after a long downtime: per cycle 2 escalations fire (3
//              mails) and 2 reminders are closed (a reminder missed past its due date sends
//              nothing). --due-scenario reminders: N/2 cycles, the tick an hour after the second
//              reminder: per cycle 1 reminder fires (1 mail) and supersedes the other.
//              Goal: < 5 s.
//   tick-idle  A database with M open reminders/escalations, none due (inserted directly with
//              Store::add_deadlines in big transactions, over a few cycles), then times K
//              Scheduler::ticks at a moment before all of them. Goal: median < 10 ms.
//
// Options:
//   --events N          cycles (events per pass) of `events` (20000)
//   --passes P          events: 2 (default) as above, 1 the first only; 3 adds
//                       conversation_scheduled by the area chief; 4 adds conversation_held with
//                       one development and one supervision point (opens a supervision case
//                       and queues 2 mails)
//   --due-items N       due items of `tick-due` (100000)
//   --due-scenario S    escalations (default) or reminders, see tick-due
//   --idle-deadlines M  open deadlines of `tick-idle` (3000000)
//   --idle-cycles C     cycles the idle deadlines belong to (1000)
//   --idle-ticks K      ticks timed by `tick-idle` (200)
//   --areas A           areas the institutions are spread over (8)
//   --batch B           deadlines per transaction when inserting them directly (50000)
//   --db URL            run against this database instead of a temporary SQLite file; it must
//                       be empty (one benchmark per database: not with `all`)
//   --keep PATH         tick-idle: keep its SQLite database in PATH; a rerun with the same sizes
//                       reuses it and skips the setup
//
// Durability as the store sets it (adapters/storage/soci_store.cpp): SQLite in WAL mode with
// synchronous=NORMAL, busy_timeout 5 s, foreign keys on; every transaction is BEGIN IMMEDIATE.
// In WAL mode with synchronous=NORMAL a commit is not fsynced (only checkpoints are): a commit
// survives a crash of the process, but a power loss or OS crash may roll back the last
// transactions (never corrupting the database). PostgreSQL runs with the server's settings.
#include <fmt/format.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include "adapters/config/yaml_config_loader.hpp"
#include "adapters/storage/soci_store.hpp"
#include "engine/case_service.hpp"
#include "engine/config.hpp"
#include "engine/due_expression.hpp"
#include "engine/scheduler.hpp"

namespace {

using namespace tilsyn;
using Clock = std::chrono::steady_clock;

// -------------------------------------------------------------------------------------------
// Options

struct Options {
    std::string what = "all";
    int events = 20000;
    int passes = 2;
    int due_items = 100000;
    std::string due_scenario = "escalations";
    long long idle_deadlines = 3000000;
    int idle_cycles = 1000;
    int idle_ticks = 200;
    int areas = 8;
    int batch = 50000;
    std::string db;
    std::string keep;
};

[[noreturn]] void usage(const std::string& problem) {
    std::fprintf(stderr,
                 "tilsyn_workflow_bench: %s\n"
                 "usage: tilsyn_workflow_bench [events|tick-due|tick-idle|all] [--events N] "
                 "[--passes 1-4] [--due-items N] [--due-scenario escalations|reminders] "
                 "[--idle-deadlines M] [--idle-cycles C] "
                 "[--idle-ticks K] [--areas A] [--batch B] [--db URL] [--keep PATH]\n",
                 problem.c_str());
    std::exit(2);
}

long long number(const std::string& option, const char* text, long long min) {
    char* end = nullptr;
    errno = 0;
    long long value = std::strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < min) {
        usage(fmt::format("{} needs a whole number >= {}, not \"{}\"", option, min, text));
    }
    return value;
}

Options parse_options(int argc, char** argv) {
    Options o;
    bool what_given = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto value = [&]() -> const char* {
            if (i + 1 >= argc) usage(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "events" || arg == "tick-due" || arg == "tick-idle" || arg == "all") {
            if (what_given) usage("give one benchmark (or all)");
            o.what = arg;
            what_given = true;
        } else if (arg == "--events") {
            o.events = static_cast<int>(number(arg, value(), 1));
        } else if (arg == "--passes") {
            o.passes = static_cast<int>(number(arg, value(), 1));
            if (o.passes > 4) usage("--passes is 1 to 4");
        } else if (arg == "--due-items") {
            o.due_items = static_cast<int>(number(arg, value(), 4));
        } else if (arg == "--due-scenario") {
            o.due_scenario = value();
            if (o.due_scenario != "escalations" && o.due_scenario != "reminders") {
                usage("--due-scenario is escalations or reminders");
            }
        } else if (arg == "--idle-deadlines") {
            o.idle_deadlines = number(arg, value(), 0);
        } else if (arg == "--idle-cycles") {
            o.idle_cycles = static_cast<int>(number(arg, value(), 1));
        } else if (arg == "--idle-ticks") {
            o.idle_ticks = static_cast<int>(number(arg, value(), 1));
        } else if (arg == "--areas") {
            o.areas = static_cast<int>(number(arg, value(), 1));
        } else if (arg == "--batch") {
            o.batch = static_cast<int>(number(arg, value(), 1));
        } else if (arg == "--db") {
            o.db = value();
        } else if (arg == "--keep") {
            o.keep = value();
        } else if (arg == "-h" || arg == "--help") {
            usage("the workflow engine's benchmarks");
        } else {
            usage(fmt::format("unknown argument \"{}\"", arg));
        }
    }
    if (!o.db.empty() && o.what == "all") usage("--db takes one benchmark at a time, not all");
    if (!o.db.empty() && !o.keep.empty()) usage("--db and --keep exclude each other");
    return o;
}

// -------------------------------------------------------------------------------------------
// Small helpers

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

/// The p-quantile (0 < p <= 1) of a sample, nearest rank.
double quantile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
    return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

void progress(const std::string& text) {
    std::fprintf(stderr, "  .. %s\n", text.c_str());
    std::fflush(stderr);
}

struct Summary {
    std::string name;
    std::string figure;
    std::string goal;
    bool meets = false;
};
std::vector<Summary> summaries;

void summarise(Summary summary) {
    std::printf("%-54s %-32s goal %-10s %s\n", summary.name.c_str(), summary.figure.c_str(),
                summary.goal.c_str(), summary.meets ? "meets" : "MISSES");
    std::fflush(stdout);
    summaries.push_back(std::move(summary));
}

// -------------------------------------------------------------------------------------------
// The configuration, built in C++ (as tests/engine/config_fixture.hpp): N schools in A areas,
// one quality_report cycle every two years from Monday 3 August 2026.

const Date kStart = *parse_date("2026-08-03");

DueExpression due(std::string_view text) {
    return std::get<DueExpression>(parse_due_expression(text));
}

StepTimeline step(std::string name, std::string_view expression) {
    return {std::move(name), due(expression), {"bench.yaml", 1, 1}};
}

std::string institution_id(int i) { return fmt::format("skole{:06d}", i); }

Config bench_config(int institutions, int areas) {
    Config config;
    config.path = "bench.yaml";
    config.organisation.name = "Benchkommune";
    config.organisation.dashboard_url = "http://127.0.0.1:8080";
    config.organisation.director = {"Dorte Direktør", "direktoer@bench.example.dk", {}};
    config.calendar.closed_days = {{12, 24, std::nullopt}, {12, 31, std::nullopt}};
    for (int a = 0; a < areas; ++a) {
        const std::string id = fmt::format("omraade{:02d}", a + 1);
        config.areas.push_back(
            {id,
             fmt::format("Område {}", a + 1),
             {fmt::format("Chef {}", a + 1), fmt::format("chef.{}@bench.example.dk", id), {}},
             {}});
    }
    config.institutions.reserve(static_cast<std::size_t>(institutions));
    for (int i = 0; i < institutions; ++i) {
        const std::string id = institution_id(i);
        Institution school;
        school.id = id;
        school.name = fmt::format("Skole {}", i);
        school.kind = InstitutionKind::school;
        school.area = config.areas[static_cast<std::size_t>(i % areas)].id;
        school.leader = {fmt::format("Leder {}", i), fmt::format("leder@{}.example.dk", id), {}};
        school.board = {"", fmt::format("bestyrelse@{}.example.dk", id), {}};
        config.institutions.push_back(std::move(school));
    }
    CycleConfig cycle;
    cycle.id = "quality-report-6-18";
    cycle.workflow = "quality_report";
    cycle.institutions.kinds = {InstitutionKind::school, InstitutionKind::youth};
    cycle.starts.first = kStart;
    cycle.starts.every = {2, Unit::year};
    cycle.steps = {
        step("quality_report", "start + 10 weeks"),
        step("board_statement", "quality_report + 4 weeks"),
        step("quality_conversation", "board_statement + 6 weeks"),
        step("development_plan", "quality_conversation + 8 weeks"),
        step("plan_approval", "development_plan + 10 workdays"),
        step("publication", "plan_approval + 5 workdays"),
    };
    cycle.reminders = {{-14, Unit::day}, {-3, Unit::workday}};
    cycle.escalation = {{{1, Unit::workday}, {Role::leader, Role::area_chief}, {}},
                        {{10, Unit::workday}, {Role::director}, {}}};
    SupervisionTimeline sup;
    sup.steps = {step("action_plan", "given + 3 weeks"), step("resolution", "given + 6 months")};
    sup.follow_up_every = Offset{4, Unit::week};
    cycle.supervision = sup;
    config.cycles = {cycle};
    return config;
}

// -------------------------------------------------------------------------------------------
// A database and the engine over it

/// Where a benchmark's database lives: the --db URL, a --keep file, or a temporary SQLite file
/// removed afterwards.
class Database {
  public:
    Database(const Options& options, const std::string& name, bool may_keep) {
        if (!options.db.empty()) {
            url_ = options.db;
        } else if (may_keep && !options.keep.empty()) {
            url_ = "sqlite:" + options.keep;
            kept_ = true;
        } else {
            std::string pattern = (std::filesystem::temp_directory_path() /
                                   fmt::format("tilsyn-bench-{}-XXXXXX", name))
                                      .string();
            if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
            dir_ = pattern;
            url_ = "sqlite:" + (dir_ / "bench.db").string();
        }
    }
    ~Database() {
        if (dir_.empty()) return;
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    const std::string& url() const { return url_; }
    bool kept() const { return kept_; }
    bool sqlite() const { return url_.starts_with("sqlite:"); }

  private:
    std::string url_;
    std::filesystem::path dir_;
    bool kept_ = false;
};

struct World {
    Config config;
    Calendar calendar;
    TimeZone zone;
    std::unique_ptr<Store> store;
    std::unique_ptr<CaseService> cases;
    std::unique_ptr<Scheduler> scheduler;

    World(const std::string& url, int institutions, int areas)
        : config(bench_config(institutions, areas)),
          calendar(config.calendar.danish_holidays, config.calendar.closed_days),
          zone([] {
              std::string error;
              auto loaded = load_time_zone("Europe/Copenhagen", &error);
              if (!loaded) throw std::runtime_error("Europe/Copenhagen: " + error);
              return *loaded;
          }()) {
        store = open_store(url);
    }

    int schema_version() { return store->schema_version(); }

    void prepare() {
        store->migrate();
        store->sync_directory(config);
        cases = std::make_unique<CaseService>(*store, make_domain(config, zone));
        scheduler = std::make_unique<Scheduler>(*store, *cases);
    }

    Instant local(Date date, int hour, int minute = 0) const {
        return zone.to_instant(date, std::chrono::hours{hour} + std::chrono::minutes{minute});
    }

    std::string cycle(int i) const {
        return CaseService::cycle_id(config.cycles[0].id, institution_id(i), kStart);
    }

    /// Opens every institution's cycle with one tick on the start date; returns its seconds.
    double open_cycles(int expected) {
        progress(fmt::format("opening {} cycles with one Scheduler::tick on {}", expected,
                             format_date(kStart)));
        auto start = Clock::now();
        TickReport report = scheduler->tick(local(kStart, 6));
        double elapsed = seconds_since(start);
        if (report.cycles_opened != expected) {
            throw std::runtime_error(fmt::format("the opening tick opened {} cycles, not {}",
                                                 report.cycles_opened, expected));
        }
        std::printf("  setup: Scheduler::tick opened %d cycles in %.2f s (%.0f cycles/s)\n",
                    expected, elapsed, expected / elapsed);
        return elapsed;
    }
};

void require_empty(World& world, const std::string& url) {
    if (world.schema_version() != 0) {
        throw std::runtime_error(
            fmt::format("{} is not empty (schema version {}): give a fresh database", url,
                        world.schema_version()));
    }
}

void describe_database(const Database& db) {
    if (db.sqlite()) {
        std::printf("  database: %s (SQLite %s; WAL, synchronous=NORMAL)\n", db.url().c_str(),
                    sqlite3_libversion());
    } else {
        std::printf("  database: %s\n", parse_store_url(db.url()).display.c_str());
    }
}

// -------------------------------------------------------------------------------------------
// events

void bench_events(const Options& options) {
    std::printf("\n== events: CaseService::apply, %d cycles x %d passes, one transaction each\n",
                options.events, options.passes);
    Database db(options, "events", false);
    describe_database(db);
    World world(db.url(), options.events, options.areas);
    require_empty(world, db.url());
    world.prepare();
    world.open_cycles(options.events);

    struct Pass {
        const char* event;
        std::function<Actor(const Institution&)> actor;
        std::string payload;
        Instant at;
    };
    auto chief_of = [&](const Institution& inst) {
        return Actor{world.config.find_area(inst.area)->chief.email, Role::area_chief, inst.area,
                     ""};
    };
    const std::vector<Pass> all_passes = {
        {"report_submitted",
         [](const Institution& inst) {
             return Actor{inst.leader.email, Role::leader, "", inst.id};
         },
         R"({"url":"https://intra.example.dk/kvalitetsrapport.pdf"})",
         world.local(kStart + std::chrono::days{14}, 10)},
        {"board_statement_submitted",
         [](const Institution& inst) {
             return Actor{inst.board.email, Role::board, "", inst.id};
         },
         R"({"assessment":"Bestyrelsen finder rapporten retvisende.","signals_local":"Flere elever i SFO"})",
         world.local(kStart + std::chrono::days{21}, 10)},
        {"conversation_scheduled", chief_of, R"({"date":"2026-10-15"})",
         world.local(kStart + std::chrono::days{28}, 10)},
        {"conversation_held", chief_of,
         R"({"development_points":[{"title":"Læsning i indskolingen","goal":"learning"}],)"
         R"("supervision_points":[{"title":"Handleplan for fravær","reason":"concern","goal":"wellbeing"}]})",
         world.local(kStart + std::chrono::days{35}, 10)},
    };

    double total_seconds = 0;
    long long total_events = 0;
    for (int p = 0; p < options.passes; ++p) {
        const Pass& pass = all_passes[static_cast<std::size_t>(p)];
        std::vector<Actor> actors;
        std::vector<std::string> ids;
        actors.reserve(static_cast<std::size_t>(options.events));
        ids.reserve(static_cast<std::size_t>(options.events));
        for (int i = 0; i < options.events; ++i) {
            actors.push_back(pass.actor(world.config.institutions[static_cast<std::size_t>(i)]));
            ids.push_back(world.cycle(i));
        }
        std::vector<double> latency;
        latency.reserve(static_cast<std::size_t>(options.events));
        long long mails = 0, cases_opened = 0;
        progress(fmt::format("pass {}: {} x {}", p + 1, options.events, pass.event));
        const auto start = Clock::now();
        for (int i = 0; i < options.events; ++i) {
            const auto before = Clock::now();
            ApplyResult result =
                world.cases->apply(ids[static_cast<std::size_t>(i)], pass.event,
                                   actors[static_cast<std::size_t>(i)], pass.payload, pass.at);
            latency.push_back(
                std::chrono::duration<double, std::milli>(Clock::now() - before).count());
            if (result.status != ApplyStatus::ok) {
                throw std::runtime_error(fmt::format(
                    "{} on {}: {}", pass.event, ids[static_cast<std::size_t>(i)], result.message));
            }
            mails += result.mails_queued;
            cases_opened += static_cast<long long>(result.opened_cases.size());
        }
        const double elapsed = seconds_since(start);
        total_seconds += elapsed;
        total_events += options.events;
        std::printf(
            "  pass %d %-26s %6d events in %6.2f s = %8.0f events/s  "
            "(latency median %.3f ms, p99 %.3f ms, max %.3f ms; %lld mails, %lld cases)\n",
            p + 1, pass.event, options.events, elapsed, options.events / elapsed,
            quantile(latency, 0.5), quantile(latency, 0.99), quantile(latency, 1.0), mails,
            cases_opened);
    }
    const double rate = static_cast<double>(total_events) / total_seconds;
    summarise({fmt::format("events: apply, {} events ({} passes)", total_events, options.passes),
               fmt::format("{:.0f} events/s", rate), ">= 20000/s", rate >= 20000});
}

// -------------------------------------------------------------------------------------------
// tick-due

void bench_tick_due(const Options& options) {
    const bool escalations = options.due_scenario == "escalations";
    const int per_cycle = escalations ? 4 : 2;  // items due per cycle at the moment
    const int cycles = (options.due_items + per_cycle - 1) / per_cycle;
    std::printf("\n== tick-due: one Scheduler::tick with %d items due (%d cycles x %s)\n",
                cycles * per_cycle, cycles,
                escalations ? "2 reminders + 2 escalations" : "2 reminders");
    Database db(options, "tick-due", false);
    describe_database(db);
    World world(db.url(), cycles, options.areas);
    require_empty(world, db.url());
    world.prepare();
    world.open_cycles(cycles);

    // The moment: an hour after the latest item of the scenario that the opening armed (the
    // second escalation, 10 working days after quality_report's due date, or the second
    // reminder, 3 working days before it); all earlier ones are due too.
    std::vector<Instant> firing;
    for (const auto& d : world.store->deadlines(world.cycle(0))) {
        if (d.kind == "reminder" || (escalations && d.kind == "escalation")) {
            firing.push_back(d.fire_at);
        }
    }
    if (static_cast<int>(firing.size()) != per_cycle) {
        throw std::runtime_error(
            fmt::format("a cycle has {} items for the scenario, not {}", firing.size(), per_cycle));
    }
    const Instant at = *std::max_element(firing.begin(), firing.end()) + std::chrono::hours{1};
    const int due_items = cycles * per_cycle;
    std::printf("  tick at %s: %d items due\n", format_local_iso(at, {}).c_str(), due_items);

    progress("timing one Scheduler::tick");
    const auto start = Clock::now();
    TickReport report = world.scheduler->tick(at);
    const double elapsed = seconds_since(start);
    const int handled = report.reminders + report.superseded + report.escalations;
    std::printf(
        "  tick: %.2f s; fired %d reminders + %d escalations, closed %d reminders "
        "without mail (%d items, %.0f items/s), queued %d mails (%.0f mails/s)\n",
        elapsed, report.reminders, report.escalations, report.superseded, handled,
        handled / elapsed, report.mails, report.mails / elapsed);
    if (handled != due_items) {
        throw std::runtime_error(
            fmt::format("the tick handled {} items, not the {} due", handled, due_items));
    }
    if (auto next = world.store->next_fire_time(); next && *next <= at) {
        throw std::runtime_error("items are still due after the tick");
    }
    summarise(
        {fmt::format("tick-due: one tick, {} items due ({})", due_items, options.due_scenario),
         fmt::format("{:.2f} s ({} mails)", elapsed, report.mails), "< 5 s", elapsed < 5.0});
}

// -------------------------------------------------------------------------------------------
// tick-idle

constexpr const char* kIdleMarker = "tick-idle-setup@bench.invalid";

void bench_tick_idle(const Options& options) {
    std::printf(
        "\n== tick-idle: Scheduler::tick with nothing due, %lld open deadlines over %d "
        "cycles\n",
        options.idle_deadlines, options.idle_cycles);
    Database db(options, "tick-idle", true);
    describe_database(db);
    World world(db.url(), options.idle_cycles, options.areas);
    const std::string sizes = fmt::format("cycles={} deadlines={} areas={}", options.idle_cycles,
                                          options.idle_deadlines, options.areas);
    bool set_up = false;
    if (world.schema_version() != 0) {
        auto markers = world.store->find_users_by_email(kIdleMarker);
        if (!db.kept() || markers.empty()) {
            throw std::runtime_error(fmt::format(
                "{} is not empty and holds no finished tick-idle setup: give a fresh database "
                "(or delete the --keep file)",
                db.url()));
        }
        if (markers.front().name != sizes) {
            throw std::runtime_error(
                fmt::format("{} was set up with {}, not {}: delete it or give the same sizes",
                            db.url(), markers.front().name, sizes));
        }
        set_up = true;
    }
    world.prepare();
    if (set_up) {
        std::printf("  setup: reusing %s (%s)\n", options.keep.c_str(), sizes.c_str());
    } else {
        world.open_cycles(options.idle_cycles);
        // The extra deadlines: all reminders and escalations (so every one is in the firing
        // index, the worst case for the tick's range scan), fire_at scattered over 2027-2035,
        // grouped by cycle as a workflow arms them.
        const auto first = world.local(*parse_date("2027-01-04"), 8);
        const long long span = 9LL * 365 * 24 * 3600;
        const long long per_cycle =
            (options.idle_deadlines + options.idle_cycles - 1) / options.idle_cycles;
        const char* steps[] = {"quality_report",   "board_statement", "quality_conversation",
                               "development_plan", "plan_approval",   "publication"};
        std::vector<DeadlineRecord> batch;
        batch.reserve(static_cast<std::size_t>(options.batch));
        const auto start = Clock::now();
        long long inserted = 0, next_report = options.idle_deadlines / 10;
        std::uint64_t random = 0x9e3779b97f4a7c15ULL;
        auto flush = [&] {
            world.store->in_transaction([&] { world.store->add_deadlines(batch); });
            inserted += static_cast<long long>(batch.size());
            batch.clear();
            if (inserted >= next_report || inserted == options.idle_deadlines) {
                const double s = seconds_since(start);
                progress(fmt::format("{} / {} deadlines inserted in {:.1f} s ({:.0f} rows/s)",
                                     inserted, options.idle_deadlines, s, inserted / s));
                next_report += options.idle_deadlines / 10;
            }
        };
        for (long long n = 0; n < options.idle_deadlines; ++n) {
            const long long c = n / per_cycle, k = n % per_cycle;
            random ^= random << 13;
            random ^= random >> 7;
            random ^= random << 17;
            DeadlineRecord d;
            d.cycle_id = world.cycle(static_cast<int>(c));
            d.step = steps[(k / 4) % 6];
            d.round = static_cast<int>(k / 24);
            d.kind = k % 4 < 2 ? "reminder" : "escalation";
            d.level = static_cast<int>(k % 2) + 1;
            d.fire_at = first + std::chrono::seconds{static_cast<long long>(random % span)};
            d.due_on = std::chrono::floor<std::chrono::days>(d.fire_at);
            batch.push_back(std::move(d));
            if (static_cast<int>(batch.size()) == options.batch) flush();
        }
        if (!batch.empty()) flush();
        std::printf(
            "  setup: inserted %lld deadlines in %.1f s with Store::add_deadlines, %d "
            "per transaction\n",
            inserted, seconds_since(start), options.batch);
        StoredUser marker;
        marker.email = kIdleMarker;
        marker.name = sizes;
        marker.role = "admin";
        marker.source = "manual";
        world.store->add_user(marker);
    }

    // After the opening tick and before every deadline: the cycles' own first reminder is on
    // 2026-09-28, the inserted ones from 2027.
    const Instant at = world.local(kStart + std::chrono::days{1}, 12);
    auto next = world.store->next_fire_time();
    if (!next || *next <= at) throw std::runtime_error("something is due at the idle moment");

    progress(fmt::format("timing {} ticks", options.idle_ticks));
    std::vector<double> ticks, next_moments;
    for (int i = 0; i < options.idle_ticks; ++i) {
        auto start = Clock::now();
        TickReport report = world.scheduler->tick(at + std::chrono::seconds{i});
        ticks.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        if (report.cycles_opened || report.reminders || report.escalations || report.mails) {
            throw std::runtime_error("an idle tick did work");
        }
        start = Clock::now();
        world.scheduler->next_due_moment(at);
        next_moments.push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    std::printf(
        "  %d ticks: median %.3f ms, p99 %.3f ms, max %.3f ms; next_due_moment median "
        "%.3f ms\n",
        options.idle_ticks, quantile(ticks, 0.5), quantile(ticks, 0.99), quantile(ticks, 1.0),
        quantile(next_moments, 0.5));
    const double median = quantile(ticks, 0.5), p99 = quantile(ticks, 0.99);
    summarise({fmt::format("tick-idle: {} open deadlines, nothing due", options.idle_deadlines),
               fmt::format("median {:.3f} ms, p99 {:.3f} ms", median, p99), "< 10 ms",
               median < 10.0});
}

}  // namespace

int main(int argc, char** argv) {
    const Options options = parse_options(argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // in order with the progress lines on stderr
    std::printf("tilsyn_workflow_bench: %u hardware threads; %s\n",
                std::thread::hardware_concurrency(),
                options.db.empty() ? "SQLite databases (temporary unless --keep)"
                                   : parse_store_url(options.db).display.c_str());
    try {
        if (options.what == "events" || options.what == "all") bench_events(options);
        if (options.what == "tick-due" || options.what == "all") bench_tick_due(options);
        if (options.what == "tick-idle" || options.what == "all") bench_tick_idle(options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tilsyn_workflow_bench: %s\n", e.what());
        return 1;
    }
    std::printf("\nsummary\n");
    for (const auto& s : summaries) {
        std::printf("%-54s %-32s goal %-10s %s\n", s.name.c_str(), s.figure.c_str(), s.goal.c_str(),
                    s.meets ? "meets" : "MISSES");
    }
    return 0;
}
