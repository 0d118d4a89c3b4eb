// The answers the API and the dashboard routes build: JSON bodies and errors, HTML pages with
// the dashboard's security headers, and redirects.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "adapters/http/http_types.hpp"

namespace tilsyn::http {

Response json_response(int status, std::string body);

/// {"error": message, "field": field} (field left out when empty) plus extra members.
Response json_error(int status, std::string_view message, std::string_view field = {},
                    boost::json::object extra = {});

/// An HTML page that loads nothing from elsewhere and may not be framed.
Response html(int status, std::string body);

/// 303 See Other.
Response redirect(std::string location);

}  // namespace tilsyn::http
