// The dashboard's pages for running Tilsyn for years (issue 18): the workload heat map
// (/workload) and, for administrators, what a new configuration would change (/diff). Their
// own file, so the other dashboard routes stay as they are; dashboard_routes.cpp adds them.
#pragma once

#include "adapters/http/dashboard.hpp"
#include "adapters/http/http_types.hpp"

namespace tilsyn::http {

struct WebContext;

/// GET /workload?from=&to=&role=: per person and ISO week, a heat map drawn as SVG and the
/// weeks over the configuration's limit of conversations. For admin and director (everyone)
/// and an area chief (itself).
Response workload_page(WebContext& context, const ui::Page& page, const Request& request);

/// GET /diff (form) and POST /diff (`yaml`: the new configuration's text, or `path`: a file on
/// the server): what it would change against the running database. Administrators only.
Response diff_page(WebContext& context, const ui::Page& page, const Fields* form);

}  // namespace tilsyn::http
