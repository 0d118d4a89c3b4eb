// The dashboard's routes: login and logout with a session cookie, the overview, a cycle's page
// and its event forms, the political report, the calendar feeds page and the stylesheet. The
// pages themselves are rendered by dashboard.cpp.
#include <fmt/format.h>

#include <charconv>

#include "adapters/http/dashboard.hpp"
#include "adapters/http/dashboard_maintenance.hpp"
#include "adapters/http/responses.hpp"
#include "adapters/http/web_context.hpp"
#include "engine/calendar_feed.hpp"
#include "engine/case_view.hpp"
#include "engine/political_report.hpp"
#include "engine/sha256.hpp"
#include "workflows/description.hpp"

namespace tilsyn::http {

namespace {

constexpr std::string_view kSessionCookie = "tilsyn_session";

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

const Session* session_of(WebContext& context, const Request& request) {
    auto id = cookie(request, kSessionCookie);
    return id ? context.sessions.find(*id, context.now()) : nullptr;
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
                  {}};
    const auto role = parse_role(session.user.role);
    const auto forms = role ? context.many_forms(*role) : std::vector<ui::ManyForm>{};
    if (!forms.empty()) {
        const auto* event = workflows::find_event(forms.front().event);
        page.many_title = std::string(workflows::step_title(event ? event->acts_on : ""));
    }
    return page;
}

/// POST forms must come from our own pages: the CSRF token of the session, and an Origin
/// (when the browser sends one) naming this host.
bool same_origin(const Request& request) {
    const std::string origin = request.header("origin");
    return origin.empty() || origin == "http://" + request.header("host") ||
           origin == "https://" + request.header("host");
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
            const Session* session = session_of(context, request);
            if (!session) {
                if (request.method == "GET" || request.method == "HEAD") return redirect("/login");
                return html(401, ui::login_page(context.config().organisation.name,
                                                "Din session er udløbet. Log ind igen."));
            }
            return handler(Visit{request, params, *session, page_of(context, *session), {}});
        };
}

/// A form of our pages: a session, and the session's CSRF token from this origin.
RouteHandler with_form(WebContext& context, VisitHandler handler) {
    return with_session(context, [handler = std::move(handler)](const Visit& visit) {
        Visit posted{visit.request, visit.params, visit.session, visit.page,
                     parse_form(visit.request.body)};
        if (!same_origin(visit.request) ||
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
    auto form = parse_form(request.body);
    auto user = context.user_for_token(first_value(form, "token"));
    if (!user) {
        return html(401,
                    ui::login_page(context.config().organisation.name,
                                   "Adgangskoden er ikke gyldig. Tjek, at du har kopieret hele "
                                   "koden, eller bed en administrator om en ny."));
    }
    const Session& session = context.sessions.create(*user, context.now());
    Response response = redirect("/");
    response.headers.emplace_back(
        "Set-Cookie",
        fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}", kSessionCookie,
                    session.id,
                    std::chrono::duration_cast<std::chrono::seconds>(kSessionLifetime).count()));
    return response;
}

Response logout(WebContext& context, const Visit& visit) {
    context.sessions.remove(visit.session.id);
    Response response = redirect("/login");
    response.headers.emplace_back(
        "Set-Cookie",
        fmt::format("{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0", kSessionCookie));
    return response;
}

Response overview(WebContext& context, const Visit& visit) {
    const Request& request = visit.request;
    const Actor actor = actor_of(*visit.page.user);
    ui::OverviewFilter shown;
    shown.area = request.param("area");
    shown.kind = request.param("kind");
    shown.state = request.param("state");
    shown.overdue = request.param("overdue") == "1";
    shown.all = request.param("all") == "1";
    CycleFilter filter;
    if (context.config().find_area(shown.area)) filter.area = shown.area;
    if (parse_kind(shown.kind)) filter.kind = shown.kind;
    if (std::find(context.state_names.begin(), context.state_names.end(), shown.state) !=
        context.state_names.end()) {
        filter.state = shown.state;
    }
    filter.overdue_only = shown.overdue;
    filter.include_final = shown.all;
    const auto rows = list_cycles(*context.store, *context.cases, filter, &actor, context.today());
    return html(200,
                ui::overview_page(visit.page, context.config(), rows, shown, context.state_names));
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
    const ApplyResult result = context.apply_event(id, event, actor_of(*visit.page.user),
                                                   ui::form_payload(event, visit.form));
    switch (result.status) {
        case ApplyStatus::ok:
            return redirect("/cycles/" + ui::cycle_path(id) + "?ok=" + percent_encode(event));
        case ApplyStatus::not_found:
            return html(404, ui::error_page(&visit.page, 404, result.message));
        default:
            return cycle_page(context, visit.page, id,
                              ui::Notice{result.message, result.field, true, event, visit.form},
                              http_status(result.status));
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

}  // namespace

Response dashboard_error(WebContext& context, const Request& request, int status,
                         std::string_view message) {
    const Session* session = session_of(context, request);
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
    add("GET", "/login", [&](const Request&, const PathParams&) {
        return html(200, ui::login_page(context.config().organisation.name, {}));
    });
    add("POST", "/login",
        [&](const Request& request, const PathParams&) { return login(context, request); });
    form("/logout", [&](const Visit& visit) { return logout(context, visit); });
    page("/", [&](const Visit& visit) { return overview(context, visit); });
    page("/cycles/{id...}", [&](const Visit& visit) { return cycle(context, visit); });
    form("/event", [&](const Visit& visit) { return form_event(context, visit); });
    page("/many", [&](const Visit& visit) { return many(context, visit, {}, 200); });
    form("/many", [&](const Visit& visit) { return form_many(context, visit); });
    page("/calendar", [&](const Visit& visit) { return calendar_page(context, visit.page, {}); });
    form("/calendar", [&](const Visit& visit) {
        return calendar_page(context, visit.page, first_value(visit.form, "action"));
    });
    page("/report", [&](const Visit& visit) { return political(context, visit, false); });
    page("/report.csv", [&](const Visit& visit) { return political(context, visit, true); });
    page("/workload", [&](const Visit& v) { return workload_page(context, v.page, v.request); });
    page("/diff", [&](const Visit& visit) { return diff_page(context, visit.page, nullptr); });
    form("/diff", [&](const Visit& visit) { return diff_page(context, visit.page, &visit.form); });
}

}  // namespace tilsyn::http
