#include "adapters/http/dashboard_maintenance.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "adapters/config/yaml_config_loader.hpp"
#include "adapters/http/responses.hpp"
#include "adapters/http/web_context.hpp"
#include "engine/config_diff.hpp"
#include "engine/html.hpp"
#include "engine/messages.hpp"
#include "engine/workload.hpp"
#include "workflows/description.hpp"

namespace tilsyn::http {

namespace {

using ui::escape;

constexpr Role kWorkloadRoles[] = {Role::area_chief, Role::leader, Role::director, Role::admin,
                                   Role::board};

std::string date_input(std::string_view name, std::string_view label, Date value) {
    return fmt::format(R"(<label>{} <input type="date" name="{}" value="{}" required></label>)",
                       escape(label), escape(name), format_date(value));
}

std::string diff_html(const Config& next, const ConfigDiff& diff) {
    std::string body = fmt::format(
        "<p>Kommende forløb, der starter efter {} og før {}. Intet er ændret: siden viser kun, "
        "hvad den nye konfiguration ville gøre.</p>",
        danish_date(diff.from), danish_date(diff.to));
    body += diff.moves()
                ? R"(<p class="error" role="status">Den nye konfiguration flytter noget.</p>)"
                : R"(<p class="ok" role="status">Den nye konfiguration flytter intet.</p>)";
    body += "<h2>Igangværende forløb</h2><p>De beholder den tidsplan, de startede med.</p><ul>";
    if (diff.running.empty()) body += "<li>Ingen igangværende forløb.</li>";
    for (const auto& group : diff.running) {
        const CycleConfig* cycle = next.find_cycle(group.cycle);
        body += fmt::format("<li>{}: {} forløb beholder deres tidsplan", escape(group.cycle),
                            group.running);
        if (!cycle) {
            body += " (cyklussen er ikke i den nye konfiguration)";
        } else if (group.on_other_timeline > 0) {
            body += fmt::format(", {} af dem på en tidsplan, den nye konfiguration ændrer",
                                group.on_other_timeline);
        }
        body += ".</li>";
    }
    body += "</ul><h2>Kommende forløb</h2>";
    if (diff.changes.empty()) {
        body += "<p>Ingen frister, påmindelser eller eskaleringer flytter sig.</p>";
    } else {
        body += "<div class=\"scroll\"" + scroll_region("Tabel: Kommende forløb") +
                "><table><thead><tr><th>Forløb</th><th>Start</th><th>Trin</th>"
                "<th>Hvad</th><th>Før</th><th>Efter</th><th>Arbejdsdage</th><th>Tilbud</th></tr>"
                "</thead><tbody>";
        for (const auto& change : diff.changes) {
            const ChangeWords words = change_words(change);
            body += fmt::format(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                "<td>{}</td><td>{}</td></tr>",
                escape(change.cycle), danish_date(change.start), escape(words.step), words.kind,
                change.before ? danish_date(*change.before) : "–",
                change.after ? danish_date(*change.after) : "–", words.moved, change.institutions);
        }
        body += "</tbody></table></div>";
    }
    body += "<h2>Påmindelser og eskaleringer pr. person</h2>";
    if (diff.mail.empty()) {
        body += "<p>Ingen får flere eller færre.</p>";
    } else {
        body += "<div class=\"scroll\"" +
                scroll_region("Tabel: Påmindelser og eskaleringer pr. person") +
                "><table><thead><tr><th>Person</th><th>Før</th>"
                "<th>Efter</th></tr></thead><tbody>";
        for (const auto& mail : diff.mail) {
            body += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>", escape(mail.email),
                                mail.before, mail.after);
        }
        body += "</tbody></table></div>";
    }
    body += "<h2>Tilbud</h2><ul>";
    if (diff.institutions.empty()) body += "<li>Ingen kommer til eller går fra.</li>";
    for (const auto& inst : diff.institutions) {
        body += fmt::format(
            "<li>{} {} {}</li>", escape(inst.name), inst.joins ? "kommer med i" : "går ud af",
            inst.cycle.empty() ? std::string("organisationen") : escape(inst.cycle));
    }
    body += "</ul>";
    return body;
}

std::string diff_form(const ui::Page& page, std::string_view yaml, std::string_view path) {
    return fmt::format(
        R"(<form method="post" action="/diff" class="action"><input type="hidden" name="csrf" )"
        R"(value="{}"><label>Ny konfiguration (YAML)<textarea name="yaml" rows="16" )"
        R"(spellcheck="false">{}</textarea></label><label>… eller en fil på serveren )"
        R"(<input type="text" name="path" value="{}"></label><p class="muted">Relative stier i )"
        R"(konfigurationen (institutions_csv, templates) læses fra den nuværende )"
        R"(konfigurations mappe.</p><button type="submit" class="primary">Vis ændringer</button>)"
        R"(</form>)",
        escape(page.csrf), escape(yaml), escape(path));
}

}  // namespace

Response workload_page(WebContext& context, const ui::Page& page, const Request& request) {
    const Actor actor = actor_of(*page.user);
    const Config& config = context.config();
    if (actor.role == Role::leader || actor.role == Role::board) {
        const auto readers =
            config.roles.join({Role::admin, Role::director, Role::area_chief}, "og");
        return html(403,
                    ui::error_page(&page, 403, fmt::format("Arbejdsbyrden er for {}.", readers)));
    }
    const Date today = context.today();
    Date from = today, to = today + std::chrono::days{52 * 7};
    if (request.has_param("from") || request.has_param("to")) {
        const auto f = parse_date(request.param("from"));
        const auto t = parse_date(request.param("to"));
        if (!f || !t) {
            return html(400, ui::error_page(&page, 400,
                                            "Skriv »Fra« og »Til« som datoer (fx 2026-08-01)."));
        }
        if (*t <= *f) {
            return html(400, ui::error_page(&page, 400, "»Til« skal ligge efter »Fra«."));
        }
        if (*t - *f > std::chrono::days{3 * 366}) {
            return html(400, ui::error_page(&page, 400, "Vis højst tre år ad gangen."));
        }
        from = *f;
        to = *t;
    }
    WorkloadFilter filter;
    std::string role_field;
    if (actor.role == Role::area_chief) {
        filter.email = page.user->email;
    } else {
        role_field = request.has_param("role") ? request.param("role") : "area_chief";
        filter.role = parse_role(role_field);
        if (!filter.role) {
            return html(400, ui::error_page(&page, 400, "Vælg en af rollerne i listen."));
        }
    }
    const int limit = config.workload.max_conversations_per_week;
    const Workload workload = compute_workload(*context.domain, from, to, filter);

    std::string body = "<h1>Arbejdsbyrde pr. uge</h1>";
    body += fmt::format(
        "<p>Frister, samtaler, observationer og 1:1 pr. person og uge, som planen lægger dem "
        "(hvert trin udført på sin frist). Jo mørkere felt, jo flere frister; en sort ramme er en "
        "uge med flere end {} samtaler og 1:1.</p>",
        limit);
    body += R"(<form method="get" action="/workload" class="filters">)";
    body += date_input("from", "Fra", from) + date_input("to", "Til", to);
    if (actor.role != Role::area_chief) {
        body += R"(<label>Rolle <select name="role">)";
        for (Role role : kWorkloadRoles) {
            body +=
                fmt::format(R"(<option value="{}"{}>{}</option>)", role_name(role),
                            filter.role == role ? " selected" : "", escape(config.roles.of(role)));
        }
        body += "</select></label>";
    }
    body += R"(<button type="submit">Vis</button></form>)";
    const auto peaks = workload_peaks(workload, limit);
    body += "<h2>Uger med for mange samtaler</h2>";
    if (peaks.empty()) {
        body += fmt::format("<p>Ingen har flere end {} samtaler og 1:1 i en uge.</p>", limit);
    } else {
        body += "<ul>";
        for (const auto& peak : peaks) {
            const Date monday = iso_week_monday(peak.week);
            body += fmt::format("<li>Uge {} {} ({}–{}): {} har {} samtaler og 1:1.</li>",
                                peak.week.week, peak.week.year, danish_date(monday),
                                danish_date(monday + std::chrono::days{6}),
                                escape(peak.name.empty() ? peak.email : peak.name), peak.meetings);
        }
        body += "</ul>";
    }
    body += "<h2>Pr. person og uge</h2>";
    if (workload.people.empty()) {
        body += "<p>Ingen frister i perioden.</p>";
    } else {
        body += R"(<div class="scroll heatmap")" + scroll_region("Arbejdsbyrde pr. uge") + ">" +
                workload_svg(workload, limit) + "</div>";
    }
    return html(200, ui::page_layout(&page, "Arbejdsbyrde", body));
}

Response diff_page(WebContext& context, const ui::Page& page, const Fields* form) {
    if (page.user->role != "admin") {
        return html(403, ui::error_page(&page, 403,
                                        fmt::format("Ændringer i konfigurationen er for {}.",
                                                    context.config().roles.of(Role::admin))));
    }
    std::string body = "<h1>Hvad ændrer en ny konfiguration?</h1>";
    if (!form) {
        body +=
            "<p>Sæt den nye konfiguration ind, eller skriv stien til den på serveren. Siden "
            "viser, hvad den ville flytte, før den tages i brug.</p>";
        body += diff_form(page, "", "");
        return html(200, ui::page_layout(&page, "Ny konfiguration", body));
    }
    const std::string yaml = first_value(*form, "yaml");
    const std::string path = first_value(*form, "path");
    if (yaml.empty() && path.empty()) {
        body += R"(<p class="error" role="alert">Sæt en konfiguration ind, eller skriv stien )"
                R"(til en fil.</p>)";
        body += diff_form(page, yaml, path);
        return html(400, ui::page_layout(&page, "Ny konfiguration", body));
    }
    const std::filesystem::path current(context.config().path);
    LoadedConfig loaded =
        !path.empty()
            ? load_config(path)
            : load_config_text(yaml, (current.parent_path() / "ny-konfiguration.yaml").string());
    if (!loaded.ok()) {
        body += R"(<div class="error" role="alert"><p>Den nye konfiguration har fejl; intet er )"
                R"(sammenlignet:</p><ul>)";
        for (const auto& problem : loaded.problems) {
            body += "<li><code>" + escape(format_problem(problem)) + "</code></li>";
        }
        body += "</ul></div>";
        body += diff_form(page, yaml, path);
        return html(400, ui::page_layout(&page, "Ny konfiguration", body));
    }
    const auto next = make_domain(std::move(loaded));
    const Date today = context.today();
    const ConfigDiff diff =
        diff_configs(*context.domain, *next, running_instances(*context.store),
                     context.store->institutions(), today, add_months(today, 24));
    body += diff_html(next->config, diff);
    body += "<h2>Sammenlign en anden</h2>" + diff_form(page, yaml, path);
    return html(200, ui::page_layout(&page, "Ny konfiguration", body));
}

}  // namespace tilsyn::http
