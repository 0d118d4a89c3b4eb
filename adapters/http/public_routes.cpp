// The public page of the published development plans (no login), at the configuration's
// `publication.path`: an HTML page per tilbud, the same as JSON (`…/planer.json`) and as an
// Atom feed (`…/planer.atom`) for the municipality's website, and the pinned documents
// themselves (`…/dokumenter/{id}`). Only what engine/publication.hpp calls published is
// reachable here; any other document id is "not found".
#include <fmt/format.h>

#include <boost/json.hpp>

#include "adapters/http/dashboard.hpp"
#include "adapters/http/labels.hpp"
#include "adapters/http/responses.hpp"
#include "adapters/http/web_context.hpp"
#include "engine/event_payload.hpp"
#include "engine/html.hpp"
#include "engine/messages.hpp"
#include "engine/publication.hpp"

namespace tilsyn::http {

namespace {

namespace json = boost::json;

std::string iso(const WebContext& context, Instant at) {
    return format_local_iso(at, context.zone().offset_at(at));
}

std::string title_of(const WebContext& context) {
    const auto& pub = context.config().publication;
    return pub.title.empty() ? "Lokale udviklingsplaner" : pub.title;
}

/// Where a published document is downloaded, absolute when `base` is given.
std::string document_url(std::string_view path, const StoredDocument& document,
                         std::string_view base = {}) {
    return fmt::format("{}{}/dokumenter/{}", base, path, document.id);
}

std::string goals_text(const PublishedPlan& plan) {
    std::string out;
    for (const auto& goal : plan.goals) {
        out += (out.empty() ? "" : ", ") + std::string(goal_title(goal));
    }
    return out;
}

/// One plan (or resolved case) on the page: the tilbud, the date, the goals and themes, the
/// points it answers and its files.
/// `level`: the plan's heading level (2 on a page of plans only, 3 under the page's sections
/// when cases are published too); its parts' headings are one below.
std::string plan_section(const WebContext& context, const std::string& path,
                         const PublishedPlan& plan, int level) {
    const Config& config = context.config();
    const Area* area = config.find_area(plan.institution->area);
    std::string themes;
    for (const auto& theme : plan.themes) {
        themes += (themes.empty() ? "" : ", ") + html_escape(theme.title);
    }
    std::string out = fmt::format(
        R"(<section class="plan" data-institution="{}" data-cycle="{}"><h{}>{}</h{}>)"
        R"(<dl class="facts"><dt>Tilbud</dt><dd>{}{}</dd><dt>{}</dt><dd class="date">{}</dd>)"
        R"(<dt>Effektmål</dt><dd>{}</dd>{}</dl>)",
        html_escape(plan.institution->id), html_escape(plan.cycle_id), level,
        html_escape(plan.institution->name), level,
        html_escape(ui::kind_label(kind_name(plan.institution->kind))),
        area ? " · " + html_escape(area->name) : std::string{},
        plan.supervision_case ? "Afsluttet" : "Godkendt",
        danish_date(local_date(plan.approved_at, context.zone())),
        html_escape(plan.goals.empty() ? "–" : goals_text(plan)),
        themes.empty() ? "" : "<dt>Politisk besluttede temaer</dt><dd>" + themes + "</dd>");
    if (!plan.points.empty()) {
        out += fmt::format("<h{0}>{1}</h{0}><ul>", level + 1,
                           plan.supervision_case ? "Tilsynspunkt" : "Udviklingspunkter");
        for (const auto& point : plan.points) {
            std::string about = html_escape(goal_title(point.goal));
            if (!point.theme.empty()) about += " · " + html_escape(point.theme);
            out += fmt::format(R"(<li>{} <span class="muted">({})</span></li>)",
                               html_escape(point.title), about);
        }
        out += "</ul>";
    }
    if (plan.documents.empty()) {
        out += plan.supervision_case
                   ? R"(<p class="muted">Sagen er afsluttet uden vedhæftet handleplan.</p>)"
                   : R"(<p class="muted">Planen er godkendt uden vedhæftet dokument.</p>)";
    } else {
        out += fmt::format("<h{0}>{1}</h{0}><ul>", level + 1,
                           plan.supervision_case ? "Handleplanen" : "Udviklingsplanen");
        for (const auto& document : plan.documents) {
            const auto* type = document_type_by_mime(document.info.type);
            out += fmt::format(
                R"(<li><a href="{}" download>{}</a> <span class="muted">({}, {})</span></li>)",
                html_escape(document_url(path, document)), html_escape(document.info.name),
                html_escape(type ? type->title : std::string_view("Dokument")),
                html_escape(size_text(document.info.size)));
        }
        out += "</ul>";
    }
    return out + "</section>";
}

Response page(WebContext& context, const std::string& path) {
    const Config& config = context.config();
    const bool with_cases = config.publication.supervision_cases;
    const auto plans = published_plans(*context.store, config);
    std::string body = fmt::format(
        R"(<h1>{0}</h1><p class="sub">{1} offentliggør her de lokale udviklingsplaner, som er )"
        R"(godkendt efter kvalitetssamtalen{3}. Til hjemmesider: planerne som data )"
        R"((<a href="{2}/planer.json">JSON</a>) og som nyhedsfeed )"
        R"((<a href="{2}/planer.atom">Atom</a>).</p>)",
        html_escape(title_of(context)), html_escape(config.organisation.name), html_escape(path),
        with_cases ? ", og handleplanerne i afsluttede tilsynssager" : "");
    // With cases the page has two sections, each with its own heading; without, the plans are
    // the page's only content, right under its title.
    const int level = with_cases ? 3 : 2;
    std::string local, cases;
    for (const auto& plan : plans) {
        (plan.supervision_case ? cases : local) += plan_section(context, path, plan, level);
    }
    if (with_cases) body += R"(<h2>Lokale udviklingsplaner</h2>)";
    body += local.empty() ? R"(<p class="muted">Der er ingen godkendte udviklingsplaner endnu.</p>)"
                          : local;
    if (with_cases) {
        body += R"(<h2>Afsluttede tilsynssager</h2>)";
        body +=
            cases.empty() ? R"(<p class="muted">Der er ingen afsluttede tilsynssager.</p>)" : cases;
    }
    return html(200, ui::public_page(config.organisation.name, title_of(context), body));
}

json::object plan_json(const WebContext& context, const std::string& path,
                       const PublishedPlan& plan) {
    const Config& config = context.config();
    const Area* area = config.find_area(plan.institution->area);
    json::array goals, points, themes, documents;
    for (const auto& goal : plan.goals) {
        goals.push_back(json::object{{"id", goal}, {"title", goal_title(goal)}});
    }
    for (const auto& point : plan.points) {
        points.push_back(
            json::object{{"title", point.title}, {"goal", point.goal}, {"theme", point.theme_id}});
    }
    for (const auto& theme : plan.themes) {
        themes.push_back(json::object{{"id", theme.id}, {"title", theme.title}});
    }
    for (const auto& document : plan.documents) {
        documents.push_back(json::object{{"name", document.info.name},
                                         {"type", document.info.type},
                                         {"size", document.info.size},
                                         {"sha256", document.info.sha256},
                                         {"url", document_url(path, document)}});
    }
    return json::object{
        {"institution", json::object{{"id", plan.institution->id},
                                     {"name", plan.institution->name},
                                     {"kind", kind_name(plan.institution->kind)},
                                     {"area", area ? area->name : plan.institution->area}}},
        {"cycle", plan.cycle_id},
        {plan.supervision_case ? "resolved_on" : "approved_on",
         format_date(local_date(plan.approved_at, context.zone()))},
        {plan.supervision_case ? "resolved_at" : "approved_at", iso(context, plan.approved_at)},
        {"goals", std::move(goals)},
        {"points", std::move(points)},
        {"themes", std::move(themes)},
        {"documents", std::move(documents)}};
}

Response plans_json(WebContext& context, const std::string& path) {
    const Config& config = context.config();
    json::array plans, cases;
    for (const auto& plan : published_plans(*context.store, config)) {
        (plan.supervision_case ? cases : plans).push_back(plan_json(context, path, plan));
    }
    json::object body{{"organisation", config.organisation.name},
                      {"title", title_of(context)},
                      {"plans", std::move(plans)}};
    if (config.publication.supervision_cases) body["supervision_cases"] = std::move(cases);
    return json_response(200, json::serialize(body));
}

Response plans_atom(WebContext& context, const std::string& path) {
    const Config& config = context.config();
    const auto plans = published_plans(*context.store, config);
    const std::string base = dashboard_base(context.config());
    const std::string page_url = base + path;
    Instant updated{};
    for (const auto& plan : plans) updated = std::max(updated, plan.approved_at);
    std::string entries;
    for (const auto& plan : plans) {
        std::string links;
        for (const auto& document : plan.documents) {
            links += fmt::format(
                R"(<link rel="enclosure" type="{}" length="{}" title="{}" href="{}"/>)"
                "\n",
                html_escape(document.info.type), document.info.size,
                html_escape(document.info.name), html_escape(document_url(path, document, base)));
        }
        std::string summary =
            fmt::format("{} {}.", plan.supervision_case ? "Afsluttet" : "Godkendt",
                        danish_date(local_date(plan.approved_at, context.zone())));
        if (!plan.goals.empty()) summary += " Effektmål: " + goals_text(plan) + ".";
        auto list = [](const auto& items, auto field) {
            std::string out;
            for (const auto& item : items) out += (out.empty() ? "" : "; ") + item.*field;
            return out;
        };
        if (!plan.themes.empty()) {
            summary +=
                " Politisk besluttede temaer: " + list(plan.themes, &PublishedTheme::title) + ".";
        }
        if (!plan.points.empty()) {
            summary += (plan.supervision_case ? " Tilsynspunkt: " : " Udviklingspunkter: ") +
                       list(plan.points, &PublishedPoint::title) + ".";
        }
        entries += fmt::format(
            "<entry>\n<title>{}: {}</title>\n<id>{}#{}</id>\n"
            "<updated>{}</updated>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n{}"
            "<summary>{}</summary>\n</entry>\n",
            plan.supervision_case ? "Handleplan efter tilsyn" : "Lokal udviklingsplan",
            html_escape(plan.institution->name), html_escape(page_url),
            html_escape(percent_encode(plan.cycle_id)), iso(context, plan.approved_at),
            html_escape(page_url), links, html_escape(summary));
    }
    std::string feed = fmt::format(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"da\">\n"
        "<title>{}</title>\n<subtitle>{}</subtitle>\n<id>{}/planer.atom</id>\n"
        "<updated>{}</updated>\n<link rel=\"self\" type=\"application/atom+xml\" "
        "href=\"{}/planer.atom\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n"
        "<author><name>{}</name></author>\n{}</feed>\n",
        html_escape(title_of(context)), html_escape(config.organisation.name),
        html_escape(page_url), iso(context, updated), html_escape(page_url), html_escape(page_url),
        html_escape(config.organisation.name), entries);
    return Response{200, "application/atom+xml; charset=utf-8", {}, std::move(feed)};
}

Response published_document(WebContext& context, std::string_view id) {
    auto not_found = [&] {
        return html(404, ui::error_page(nullptr, 404, kDocumentNotFoundMessage));
    };
    auto document = context.document_by_id(id);
    if (!document) return not_found();
    // Public only when it is one of its own tilbud's published documents (read for that tilbud
    // alone: a request per document id stays cheap).
    const auto cycle = context.store->find_cycle(document->cycle_id);
    if (!cycle || !is_published_document(
                      published_plans(*context.store, context.config(), cycle->institution_id),
                      document->id)) {
        return not_found();
    }
    return document_download(*context.store, *document);
}

}  // namespace

void add_public_routes(RouteTable& routes, WebContext& context) {
    // Routes are added before the domain is installed: the path from the settings' domain (a
    // reload keeps the routes, and so the path, it started with).
    const std::string path = context.settings.domain
                                 ? context.settings.domain->config.publication.path
                                 : PublicationSettings{}.path;
    auto add = [&](const std::string& pattern, RouteHandler handler) {
        routes.add("GET", pattern, RouteKind::page, std::move(handler));
    };
    add(path, [&context, path](const Request&, const PathParams&) {
        return context.cached_listing("public:page", [&] { return page(context, path); });
    });
    add(path + "/planer.json", [&context, path](const Request&, const PathParams&) {
        return context.cached_listing("public:json", [&] { return plans_json(context, path); });
    });
    add(path + "/planer.atom", [&context, path](const Request&, const PathParams&) {
        return context.cached_listing("public:atom", [&] { return plans_atom(context, path); });
    });
    add(path + "/dokumenter/{id}", [&](const Request&, const PathParams& params) {
        return published_document(context, first_value(params, "id"));
    });
}

}  // namespace tilsyn::http
