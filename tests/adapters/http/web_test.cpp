// The pieces of the web layer that need no server: URL and form decoding, the listen address,
// sessions (in a real SQLite file) on a moved clock, the dashboard's escaping and forms, metrics,
// and the case view the API and the dashboard list from.
#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "adapters/http/dashboard.hpp"
#include "adapters/http/http_server.hpp"
#include "adapters/http/http_types.hpp"
#include "adapters/http/sessions.hpp"
#include "adapters/http/timeline_svg.hpp"
#include "adapters/storage/storage_fixture.hpp"
#include "engine/case_view.hpp"
#include "engine/metrics.hpp"
#include "engine/workflow_fixture.hpp"

using namespace tilsyn;
using namespace tilsyn::http;
using Catch::Contains;
using tilsyn::testing::at;

TEST_CASE("percent-decoding and forms", "[http]") {
    CHECK(percent_decode("a%2Fb%20c").value() == "a/b c");
    CHECK(percent_decode("a+b", true).value() == "a b");
    CHECK(percent_decode("a+b").value() == "a+b");
    CHECK_FALSE(percent_decode("%2"));
    CHECK_FALSE(percent_decode("%zz"));
    const auto form = parse_form("token=tls_1&x=%C3%B8+%3Cb%3E&&empty=&flag");
    REQUIRE(form.size() == 4);
    CHECK(form[0] == std::pair<std::string, std::string>{"token", "tls_1"});
    CHECK(form[1].second == "ø <b>");
    CHECK(form[2] == std::pair<std::string, std::string>{"empty", ""});
    CHECK(form[3] == std::pair<std::string, std::string>{"flag", ""});
    CHECK(percent_encode("Børn og/unge") == "B%C3%B8rn%20og%2Funge");
    CHECK(ui::cycle_path("qr/frydenlund skole/2026-08-03") == "qr/frydenlund%20skole/2026-08-03");
}

TEST_CASE("the listen address is HOST:PORT", "[http]") {
    CHECK(parse_listen("127.0.0.1:8080") ==
          std::pair<std::string, unsigned short>{"127.0.0.1", 8080});
    CHECK(parse_listen("[::1]:0") == std::pair<std::string, unsigned short>{"::1", 0});
    CHECK(parse_listen("localhost:65535").second == 65535);
    for (const char* bad :
         {"8080", ":8080", "127.0.0.1:", "127.0.0.1:80x", "127.0.0.1:65536", "127.0.0.1:999999"}) {
        CHECK_THROWS_AS(parse_listen(bad), std::invalid_argument);
    }
}

TEST_CASE("a session lives in the database until idle or too old, and its cookie says so",
          "[http][sessions]") {
    auto db = storage_testing::sqlite_database();
    Store& store = *db->store;
    storage_testing::prepare(store);
    const StoredUser chief = store.find_users_by_email("syd@example.dk").at(0);
    SessionPolicy policy;
    policy.idle = std::chrono::minutes{30};
    policy.absolute = std::chrono::hours{8};
    policy.per_person = 2;
    const Instant login = at("2026-11-24", 9);

    const std::string id = start_session(store, chief, policy, login);
    CHECK(id.size() == 64);
    auto session = find_session(store, id, policy, login);
    REQUIRE(session);
    CHECK(session->user.email == "syd@example.dk");
    CHECK(session->csrf.size() == 64);
    CHECK(session->csrf != id);
    CHECK(session->id_hash != id);  // only the hash is stored
    CHECK(find_session(store, id, policy, login)->csrf == session->csrf);
    const std::string other = (id[0] == 'a' ? "b" : "a") + id.substr(1);
    CHECK_FALSE(find_session(store, other, policy, login));
    CHECK_FALSE(find_session(store, "not hex", policy, login));

    // Used every 29 minutes it lives until the absolute lifetime, and not a second longer.
    Instant t = login;
    while (t + std::chrono::minutes{29} < login + policy.absolute) {
        t += std::chrono::minutes{29};
        REQUIRE(find_session(store, id, policy, t));
    }
    CHECK_FALSE(find_session(store, id, policy, login + policy.absolute));

    // Left alone for the idle time, it ends.
    const std::string idle = start_session(store, chief, policy, login);
    CHECK(find_session(store, idle, policy, login + std::chrono::minutes{29}));
    CHECK_FALSE(find_session(store, idle, policy, login + std::chrono::minutes{59}));

    // A third login of the same person ends the oldest of two.
    const std::string first = start_session(store, chief, policy, login);
    const std::string second = start_session(store, chief, policy, login + std::chrono::minutes{1});
    const std::string third = start_session(store, chief, policy, login + std::chrono::minutes{2});
    const Instant later = login + std::chrono::minutes{3};
    CHECK_FALSE(find_session(store, first, policy, later));
    CHECK(find_session(store, second, policy, later));
    CHECK(find_session(store, third, policy, later));

    CHECK(session_cookie(id, policy, false) ==
          "tilsyn_session=" + id + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=28800");
    CHECK_THAT(session_cookie(id, policy, true), Catch::EndsWith("; Secure"));
    CHECK_THAT(cleared_session_cookie(true), Catch::Contains("Max-Age=0"));
}

TEST_CASE("dashboard text is HTML-escaped", "[http][dashboard]") {
    CHECK(ui::escape(R"(<script>alert("x")</script> & 'y')") ==
          "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;");
    StoredUser user;
    user.email = "a@b.dk\"><script>";
    user.role = "admin";
    ui::Page page{"Kommune <b>", &user, "c0ffee", nullptr, {}, "Forvaltning <i>", {}, {}};
    CycleSummary row;
    row.row.cycle.id = "qr/x/2026-08-03";
    row.row.cycle.workflow = "quality_report";
    row.row.cycle.state = "ReportInPreparation";
    row.row.institution_name = "<script>alert(1)</script> Børnehus";
    row.row.area_id = "syd";
    row.overdue = true;
    Config config;
    config.areas.push_back({"syd", "Område <Syd>", {}, {}});
    const std::string html =
        ui::overview_page(page, config, {&row}, {}, {"ReportInPreparation"}, {});
    CHECK(html.find("<script>") == std::string::npos);
    CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt; Børnehus") != std::string::npos);
    CHECK(html.find("Område &lt;Syd&gt;") != std::string::npos);
    CHECK(html.find("Kommune &lt;b&gt;") != std::string::npos);
    CHECK(html.find(R"(class="overdue")") != std::string::npos);
    CHECK(html.find(R"(value="c0ffee")") != std::string::npos);      // the logout form's CSRF token
    CHECK(html.find("Forvaltning &lt;i&gt;") != std::string::npos);  // the role's title
}

TEST_CASE("a refused form shows its reason inside it, marks the field and keeps what was sent",
          "[http][dashboard]") {
    StoredUser user;
    user.email = "chief.syd@example.dk";
    user.role = "area_chief";
    const ui::Page page{"Kommune", &user, "c0ffee", nullptr, {}, "Børn og Unge-chef", {}, {}};
    CycleDetail detail;
    detail.summary.row.cycle.id = "qr/x/2026-08-03";
    detail.summary.row.cycle.workflow = "quality_report";
    detail.summary.row.cycle.state = "AwaitingConversation";
    const std::vector<std::string> events = {"conversation_scheduled", "conversation_held"};
    ui::Notice notice{"Vælg effektmål for udviklingspunkt 1 <blandt>.",
                      "development_points[0].goal",
                      true,
                      "conversation_held",
                      {{"dp_title_0", "Læsning \"højt\""}, {"dp_goal_0", "communities"}}};
    const std::string html = ui::cycle_page(page, Config{}, detail, events, notice);
    const auto held = html.find(R"(data-event="conversation_held")");
    const auto scheduled = html.find(R"(data-event="conversation_scheduled")");
    const auto message =
        html.find(R"(<p class="error" role="alert" data-field="development_points[0].goal">)"
                  "Vælg effektmål for udviklingspunkt 1 &lt;blandt&gt;.</p>");
    REQUIRE(held != std::string::npos);
    REQUIRE(message != std::string::npos);
    CHECK(message > held);                         // in the refused form
    CHECK(html.find("Vælg effektmål") > message);  // only there
    CHECK(html.find("Vælg effektmål", html.find("Vælg effektmål") + 1) == std::string::npos);
    CHECK(scheduled < held);
    CHECK(html.find(R"(<input name="dp_title_0" value="Læsning &quot;højt&quot;" )") !=
          std::string::npos);
    CHECK(html.find(R"(<select name="dp_goal_0" aria-invalid="true" aria-label="Effektmål 1">)") !=
          std::string::npos);
    CHECK(html.find(R"(<option value="communities" selected>)") != std::string::npos);
    CHECK(html.find(R"(<select name="dp_goal_1" aria-label="Effektmål 2">)") !=
          std::string::npos);  // not at fault

    // A refusal of an event not offered (another role's), and a confirmation: above the forms.
    notice.event = "report_submitted";
    std::string other = ui::cycle_page(page, Config{}, detail, events, notice);
    CHECK(other.find(R"(<p class="error" role="alert")") < other.find("data-event="));
    CHECK(other.find(R"(value="Læsning)") == std::string::npos);
}

TEST_CASE("an observer finds its task on the overview and a page with what it needs",
          "[http][dashboard][observer]") {
    StoredUser user;
    user.email = "leder.trige@example.dk";
    user.role = "leader";
    user.institution_id = "trige";
    const ui::Page page{"Kommune", &user, "c0ffee", nullptr, {}, "Leder", {}, {}};
    Config config;
    config.areas.push_back({"nord", "Område Nord", {}, {}});
    config.institutions.push_back(
        {"skov", "Børnehaven Skovbrynet", InstitutionKind::daycare, "nord", {}, {}, {}, {}});
    config.institutions.push_back(
        {"trige", "Børnehaven Trige Bakke", InstitutionKind::daycare, "nord", {}, {}, {}, {}});
    CycleSummary own;
    own.row.cycle.id = "ld/trige/2026-09-07";
    own.row.cycle.workflow = "learning_dialogue";
    own.row.cycle.state = "AwaitingObservation";
    own.row.institution_name = "Børnehaven Trige Bakke";
    own.row.area_id = "nord";
    CycleSummary task = own;
    task.row.cycle.id = "ld/skov/2026-09-07";
    task.row.institution_name = "Børnehaven Skovbrynet";
    task.row.next_due = parse_date("2026-10-30");
    task.current_step = "observation";
    task.observing = true;
    const std::string overview = ui::overview_page(page, config, {&own, &task}, {}, {}, {});
    const auto section = overview.find(R"(<section class="observing"><h2>Din observation</h2>)");
    REQUIRE(section != std::string::npos);
    CHECK(overview.find(R"(<a href="/cycles/ld/skov/2026-09-07">Læringsmiljøobservation hos )"
                        "Børnehaven Skovbrynet</a>") > section);
    CHECK(overview.find("Frist 30.10.2026") != std::string::npos);
    CHECK(overview.find("<strong>1</strong> forløb") != std::string::npos);  // its own only
    CHECK(overview.find(R"(<td class="name"><a href="/cycles/ld/skov)") == std::string::npos);

    CycleDetail detail;
    detail.summary = task;
    detail.round = 1;
    detail.development_points = R"([{"title":"Sprog i hverdagen","goal":"learning"}])";
    detail.supervision_points = R"([{"title":"Hemmeligt","reason":"law","goal":"wellbeing"}])";
    DeadlineView due;
    due.deadline.kind = "due";
    due.deadline.step = "observation";
    due.deadline.round = 1;
    due.deadline.due_on = *parse_date("2026-10-30");
    due.status = "coming";
    detail.deadlines = {due};
    EventRecord opened;
    opened.event = "cycle_opened";
    opened.actor = std::string(kSystemActor);
    opened.payload = R"({"start":"2026-09-07"})";
    detail.history = {opened};
    const std::string html =
        ui::cycle_page(page, config, detail, {"observation_feedback_submitted"}, ui::Notice{});
    CHECK(html.find("<h1>Læringsmiljøobservation hos Børnehaven Skovbrynet</h1>") !=
          std::string::npos);
    CHECK(html.find("<dt>Runde</dt><dd>1</dd>") != std::string::npos);
    CHECK(html.find("30.10.2026") != std::string::npos);
    CHECK(html.find(R"(<li>Sprog i hverdagen <span class="muted">(Læring og udvikling)</span>)") !=
          std::string::npos);
    CHECK(html.find("Hemmeligt") == std::string::npos);  // not the tilbud's supervision points
    CHECK(html.find(R"(id="history")") == std::string::npos);  // nor its history
    CHECK(html.find(R"(<input type="hidden" name="observer_institution" value="trige">)") !=
          std::string::npos);
    CHECK(html.find(R"(<textarea name="feedback")") != std::string::npos);

    // The tilbud's own page names the engine's events as the system's, not by an id.
    detail.summary.observing = false;
    const std::string own_page = ui::cycle_page(page, config, detail, {}, ui::Notice{});
    CHECK(own_page.find("<td>Tilsyn (automatisk)</td>") != std::string::npos);
    CHECK(own_page.find(">system<") == std::string::npos);
}

TEST_CASE("the area chief chooses the observer by name; the history names it too",
          "[http][dashboard][observer]") {
    StoredUser user;
    user.email = "chief.nord@example.dk";
    user.role = "area_chief";
    const ui::Page page{"Kommune", &user, "c0ffee", nullptr, {}, "Områdechef", {}, {}};
    Config config;
    config.institutions.push_back(
        {"trige", "Børnehaven Trige Bakke", InstitutionKind::daycare, "nord", {}, {}, {}, {}});
    CycleDetail detail;
    detail.summary.row.cycle.id = "ld/skov/2026-09-07";
    detail.summary.row.cycle.workflow = "learning_dialogue";
    detail.summary.row.cycle.state = "AwaitingObservation";
    detail.observer = {"trige", "Børnehaven Trige Bakke"};
    detail.observer_choices = {{"engen", "Engen"}, {"trige", "Børnehaven Trige Bakke"}};
    EventRecord assigned;
    assigned.event = "observer_assigned";
    assigned.actor = user.email;
    assigned.payload = R"({"observer_institution":"trige"})";
    detail.history = {assigned};
    const std::string html =
        ui::cycle_page(page, config, detail, {"observer_assigned"}, ui::Notice{});
    CHECK(html.find(R"(<select name="observer_institution" required>)") != std::string::npos);
    CHECK(html.find(R"(<option value="trige" selected>Børnehaven Trige Bakke</option>)") !=
          std::string::npos);
    CHECK(html.find(R"(<option value="engen">Engen</option>)") != std::string::npos);
    CHECK(html.find("<dt>Observerende tilbud</dt><dd>Børnehaven Trige Bakke</dd>") !=
          std::string::npos);
    CHECK(html.find("Observerende tilbud:</span> Børnehaven Trige Bakke") != std::string::npos);
    CHECK(html.find(">trige<") == std::string::npos);
    CHECK(ui::form_payload("observer_assigned", {{"observer_institution", "engen"}}) ==
          R"({"observer_institution":"engen"})");
}

TEST_CASE("dashboard forms become event payloads", "[http][dashboard]") {
    CHECK(ui::form_payload("conversation_held", {{"dp_title_0", "Læsning"},
                                                 {"dp_goal_0", "learning"},
                                                 {"dp_title_1", "  "},
                                                 {"dp_goal_1", "wellbeing"},
                                                 {"sp_title_2", "Normering"},
                                                 {"sp_reason_2", "law"},
                                                 {"sp_goal_2", "wellbeing"},
                                                 {"csrf", "x"}}) ==
          R"({"development_points":[{"title":"Læsning","goal":"learning"}],)"
          R"("supervision_points":[{"title":"Normering","goal":"wellbeing","reason":"law"}]})");
    // No development point: the (required) list is sent empty, so validation names it.
    CHECK(ui::form_payload("conversation_held", {}) == R"({"development_points":[]})");
    // A point's theme, when chosen; earlier points assessed (one left for another time); a
    // plan's actions per point, in the order the form sent them (empty ones left out).
    CHECK(ui::form_payload("learning_conversation_held", {{"fa_title_0", "Sprog"},
                                                          {"fa_goal_0", "learning"},
                                                          {"fa_theme_0", "sprog"},
                                                          {"as_point_0", "12:focus:1"},
                                                          {"as_result_0", "partly"},
                                                          {"as_note_0", "Halvvejs"},
                                                          {"as_point_1", "12:focus:2"},
                                                          {"as_result_1", ""}}) ==
          R"({"assessments":[{"point":"12:focus:1","result":"partly","note":"Halvvejs"}],)"
          R"("focus_areas":[{"title":"Sprog","goal":"learning","theme":"sprog"}]})");
    CHECK(ui::form_payload("plan_submitted", {{"ac_development_1", "Læsebånd"},
                                              {"ac_supervision_1", "Fraværsplan"},
                                              {"ac_development_2", " "},
                                              {"involvement", "MED"}}) ==
          R"({"actions":[{"point":"development:1","action":"Læsebånd"},)"
          R"({"point":"supervision:1","action":"Fraværsplan"}],"involvement":"MED"})");
    CHECK(ui::form_payload("board_statement_submitted",
                           {{"assessment", "Godt"}, {"interpretation", ""}}) ==
          R"({"assessment":"Godt"})");
    // The conversation's time and place are sent only when filled in (the time defaults).
    CHECK(ui::form_payload("conversation_scheduled",
                           {{"date", "2026-11-20"}, {"time", "13:30"}, {"place", "Rådhuset"}}) ==
          R"({"date":"2026-11-20","time":"13:30","place":"Rådhuset"})");
    CHECK(ui::form_payload("conversation_scheduled",
                           {{"date", "2026-11-20"}, {"time", ""}, {"place", " "}}) ==
          R"({"date":"2026-11-20"})");
    CHECK(ui::form_payload("plan_approved", {{"comment", "ignored"}}) == "{}");
    CHECK(ui::form_payload("unknown_event", {{"a", "b"}}) == "{}");
}

TEST_CASE("metrics are Prometheus text with a cumulative histogram", "[http][metrics]") {
    Metrics metrics;
    metrics.events_applied += 3;
    metrics.reminders_sent += 2;
    metrics.observe_request(std::chrono::microseconds{300});  // <= 0.0005
    metrics.observe_request(std::chrono::milliseconds{3});    // <= 0.005
    metrics.observe_request(std::chrono::seconds{10});        // only +Inf
    const std::string text = metrics.render(7, 1);
    CHECK(
        text.find("# TYPE tilsyn_events_applied_total counter\ntilsyn_events_applied_total 3\n") !=
        std::string::npos);
    CHECK(text.find("tilsyn_reminders_sent_total 2\n") != std::string::npos);
    CHECK(text.find("tilsyn_outbox_pending 7\n") != std::string::npos);
    CHECK(text.find("tilsyn_outbox_failed 1\n") != std::string::npos);
    CHECK(text.find("tilsyn_http_request_duration_seconds_bucket{le=\"0.0005\"} 1\n") !=
          std::string::npos);
    CHECK(text.find("tilsyn_http_request_duration_seconds_bucket{le=\"0.005\"} 2\n") !=
          std::string::npos);
    CHECK(text.find("tilsyn_http_request_duration_seconds_bucket{le=\"2.5\"} 2\n") !=
          std::string::npos);
    CHECK(text.find("tilsyn_http_request_duration_seconds_bucket{le=\"+Inf\"} 3\n") !=
          std::string::npos);
    CHECK(text.find("tilsyn_http_request_duration_seconds_count 3\n") != std::string::npos);
}

namespace {

std::vector<const CycleSummary*> pointers(const std::vector<CycleSummary>& rows) {
    std::vector<const CycleSummary*> out;
    for (const auto& row : rows) out.push_back(&row);
    return out;
}

/// The quality report, the board's statement and the conversation of w.cycle (opened on
/// 2026-08-03), with a development point "Læsning" and a supervision point "Trivsel", which
/// opens a case.
void hold_conversation_with_a_supervision_point(testing::WorkflowWorld& w) {
    REQUIRE(w.send(w.cycle, "report_submitted", w.leader, "{}", "2026-10-01").status ==
            ApplyStatus::ok);
    REQUIRE(w.send(w.cycle, "board_statement_submitted", w.board, R"({"assessment":"ok"})",
                   "2026-10-02")
                .status == ApplyStatus::ok);
    REQUIRE(
        w.send(
             w.cycle, "conversation_held", w.chief,
             R"({"board_representative":"Maja Formand",)"
             R"("development_points":[{"title":"Læsning","goal":"learning"}],)"
             R"("supervision_points":[{"title":"Trivsel","reason":"concern","goal":"wellbeing"}]})",
             "2026-10-05")
            .status == ApplyStatus::ok);
}

}  // namespace

TEST_CASE("the case view lists what an actor may see, sharpened and overdue first",
          "[case][view]") {
    testing::WorkflowWorld w;
    REQUIRE(w.scheduler->tick(at("2026-08-03")).cycles_opened == 1);
    const Date before_due = *parse_date("2026-10-01");
    const Date after_due = *parse_date("2026-10-13");  // the report was due 2026-10-12

    auto listed = list_cycles(*w.store, *w.cases, {}, &w.chief, before_due);
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].row.cycle.id == w.cycle);
    CHECK(listed[0].current_step == "quality_report");
    CHECK(listed[0].kind == "school");
    CHECK_FALSE(listed[0].overdue);
    CHECK(list_cycles(*w.store, *w.cases, {}, &w.chief, after_due)[0].overdue);
    CHECK(list_cycles(*w.store, *w.cases, {}, &w.other_chief, after_due).empty());
    CHECK(list_cycles(*w.store, *w.cases, {}, &w.leader, after_due).size() == 1);
    CycleFilter overdue_only;
    overdue_only.overdue_only = true;
    CHECK(list_cycles(*w.store, *w.cases, overdue_only, nullptr, before_due).empty());
    CHECK(cycle_detail(*w.store, *w.cases, w.cycle, &w.other_chief, before_due) == std::nullopt);

    // Through the conversation, with a supervision point: a case opens and comes first.
    hold_conversation_with_a_supervision_point(w);
    listed = list_cycles(*w.store, *w.cases, {}, &w.chief, before_due);
    REQUIRE(listed.size() == 2);
    CHECK(listed[0].row.cycle.workflow == "supervision");
    CHECK(listed[0].sharpened);
    CHECK(listed[1].sharpened);  // the same institution's cycle

    auto detail = cycle_detail(*w.store, *w.cases, w.cycle, &w.chief, *parse_date("2026-10-05"));
    REQUIRE(detail);
    CHECK(detail->cases.size() == 1);
    CHECK(detail->supervision_points.find("Trivsel") != std::string::npos);
    CHECK(detail->development_points.find("Læsning") != std::string::npos);
    const auto record = *w.store->find_cycle(w.cycle);
    CHECK(w.cases->events_for(record, detail->allowed_events, w.leader) ==
          std::vector<std::string>{"plan_submitted"});
    CHECK(detail->actor_events.empty());  // the chief waits while the leader writes the plan
    CHECK(w.cases->events_for(record, detail->allowed_events, w.admin) ==
          std::vector<std::string>{"cycle_cancelled"});
    std::map<std::string, std::string> status;
    for (const auto& view : detail->deadlines) {
        if (view.deadline.kind == "due") status[view.deadline.step] = view.status;
    }
    CHECK(status["quality_report"] == "met");
    CHECK(status["board_statement"] == "met");
    CHECK(status["development_plan"] == "coming");
}

TEST_CASE("whose turn it is: who acts on the current step, what awaits whom, and the landing page",
          "[case][view][dashboard]") {
    testing::WorkflowWorld w;
    REQUIRE(w.scheduler->tick(at("2026-08-03")).cycles_opened == 1);
    Date today = *parse_date("2026-10-13");  // the quality report was due 2026-10-12
    auto as = [&](const Actor& actor) {
        auto rows = list_cycles(*w.store, *w.cases, {}, &actor, today);
        REQUIRE(rows.size() == 1);
        return rows;
    };
    auto page_for = [&](StoredUser& user, const Actor& actor) {
        user.email = actor.email;
        user.role = std::string(role_name(actor.role));
        const ui::Page page{"Kommune", &user, "c0ffee", nullptr, {}, "Rolle", {}, {}};
        const auto rows = as(actor);
        return ui::waiting_page(page, w.config, pointers(rows), today);
    };

    // The quality report: the leader's, late by a day.
    const auto leader_rows = as(w.leader);
    REQUIRE(leader_rows[0].responsible.size() == 1);
    CHECK(leader_rows[0].responsible[0].name == "Lene Leder");
    CHECK(leader_rows[0].awaits_actor);
    for (const Actor* other : {&w.board, &w.chief, &w.director, &w.admin}) {
        CHECK_FALSE(as(*other)[0].awaits_actor);
    }
    StoredUser user;
    const std::string leader_page = page_for(user, w.leader);
    CHECK(leader_page.find("<strong>1</strong> trin afventer dig, heraf <strong class=\"red\">1"
                           "</strong> overskredet") != std::string::npos);
    CHECK(
        leader_page.find(R"(href="/cycles/quality-report-6-18/frydenlund/2026-08-03#handling")") !=
        std::string::npos);
    CHECK(leader_page.find("12.10.2026 (1 dag over fristen)") != std::string::npos);
    CHECK(leader_page.find("Overskredne frister hos andre") == std::string::npos);  // chiefs only
    // The area chief waits for nobody's step of its own, and sees the leader's as late, by name.
    const std::string chief_page = page_for(user, w.chief);
    CHECK(chief_page.find("Intet afventer dig lige nu.") != std::string::npos);
    const auto late = chief_page.find("Overskredne frister hos andre");
    REQUIRE(late != std::string::npos);
    CHECK(chief_page.find("<td>1</td><td class=\"red\">1</td><td>0</td>", late) !=
          std::string::npos);  // one tilbud, late, not under sharpened attention
    const auto step = chief_page.find("<h4>Kvalitetsrapport", late);
    REQUIRE(step != std::string::npos);
    CHECK(chief_page.find("Lene Leder", step) != std::string::npos);
    // The overview names who is responsible.
    const ui::Page chief_view{"Kommune", &user, "c0ffee", nullptr, {}, "Rolle", {}, {}};
    const auto chief_rows = as(w.chief);
    CHECK(ui::overview_page(chief_view, w.config, pointers(chief_rows), {}, {}, {})
              .find(R"(<td data-label="Ansvarlig">Lene Leder</td>)") != std::string::npos);

    // The conversation: the area chief's to record (the leader takes part), not the board's.
    REQUIRE(w.send(w.cycle, "report_submitted", w.leader, "{}", "2026-10-13").status ==
            ApplyStatus::ok);
    REQUIRE(w.send(w.cycle, "board_statement_submitted", w.board, R"({"assessment":"ok"})",
                   "2026-10-14")
                .status == ApplyStatus::ok);
    today = *parse_date("2026-10-15");
    CHECK(as(w.chief)[0].current_step == "quality_conversation");
    CHECK(as(w.chief)[0].awaits_actor);
    CHECK_FALSE(as(w.leader)[0].awaits_actor);  // takes part, but the chief records it
    CHECK_FALSE(as(w.board)[0].awaits_actor);
    CHECK_FALSE(as(w.director)[0].awaits_actor);
    CHECK(page_for(user, w.chief).find("<strong>1</strong> trin afventer dig.") !=
          std::string::npos);
}

TEST_CASE("Alle forløb: a search by name in any case, a step, an order and pages of 50",
          "[case][view][dashboard]") {
    CHECK(search_folded("ÆBLEHAVEN Øst Århus É") == "æblehaven øst århus é");
    CHECK(search_folded("A×B") == "a×b");  // × is no capital
    StoredUser user;
    user.email = "direktoer@example.dk";
    user.role = "director";
    const ui::Page page{"Kommune", &user, "c0ffee", nullptr, {}, "Direktør", {}, {}};
    Config config;
    config.areas.push_back({"syd", "Område Syd", {}, {}});
    std::vector<CycleSummary> rows(120);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        auto& r = rows[i];
        r.row.cycle.id = fmt::format("qr/t{:03}/2026-08-03", i);
        r.row.cycle.workflow = "quality_report";
        r.row.cycle.state = "ReportInPreparation";
        r.row.institution_name = fmt::format("{} {:03}", i % 2 ? "Skolen" : "Børnehuset Åen", i);
        r.row.area_id = "syd";
        r.current_step = i < 100 ? "quality_report" : "board_statement";
        r.row.next_due = *parse_date("2026-10-12") + std::chrono::days{static_cast<int>(i % 7)};
        r.overdue = i % 3 == 0;
    }
    CycleFilter filter;
    filter.name = "ÅEN";
    filter.step = "quality_report";
    std::vector<const CycleSummary*> matching;
    for (const auto& r : rows) {
        if (matches(r, filter)) matching.push_back(&r);
    }
    CHECK(matching.size() == 50);  // the even ones under 100
    CHECK_FALSE(matches(rows[1], filter));
    CHECK_FALSE(matches(rows[100], filter));

    ui::OverviewFilter shown;
    shown.q = "Åen";
    shown.sort = "navn";
    shown.page = 2;
    const std::string all = ui::overview_page(page, config, pointers(rows), shown, {}, {});
    CHECK(all.find("Forløb 51–100 af 120 · side 2 af 3") != std::string::npos);
    CHECK(all.find(R"(<a href="/forloeb?q=%C3%85en&amp;sort=navn" rel="prev">)") !=
          std::string::npos);
    CHECK(all.find(R"(<a href="/forloeb?q=%C3%85en&amp;sort=navn&amp;side=3" rel="next">)") !=
          std::string::npos);
    // By name: page 2 begins after the 50 "Børnehuset Åen …" (all even numbers below 100).
    CHECK(all.find("Børnehuset Åen 098") == std::string::npos);
    CHECK(all.find("Børnehuset Åen 100") != std::string::npos);
    CHECK(all.find("Skolen 001") != std::string::npos);
    CHECK(all.find("Skolen 099") == std::string::npos);  // page 3
    shown.page = 99;                                     // past the end: the last page
    CHECK(ui::overview_page(page, config, pointers(rows), shown, {}, {}).find("side 3 af 3") !=
          std::string::npos);
    // Most days over the deadline first: the overdue ones, earliest deadline first.
    shown = {};
    shown.sort = "overskredet";
    const std::string late = ui::overview_page(page, config, pointers(rows), shown, {}, {});
    REQUIRE(late.find("Skolen 003") != std::string::npos);
    CHECK(late.find("Børnehuset Åen 042") < late.find("Skolen 003"));  // 12.10 before 15.10
}

TEST_CASE("the institution page: everything about a tilbud, its timeline drawn as SVG",
          "[case][view][dashboard]") {
    testing::WorkflowWorld w;
    REQUIRE(w.scheduler->tick(at("2026-08-03")).cycles_opened == 1);
    hold_conversation_with_a_supervision_point(w);
    // The plan, sent back: a new deadline for it on a line of its own.
    REQUIRE(w.send(w.cycle, "plan_submitted", w.leader,
                   R"({"actions":[{"point":"development:1","action":"Læsebånd"},)"
                   R"({"point":"supervision:1","action":"Trivselsplan"}],)"
                   R"("involvement":"Drøftet med personale og bestyrelse"})",
                   "2026-10-20")
                .status == ApplyStatus::ok);
    REQUIRE(
        w.send(w.cycle, "plan_returned", w.chief, R"({"comment":"Mere om læsning"})", "2026-10-22")
            .status == ApplyStatus::ok);
    const Date today = *parse_date("2026-10-23");

    CHECK(institution_view(*w.store, *w.cases, "frydenlund", &w.other_chief, today) ==
          std::nullopt);
    CHECK(institution_view(*w.store, *w.cases, "ingen", nullptr, today) == std::nullopt);
    const auto view = institution_view(*w.store, *w.cases, "frydenlund", &w.leader, today);
    REQUIRE(view);
    REQUIRE(view->cycles.size() == 2);  // the cycle, then the case it opened
    CHECK(view->cycles[0].summary.row.cycle.id == w.cycle);
    CHECK(view->cycles[1].summary.row.cycle.parent_id == w.cycle);

    const std::string svg = ui::timeline_svg(*view, today, &w.zone);
    CHECK(svg.rfind(R"(<svg xmlns="http://www.w3.org/2000/svg" class="timeline-chart")", 0) == 0);
    CHECK(svg.find("<script") == std::string::npos);
    CHECK(svg.find("Tidslinje for Frydenlund Skole") != std::string::npos);
    // The plan written on time, its new deadline coming; the conversation done on time.
    CHECK(svg.find(R"(<g class="line" data-status="met"><title>Lokal udviklingsplan – frist )") !=
          std::string::npos);
    CHECK(svg.find(R"(<g class="line" data-status="coming"><title>Lokal udviklingsplan – ny frist )"
                   "– frist") != std::string::npos);
    CHECK(svg.find("Kvalitetssamtale – frist") != std::string::npos);
    CHECK(svg.find("Udført 05.10.2026") != std::string::npos);  // the conversation, held that day
    CHECK(svg.find(">I dag</text>") != std::string::npos);
    CHECK(svg.find("Tilsynssag · startet 05.10.2026") != std::string::npos);

    StoredUser user;
    user.email = w.leader.email;
    user.role = "leader";
    const ui::Page page{"Kommune", &user, "c0ffee", nullptr, {}, "Leder", {}, {}};
    const std::string html = ui::institution_page(page, w.config, *view, today);
    CHECK(html.find("<h1>Frydenlund Skole</h1>") != std::string::npos);
    CHECK(html.find(svg) != std::string::npos);
    CHECK(html.find(R"(<a href="/cycles/quality-report-6-18/frydenlund/2026-08-03">)") !=
          std::string::npos);
    CHECK(html.find("Udviklingsplan sendt retur") != std::string::npos);  // the history
    CHECK(html.find(R"(<td data-label="Ansvarlig">Lene Leder</td>)") != std::string::npos);
}

TEST_CASE("the forms whose documents become public say so, and offer the configured types",
          "[http][dashboard][documents]") {
    testing::WorkflowWorld w;
    w.config.documents.types = {"pdf", "docx"};
    w.rebuild();
    REQUIRE(w.scheduler->tick(at("2026-08-03")).cycles_opened == 1);
    hold_conversation_with_a_supervision_point(w);
    StoredUser user;
    user.email = w.leader.email;
    user.role = "leader";
    const ui::Page page{"Kommune", &user, "c0ffee", nullptr, {}, "Leder", {}, {}};
    const std::string note = "Dokumenterne offentliggøres på kommunens hjemmeside efter";
    auto form_of = [](const std::string& html, std::string_view event) {
        const auto at = html.find(fmt::format(R"(data-event="{}")", event));
        REQUIRE(at != std::string::npos);
        return html.substr(at, html.find("</form>", at) - at);
    };

    // The plan: approving it publishes its files, and its form says so before anything is sent.
    const Date day = *parse_date("2026-10-06");
    auto detail = cycle_detail(*w.store, *w.cases, w.cycle, &w.leader, day);
    REQUIRE(detail);
    std::string form =
        form_of(ui::cycle_page(page, w.config, *detail, {"plan_submitted"}, {}), "plan_submitted");
    CHECK_THAT(form, Contains(note + " »Udviklingsplan godkendt«."));
    CHECK_THAT(form, Contains(R"(accept=".pdf,application/pdf,.docx,)"));
    CHECK_THAT(form, Contains("(PDF eller Word-dokument; du kan vælge flere)"));
    CHECK_THAT(form, !Contains("image/png"));  // not configured, not offered

    // The case's action plan: public only when the configuration publishes resolved cases.
    const std::string case_id = w.cycle + "/tilsyn-1";
    auto case_form = [&] {
        auto d = cycle_detail(*w.store, *w.cases, case_id, &w.leader, day);
        REQUIRE(d);
        return form_of(ui::cycle_page(page, w.config, *d, {"action_plan_submitted"}, {}),
                       "action_plan_submitted");
    };
    CHECK_THAT(case_form(), Contains("Dokumenter") && !Contains(note));
    w.config.publication.supervision_cases = true;
    w.rebuild();
    CHECK_THAT(case_form(), Contains(note + " »Tilsynssag afsluttet«."));
}

TEST_CASE("the history shows people by name, submitted links as links and text with its lines",
          "[http][dashboard]") {
    Config config;
    Institution school;
    school.id = "x";
    school.name = "X-skolen";
    school.leader = {"Lise Leder", "leder@x.dk"};
    config.institutions.push_back(school);
    StoredUser user;
    user.email = "chief.syd@example.dk";
    user.role = "area_chief";
    const ui::Page page{"Kommune", &user, "c0ffee", nullptr, {}, "Børn og Unge-chef", {}, {}};
    CycleDetail detail;
    detail.summary.row.cycle.id = "qr/x/2026-08-03";
    detail.summary.row.cycle.workflow = "quality_report";
    detail.summary.row.cycle.state = "AwaitingBoardStatement";
    EventRecord report;
    report.event = "report_submitted";
    report.actor = "leder@x.dk";
    report.payload =
        R"({"url":"https://example.dk/rapport.pdf","text":"Første linje\nAnden linje"})";
    EventRecord odd = report;
    odd.actor = "admin@tilsyn.local";  // nobody the configuration names
    odd.payload = R"j({"url":"javascript:alert(1)"})j";
    detail.history = {report, odd};
    const std::string html = ui::cycle_page(page, config, detail, {}, ui::Notice{});
    const auto history = html.substr(html.find(R"(id="history")"));
    CHECK_THAT(history, Contains(R"(<a href="https://example.dk/rapport.pdf" )"
                                 R"(rel="noopener noreferrer" target="_blank">)"));
    CHECK_THAT(history, !Contains(R"(href="javascript)"));  // shown, never a link
    CHECK_THAT(history, Contains("javascript:alert(1)"));
    CHECK_THAT(history, Contains("<td>Lise Leder</td>"));
    CHECK_THAT(history, !Contains("<td>leder@x.dk</td>"));
    CHECK_THAT(history, Contains("<td>admin@tilsyn.local</td>"));
    // The line break is in the text, and the field keeps it (white-space: pre-line).
    CHECK_THAT(history, Contains(R"(<div class="field"><span class="muted">)"));
    CHECK_THAT(history, Contains("Første linje\nAnden linje"));
    CHECK_THAT(std::string(ui::kStylesheet),
               Contains("table.history .field { white-space: pre-line; }"));
}
