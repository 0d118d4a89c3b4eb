// The dashboard's pages: server-rendered HTML in Danish, every text from data HTML-escaped,
// no resource from outside (the stylesheet is served by the same process). Pure functions of
// what the web app looked up, so they are tested without a server.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/http/http_types.hpp"
#include "engine/case_view.hpp"
#include "engine/config.hpp"
#include "engine/role.hpp"
#include "engine/store.hpp"
#include "engine/time_zone.hpp"

namespace tilsyn::http::ui {

/// Escapes & < > " ' for text and attribute values.
std::string escape(std::string_view text);

/// A page for a logged-in user.
struct Page {
    std::string organisation;
    const StoredUser* user = nullptr;
    std::string csrf;                // put in every form
    const TimeZone* zone = nullptr;  // for times shown (UTC when null)
    std::string area_name;           // of an area chief
    std::string role_title;          // the user's role as the configuration titles it
    std::string many_title;          // the nav link to many_page for a user who records an
                                     // event for many (the step's title); empty for others
    std::string user_name;           // the user's name from the configuration (actor_label)
};

/// The overview's filters as the user set them (raw values, shown back in the form).
struct OverviewFilter {
    std::string q;  // a part of the tilbud's name
    std::string area;
    std::string kind;
    std::string state;
    std::string step;
    std::string sort;  // "" by next deadline (sharpened and overdue first), "navn", "overskredet"
    bool overdue = false;
    bool all = false;
    int page = 1;
};

/// How many cycles a page of "Alle forløb" lists.
inline constexpr std::size_t kPageRows = 50;

/// "/forloeb?…": the overview with `filter`, at page `page_number`.
std::string overview_query(const OverviewFilter& filter, int page_number);

/// The login page: the token form, and with `oidc` a button that signs in with the
/// municipality's account (/login/oidc) first.
std::string login_page(std::string_view organisation, std::string_view error, bool oidc = false);
/// A page without navigation for a refused sign-in with the municipality's account.
std::string sign_in_refused_page(std::string_view organisation, std::string_view message);
/// The page the provider's callback answers on success: it moves on to the overview from our
/// own origin, so the SameSite=Strict session cookie is sent.
std::string signed_in_page(std::string_view organisation);

/// Who did something, as people read it: the person's name from the configuration (the
/// address when the configuration names nobody with it: an administrator, someone gone), or
/// the engine.
std::string actor_label(const Config& config, std::string_view actor);

/// The landing page, "Afventer dig": the steps that wait for the user now (`awaits_actor`), by
/// due date, each with its forms one click away; for area chiefs, the director and
/// administrators also the steps past their deadline at others, by area and step, with who is
/// responsible (the longest overdue first, at most ten a step, linking to the rest), and per
/// area the number of tilbud and of tilbud with a step overdue.
std::string waiting_page(const Page& page, const Config& config,
                         const std::vector<const CycleSummary*>& rows, Date today);

/// Everything about one tilbud: its facts, a timeline of its cycles drawn as SVG, its cycles and
/// supervision cases with who is responsible, its documents and its history.
std::string institution_page(const Page& page, const Config& config, const InstitutionView& view,
                             Date today);

/// The cycles the user may see that match the filters ("Alle forløb"): the filters' form
/// (with a choice of `steps` when given), the counts, the tilbud under sharpened attention,
/// then one page of `rows` (kPageRows, in the order `filter.sort` says) by area, and links to
/// the other pages.
std::string overview_page(const Page& page, const Config& config,
                          std::vector<const CycleSummary*> rows, const OverviewFilter& filter,
                          const std::vector<std::string>& states,
                          const std::vector<std::string>& steps);

/// A message on a cycle's page: a confirmation above the forms, or why an event was refused,
/// in that event's form (above the forms when the form is not shown).
struct Notice {
    std::string text;
    std::string field;  // the payload field at fault, when the case service named one
    bool error = false;
    std::string event;  // the refused event, whose form shows the message
    Fields values;      // what the refused form held, filled in again
};

/// `events`: the events the user may send now (a form each), below `notice` (none when empty).
std::string cycle_page(const Page& page, const Config& config, const CycleDetail& detail,
                       const std::vector<std::string>& events, const Notice& notice);

std::string error_page(const Page* page, int status, std::string_view message);

/// A page around `body` (already HTML): the header with the navigation and the user, for the
/// pages rendered in their own files (dashboard_maintenance.cpp).
std::string page_layout(const Page* page, std::string_view title, std::string_view body);
/// A page for anyone, without login or navigation (the public page of published plans).
std::string public_page(std::string_view organisation, std::string_view title,
                        std::string_view body);

/// The user's calendar feeds: `url` a feed just made (shown once), `message` after a revoke.
std::string calendar_page(const Page& page, std::string_view url, std::string_view message);

/// The political report page around `report_html` (already escaped), with year navigation.
std::string report_page(const Page& page, int year, const std::string& report_html);

/// An event meant for many (EventDescription::for_many: the data package) as the user may
/// record it: for every tilbud of a kind in a round of a configured cycle.
struct ManyForm {
    const CycleConfig* cycle = nullptr;
    std::string event;
    std::vector<InstitutionKind> kinds;  // the kinds the cycle covers
    int rounds = 1;
};

/// The forms that record an event for many tilbud at once; `notice` confirms one or, with
/// `error`, says in the form it names (`event` "CYCLE EVENT") why it was refused.
std::string many_page(const Page& page, const std::vector<ManyForm>& forms, const Notice& notice);

/// The politically decided themes: the published ones for everyone; for the administrator
/// (`admin`) also those not yet published, a form to record one and a form to publish a
/// period's themes. `notice` confirms, or says in the form it names ("add", "publish") why it
/// was refused.
std::string themes_page(const Page& page, const std::vector<ThemeRecord>& themes, bool admin,
                        const Notice& notice);

/// The JSON payload of an event from its form's fields (see cycle_page).
std::string form_payload(std::string_view event, const Fields& form);

/// A cycle id as a URL path (each segment percent-encoded, slashes kept).
std::string cycle_path(std::string_view id);

/// The dashboard's stylesheet, served at /assets/app.css (adapters/http/dashboard.css).
extern const std::string_view kStylesheet;

}  // namespace tilsyn::http::ui
