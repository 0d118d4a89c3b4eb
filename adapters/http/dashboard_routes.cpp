// The dashboard's routes: login and logout with a session cookie, the overview, a cycle's page
// and its event forms, the political report, the calendar feeds page and the stylesheet. The
// pages themselves are rendered by dashboard.cpp.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>

#include "adapters/http/dashboard.hpp"
#include "adapters/http/dashboard_maintenance.hpp"
#include "adapters/http/responses.hpp"
#include "adapters/http/upload.hpp"
#include "adapters/http/web_context.hpp"
#include "engine/calendar_feed.hpp"
#include "engine/case_view.hpp"
#include "engine/political_report.hpp"
#include "engine/sha256.hpp"
#include "engine/theme.hpp"
#include "workflows/description.hpp"

namespace tilsyn::http {

namespace {

std::optional<std::string> cookie(const Request& request, std::string_view name) {
    const std::string header = request.header("cookie");
    std::string_view rest = header;
    while (!rest.empty()) {
        const auto semi = rest.find(';');
        std::string_view part = rest.substr(0, semi);
        rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        const auto eq = part.find('=');
        if (eq != std::string_view::npos && part.substr(0, eq) == name) {
            return std::string(part.substr(eq + 1));
        }
    }
    return std::nullopt;
}

/// The login page, with the municipal account's button when a provider is configured.
std::string login_page(const WebContext& context, std::string_view message) {
    return ui::login_page(context.config().organisation.name, message, context.oidc != nullptr);
}

/// The cookie that binds a sign-in with the provider to the browser that started it. Lax: the
/// provider's redirect back is a navigation from another site.
constexpr std::string_view kOidcCookie = "tilsyn_oidc";

std::optional<Session> session_of(WebContext& context, const Request& request) {
    auto id = cookie(request, kSessionCookie);
    if (!id) return std::nullopt;
    return find_session(*context.store, *id, context.config().auth.sessions, context.now());
}

ui::Page page_of(const WebContext& context, const Session& session) {
    const Config& config = context.config();
    const Area* area = config.find_area(session.user.area_id);
    ui::Page page{config.organisation.name,
                  &session.user,
                  session.csrf,
                  &context.zone(),
                  area ? area->name : std::string{},
                  std::string(config.roles.of(session.user.role)),
                  {},
                  ui::actor_label(config, session.user.email)};
    const auto role = parse_role(session.user.role);
    const auto forms = role ? context.many_forms(*role) : std::vector<ui::ManyForm>{};
    if (!forms.empty()) {
        const auto* event = workflows::find_event(forms.front().event);
        page.many_title = std::string(workflows::step_title(event ? event->acts_on : ""));
    }
    return page;
}

/// POST forms must come from our own pages: the CSRF token of the session, and an Origin
/// (when the browser sends one) naming this host, as the client reached it, or the configured
/// dashboard_url.
bool same_origin(const WebContext& context, const Request& request) {
    const std::string origin = request.header("origin");
    if (origin.empty()) return true;
    std::string_view configured = context.config().organisation.dashboard_url;
    while (!configured.empty() && configured.back() == '/') configured.remove_suffix(1);
    if (origin == configured) return true;
    const std::string host = request.header("host");
    if (context.settings.trust_proxy) return origin == context.scheme_of(request) + "://" + host;
    return origin == "http://" + host || origin == "https://" + host;
}

/// A request of a logged-in user; `form` holds the fields of a POST form.
struct Visit {
    const Request& request;
    const PathParams& params;
    const Session& session;
    ui::Page page;
    Fields form;
};

using VisitHandler = std::function<Response(const Visit&)>;

/// A page for logged-in users: without a session, GET goes to the login page and anything
/// else is refused there.
RouteHandler with_session(WebContext& context, VisitHandler handler) {
    return
        [&context, handler = std::move(handler)](const Request& request, const PathParams& params) {
            const auto session = session_of(context, request);
            if (!session) {
                if (request.method == "GET" || request.method == "HEAD") return redirect("/login");
                return html(401, login_page(context, "Din session er udløbet. Log ind igen."));
            }
            return handler(Visit{request, params, *session, page_of(context, *session), {}});
        };
}

/// A form of our pages: a session, and the session's CSRF token from this origin.
RouteHandler with_form(WebContext& context, VisitHandler handler) {
    return with_session(context, [&context, handler = std::move(handler)](const Visit& visit) {
        // An upload's fields arrive with its files (multipart/form-data, upload.hpp).
        Visit posted{visit.request, visit.params, visit.session, visit.page,
                     visit.request.multipart ? visit.request.form : parse_form(visit.request.body)};
        if (!same_origin(context, visit.request) ||
            !constant_time_equal(first_value(posted.form, "csrf"), visit.session.csrf)) {
            return html(403, ui::error_page(&visit.page, 403,
                                            "Formularen mangler et gyldigt sikkerhedstegn "
                                            "(CSRF). Genindlæs siden og prøv igen."));
        }
        return handler(posted);
    });
}

// ---- Routes --------------------------------------------------------------------------------

Response login(WebContext& context, const Request& request) {
    if (!same_origin(context, request)) {
        return html(403, login_page(context,
                                    "Log ind fra Tilsyns egen side. Formularen kom fra en "
                                    "anden hjemmeside og er afvist."));
    }
    auto form = parse_form(request.body);
    const auto signed_in = context.sign_in(request, first_value(form, "token"), "/login");
    if (signed_in.wait.count() > 0) {
        Response response = html(
            429, login_page(context, fmt::format("For mange forkerte forsøg. Vent {} sekunder, "
                                                 "og prøv igen.",
                                                 signed_in.wait.count())));
        response.headers.emplace_back("Retry-After", std::to_string(signed_in.wait.count()));
        return response;
    }
    const auto& user = signed_in.user;
    if (!user) {
        return html(401, login_page(context,
                                    "Adgangskoden er ikke gyldig. Tjek, at du har kopieret hele "
                                    "koden, eller bed en administrator om en ny."));
    }
    const SessionPolicy& policy = context.config().auth.sessions;
    const std::string id = start_session(*context.store, *user, policy, context.now());
    Response response = redirect("/");
    response.headers.emplace_back("Set-Cookie",
                                  session_cookie(id, policy, context.secure_cookies()));
    return response;
}

/// GET /login/oidc: to the provider, with a fresh state bound to this browser.
Response oidc_begin(WebContext& context) {
    if (!context.oidc) return html(404, ui::error_page(nullptr, 404, "Siden findes ikke."));
    OidcClient::Begun begun;
    try {
        begun = context.oidc->begin(context.now());
    } catch (const std::exception& e) {
        auto& log = context.settings.log ? *context.settings.log : *spdlog::default_logger();
        log.error("sign-in with the provider: {}", e.what());
        return html(503, ui::sign_in_refused_page(
                             context.config().organisation.name,
                             "Kommunens log ind svarer ikke lige nu. Prøv igen om lidt, eller "
                             "log ind med din personlige adgangskode."));
    }
    Response response = redirect(begun.url);
    response.headers.emplace_back(
        "Set-Cookie",
        fmt::format("{}={}; Path=/login/oidc; HttpOnly; SameSite=Lax; Max-Age={}{}", kOidcCookie,
                    begun.state,
                    std::chrono::duration_cast<std::chrono::seconds>(kOidcPendingLifetime).count(),
                    context.secure_cookies() ? "; Secure" : ""));
    return response;
}

/// Whom a person who is not in Tilsyn should ask: forvaltningen's mailbox, else the director.
std::string whom_to_ask(const Config& config) {
    const Person& who = config.organisation.administration.email.empty()
                            ? config.organisation.director
                            : config.organisation.administration;
    if (who.email.empty()) return "forvaltningen";
    return who.name.empty() ? who.email : fmt::format("{} ({})", who.name, who.email);
}

/// GET /login/oidc/callback: the provider's answer. A state that this browser did not start,
/// or one used before, is refused; a verified person of the directory gets a session.
Response oidc_callback(WebContext& context, const Request& request) {
    if (!context.oidc) return html(404, ui::error_page(nullptr, 404, "Siden findes ikke."));
    const std::string organisation = context.config().organisation.name;
    auto& log = context.settings.log ? *context.settings.log : *spdlog::default_logger();
    const std::string client = context.client_of(request);
    auto refuse = [&](int status, std::string_view why, std::string_view message) {
        context.metrics.sign_ins_failed++;
        context.attempts.failed(client, context.now());
        log.warn("sign-in refused from {} at /login/oidc/callback: {}", client, why);
        Response response = html(status, ui::sign_in_refused_page(organisation, message));
        response.headers.emplace_back(
            "Set-Cookie",
            fmt::format("{}=; Path=/login/oidc; HttpOnly; SameSite=Lax; Max-Age=0", kOidcCookie));
        return response;
    };
    if (const auto wait = context.attempts.wait(client, context.now()); wait.count() > 0) {
        context.metrics.sign_ins_slowed++;
        return html(429, ui::sign_in_refused_page(organisation,
                                                  fmt::format("For mange forkerte forsøg. Vent {} "
                                                              "sekunder, og prøv igen.",
                                                              wait.count())));
    }
    const std::string state = request.param("state");
    const auto bound = cookie(request, kOidcCookie);
    constexpr std::string_view again = "Log ind kunne ikke gennemføres. Start forfra fra log ind.";
    if (!request.param("error").empty()) {
        return refuse(
            401,
            fmt::format("the provider answered error '{}'", request.param("error").substr(0, 64)),
            again);
    }
    if (state.empty() || !bound || !constant_time_equal(*bound, state)) {
        return refuse(400, "the state is not the one this browser started", again);
    }
    const auto outcome = context.oidc->complete(state, request.param("code"), context.now());
    if (!outcome.who) return refuse(401, outcome.error, again);
    std::optional<StoredUser> user;
    for (const auto& candidate : context.store->find_users_by_email(*outcome.who)) {
        if (candidate.active() && parse_role(candidate.role)) {
            user = candidate;
            break;
        }
    }
    if (!user) {
        return refuse(403, fmt::format("{} is not an active person of the directory", *outcome.who),
                      fmt::format("Du er logget ind hos kommunen som {}, men du har ikke adgang "
                                  "til Tilsyn. Bed {} om adgang.",
                                  *outcome.who, whom_to_ask(context.config())));
    }
    context.attempts.succeeded(client);
    const SessionPolicy& policy = context.config().auth.sessions;
    const std::string id = start_session(*context.store, *user, policy, context.now());
    log.info("signed in with the provider: {} ({}) from {}", user->email, user->role, client);
    Response response = html(200, ui::signed_in_page(organisation));
    response.headers.emplace_back("Set-Cookie",
                                  session_cookie(id, policy, context.secure_cookies()));
    response.headers.emplace_back(
        "Set-Cookie",
        fmt::format("{}=; Path=/login/oidc; HttpOnly; SameSite=Lax; Max-Age=0", kOidcCookie));
    return response;
}

Response logout(WebContext& context, const Visit& visit) {
    context.store->remove_session(visit.session.id_hash);
    Response response = redirect("/login");
    response.headers.emplace_back("Set-Cookie", cleared_session_cookie(context.secure_cookies()));
    return response;
}

/// The rows of a person's visible cycles (WebContext::visible_cycles) that pass `filter`.
std::vector<const CycleSummary*> matching(const std::vector<CycleSummary>& all,
                                          const CycleFilter& filter) {
    std::vector<const CycleSummary*> rows;
    for (const auto& row : all) {
        if (matches(row, filter)) rows.push_back(&row);
    }
    return rows;
}

Response overview(WebContext& context, const Visit& visit) {
    const Request& request = visit.request;
    ui::OverviewFilter shown;
    shown.q = request.param("q");
    shown.area = request.param("area");
    shown.kind = request.param("kind");
    shown.state = request.param("state");
    shown.step = request.param("step");
    shown.sort = request.param("sort");
    shown.overdue = request.param("overdue") == "1";
    shown.all = request.param("all") == "1";
    const std::string side = request.param("side");
    shown.page =
        side.size() <= 6 && !side.empty() &&
                std::all_of(side.begin(), side.end(), [](char c) { return c >= '0' && c <= '9'; })
            ? std::stoi(side)
            : 1;
    CycleFilter filter;
    filter.name = shown.q;
    if (context.config().find_area(shown.area)) filter.area = shown.area;
    if (parse_kind(shown.kind)) filter.kind = shown.kind;
    if (std::find(context.state_names.begin(), context.state_names.end(), shown.state) !=
        context.state_names.end()) {
        filter.state = shown.state;
    }
    if (workflows::find_step(shown.step)) filter.step = shown.step;
    filter.overdue_only = shown.overdue;
    filter.include_final = shown.all;
    const auto all = context.visible_cycles(actor_of(*visit.page.user));
    auto rows = matching(*all, filter);
    std::vector<std::string> steps;
    for (const auto* workflow : workflows::all_workflows()) {
        for (const auto& step : workflow->steps) {
            if (std::find(steps.begin(), steps.end(), step.id) == steps.end()) {
                steps.emplace_back(step.id);
            }
        }
    }
    return html(200, ui::overview_page(visit.page, context.config(), std::move(rows), shown,
                                       context.state_names, steps));
}

Response waiting(WebContext& context, const Visit& visit) {
    const auto all = context.visible_cycles(actor_of(*visit.page.user));
    return html(
        200, ui::waiting_page(visit.page, context.config(), matching(*all, {}), context.today()));
}

/// The user's own calendar feeds: make a new secret URL (shown once) or revoke them all.
Response calendar_page(WebContext& context, const ui::Page& page, const std::string& action) {
    std::string url;
    std::string message;
    if (action == "create") {
        const std::string secret = random_hex_256();
        context.store->add_feed(page.user->id, sha256_hex(secret), context.now());
        url = feed_url(context.config(), secret);
    } else if (action == "revoke") {
        const int revoked = context.store->revoke_feeds(page.user->id, context.now());
        message = fmt::format("{} kalender-link{} tilbagekaldt.", revoked, revoked == 1 ? "" : "s");
    }
    return html(200, ui::calendar_page(page, url, message));
}

/// The political report for admin and director (every area) and an area chief (its own).
Response political(WebContext& context, const Visit& visit, bool csv) {
    const ui::Page& page = visit.page;
    const Actor actor = actor_of(*page.user);
    if (actor.role == Role::leader || actor.role == Role::board) {
        const auto readers =
            context.config().roles.join({Role::admin, Role::director, Role::area_chief}, "og");
        return html(403, ui::error_page(&page, 403,
                                        fmt::format("Den politiske rapport er for {}.", readers)));
    }
    int year = static_cast<int>(std::chrono::year_month_day{context.today()}.year());
    if (visit.request.has_param("year")) {
        const auto asked = parse_report_year(visit.request.param("year"));
        if (!asked) {
            return html(400, ui::error_page(&page, 400, "Året skal være fra 2000 til 2100."));
        }
        year = *asked;
    }
    std::vector<std::string> areas;
    if (actor.role == Role::area_chief) areas.push_back(actor.area_id);
    const Config& config = context.config();
    const PoliticalReport report = build_political_report(*context.store, config, year, areas);
    if (csv) {
        Response response{200, "text/csv; charset=utf-8", {}, political_report_csv(report)};
        response.headers.emplace_back(
            "Content-Disposition",
            fmt::format("attachment; filename=\"politisk-rapport-{}.csv\"", year));
        return response;
    }
    return html(200, ui::report_page(page, year, political_report_html(report, config)));
}

Response cycle_page(WebContext& context, const ui::Page& page, const std::string& id,
                    const ui::Notice& notice, int status) {
    const Actor actor = actor_of(*page.user);
    auto found = cycle_detail(*context.store, *context.cases, id, &actor, context.today());
    if (!found) return html(404, ui::error_page(&page, 404, kNotFoundMessage));
    return html(status,
                ui::cycle_page(page, context.config(), *found, found->actor_events, notice));
}

/// A cycle's page; after a form was applied (?ok=EVENT) with the confirmation.
Response cycle(WebContext& context, const Visit& visit) {
    const std::string done = visit.request.param("ok");
    ui::Notice notice;
    if (!done.empty()) notice.text = fmt::format("Registreret: {}.", ui::event_label(done));
    return cycle_page(context, visit.page, first_value(visit.params, "id"), notice, 200);
}

/// An event form: applied, back to the cycle's page; refused, the page again with the reason.
Response form_event(WebContext& context, const Visit& visit) {
    const std::string id = first_value(visit.form, "cycle");
    const std::string event = first_value(visit.form, "event");
    const Uploads uploads = uploads_of(visit.request);
    const ApplyResult result =
        context.apply_event(id, event, actor_of(*visit.page.user),
                            ui::form_payload(event, visit.form), uploads.documents);
    switch (result.status) {
        case ApplyStatus::ok:
            return redirect("/cycles/" + ui::cycle_path(id) + "?ok=" + percent_encode(event));
        case ApplyStatus::not_found:
            return html(404, ui::error_page(&visit.page, 404, result.message));
        default:
            return cycle_page(context, visit.page, id,
                              ui::Notice{result.message, result.field, true, event, visit.form},
                              http_status(result));
    }
}

/// The forms that record an event for many tilbud at once (the data package), for the users
/// whose role may; others get 404 as for a page that is not theirs.
Response many(WebContext& context, const Visit& visit, const ui::Notice& notice, int status) {
    const auto role = parse_role(visit.page.user->role);
    const auto forms = role ? context.many_forms(*role) : std::vector<ui::ManyForm>{};
    if (forms.empty()) return html(404, ui::error_page(&visit.page, 404, kNotFoundMessage));
    return html(status, ui::many_page(visit.page, forms, notice));
}

/// The many form: recorded, the page with what was done; refused, the form with the reason.
Response form_many(WebContext& context, const Visit& visit) {
    const std::string cycle = first_value(visit.form, "cycle");
    const std::string event = first_value(visit.form, "event");
    const std::string round_text = first_value(visit.form, "round");
    const auto kind = parse_kind(first_value(visit.form, "kind"));
    int round = 0;
    std::from_chars(round_text.data(), round_text.data() + round_text.size(), round);
    ManyResult result;
    if (!kind) {
        result.status = ApplyStatus::bad_payload;
        result.code = ErrorCode::bad_value;
        result.field = "kind";
        result.message = "Vælg en type tilbud.";
    } else {
        result = context.apply_to_many(cycle, *kind, round, event, actor_of(*visit.page.user),
                                       ui::form_payload(event, visit.form));
    }
    if (result.status != ApplyStatus::ok) {
        return many(context, visit,
                    ui::Notice{result.message, result.field, true, cycle + " " + event, visit.form},
                    http_status(result.status));
    }
    std::string text = fmt::format("{} registreret for {} {} i runde {}.", ui::event_label(event),
                                   result.recorded.size(), kind_plural(*kind), round);
    if (result.already > 0) {
        text += fmt::format(" {} havde det allerede og er ikke ændret.", result.already);
    }
    return many(context, visit, ui::Notice{text, {}, false, {}, {}}, 200);
}

Response themes(WebContext& context, const Visit& visit, const ui::Notice& notice, int status) {
    const bool admin = visit.page.user->role == role_name(Role::admin);
    return html(status, ui::themes_page(visit.page, context.store->themes(), admin, notice));
}

/// The administrator's theme forms: record one, or publish a period's themes.
Response form_themes(WebContext& context, const Visit& visit) {
    if (visit.page.user->role != role_name(Role::admin)) {
        return html(403, ui::error_page(&visit.page, 403,
                                        "Kun forvaltningen (administrator) registrerer og "
                                        "offentliggør temaerne."));
    }
    const std::string action = first_value(visit.form, "do");
    const std::string period_text = first_value(visit.form, "period");
    int period = 0;
    std::from_chars(period_text.data(), period_text.data() + period_text.size(), period);
    const std::string band = first_value(visit.form, "age_band");
    auto refused = [&](std::string message, std::string field) {
        return themes(context, visit,
                      ui::Notice{std::move(message), std::move(field), true, action, visit.form},
                      400);
    };
    if (action == "publish") {
        if (period < 2000 || period > 2100) {
            return refused("Skriv perioden som det årstal, den begynder i (fx 2026).", "period");
        }
        const auto published =
            publish_themes(*context.store, context.config(), period, band, context.now());
        if (published.themes == 0) {
            return refused(fmt::format("Der er ingen temaer at offentliggøre for {} ({} år). "
                                       "Registrér dem først.",
                                       period_title(period), band),
                           "period");
        }
        context.generation++;
        return themes(context, visit,
                      ui::Notice{fmt::format("{} tema{} offentliggjort for {} ({} år). {} ledere "
                                             "og områdechefer har fået besked.",
                                             published.themes, published.themes == 1 ? "" : "er",
                                             period_title(period), band, published.mails),
                                 {},
                                 false,
                                 {},
                                 {}},
                      200);
    }
    ThemeRecord theme;
    theme.id = first_value(visit.form, "id");
    theme.period = period;
    theme.age_band = band;
    theme.title = first_value(visit.form, "title");
    theme.description = first_value(visit.form, "description");
    if (const auto problem = record_theme(*context.store, theme)) {
        return refused(problem->message, problem->field);
    }
    return themes(context, visit,
                  ui::Notice{fmt::format("Temaet »{}« er registreret. Offentliggør periodens "
                                         "temaer, når de alle er registreret.",
                                         theme.title),
                             {},
                             false,
                             {},
                             {}},
                  200);
}

}  // namespace

bool has_session(WebContext& context, const Request& request) {
    return session_of(context, request).has_value();
}

Response dashboard_error(WebContext& context, const Request& request, int status,
                         std::string_view message) {
    const auto session = session_of(context, request);
    if (!session) return html(status, ui::error_page(nullptr, status, message));
    const ui::Page page = page_of(context, *session);
    return html(status, ui::error_page(&page, status, message));
}

void add_dashboard_routes(RouteTable& routes, WebContext& context) {
    auto add = [&](const char* method, const char* pattern, RouteHandler handler) {
        routes.add(method, pattern, RouteKind::page, std::move(handler));
    };
    auto page = [&](const char* pattern, VisitHandler handler) {
        add("GET", pattern, with_session(context, std::move(handler)));
    };
    auto form = [&](const char* pattern, VisitHandler handler) {
        add("POST", pattern, with_form(context, std::move(handler)));
    };
    add("GET", "/assets/app.css", [](const Request&, const PathParams&) {
        return Response{200, "text/css; charset=utf-8", {}, std::string(ui::kStylesheet)};
    });
    add("GET", "/login",
        [&](const Request&, const PathParams&) { return html(200, login_page(context, {})); });
    add("POST", "/login",
        [&](const Request& request, const PathParams&) { return login(context, request); });
    add("GET", "/login/oidc",
        [&](const Request&, const PathParams&) { return oidc_begin(context); });
    add("GET", "/login/oidc/callback",
        [&](const Request& request, const PathParams&) { return oidc_callback(context, request); });
    form("/logout", [&](const Visit& visit) { return logout(context, visit); });
    page("/", [&](const Visit& visit) { return waiting(context, visit); });
    page("/forloeb", [&](const Visit& visit) { return overview(context, visit); });
    page("/cycles/{id...}", [&](const Visit& visit) { return cycle(context, visit); });
    page("/tilbud/{id}", [&](const Visit& visit) {
        const Actor actor = actor_of(*visit.page.user);
        const auto view =
            institution_view(*context.store, *context.cases, first_value(visit.params, "id"),
                             &actor, context.today());
        if (!view) return html(404, ui::error_page(&visit.page, 404, kInstitutionNotFoundMessage));
        return html(200,
                    ui::institution_page(visit.page, context.config(), *view, context.today()));
    });
    form("/event", [&](const Visit& visit) { return form_event(context, visit); });
    context.upload_patterns.emplace_back("/event");
    page("/dokumenter/{id}", [&](const Visit& visit) {
        auto document =
            context.visible_document(first_value(visit.params, "id"), actor_of(*visit.page.user));
        if (!document) return html(404, ui::error_page(&visit.page, 404, kDocumentNotFoundMessage));
        return document_download(*context.store, *document);
    });
    page("/many", [&](const Visit& visit) { return many(context, visit, {}, 200); });
    form("/many", [&](const Visit& visit) { return form_many(context, visit); });
    page("/calendar", [&](const Visit& visit) { return calendar_page(context, visit.page, {}); });
    form("/calendar", [&](const Visit& visit) {
        return calendar_page(context, visit.page, first_value(visit.form, "action"));
    });
    page("/themes", [&](const Visit& visit) { return themes(context, visit, {}, 200); });
    form("/themes", [&](const Visit& visit) { return form_themes(context, visit); });
    page("/report", [&](const Visit& visit) { return political(context, visit, false); });
    page("/report.csv", [&](const Visit& visit) { return political(context, visit, true); });
    page("/workload", [&](const Visit& v) { return workload_page(context, v.page, v.request); });
    page("/diff", [&](const Visit& visit) { return diff_page(context, visit.page, nullptr); });
    form("/diff", [&](const Visit& visit) { return diff_page(context, visit.page, &visit.form); });
}

}  // namespace tilsyn::http
