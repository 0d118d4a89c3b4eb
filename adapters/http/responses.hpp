// The answers the API and the dashboard routes build: JSON bodies and errors, HTML pages with
// the dashboard's security headers, and redirects.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "adapters/http/http_types.hpp"
#include "engine/error_code.hpp"

namespace tilsyn::http {

Response json_response(int status, std::string body);

/// What people read when the database fails or does not answer (503, API and dashboard).
inline constexpr std::string_view kDatabaseUnavailableMessage =
    "Databasen svarer ikke lige nu. Prøv igen om lidt.";

/// Every error the API answers (interface.md §5): {"error": code, "message": message, "field":
/// field} plus extra members; `message` is Danish and for people, `field` left out when empty.
Response json_error(int status, ErrorCode code, std::string_view message,
                    std::string_view field = {}, boost::json::object extra = {});

/// An HTML page that loads nothing from elsewhere and may not be framed.
Response html(int status, std::string body);

/// 303 See Other.
Response redirect(std::string location);

}  // namespace tilsyn::http
