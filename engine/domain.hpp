// The composition root's one product: what every service reads of the configuration, built
// once from a loaded configuration and shared (the case service, scheduler, web app, CLI,
// bench and fuzz targets). Immutable; a SIGHUP builds a new Domain from one parse and swaps
// the pointer, so the daemon and its web app never hold two versions of one file.
#pragma once

#include <memory>

#include "engine/calendar.hpp"
#include "engine/config.hpp"
#include "engine/time_zone.hpp"

namespace tilsyn {

struct Domain {
    Config config;
    TimeZone zone;
    Calendar calendar;  // the configured working days: holidays and closed days
    // The workflow catalogue is fixed in code, not configuration: workflows::all_workflows().

    Domain(Config config, TimeZone zone);
};

/// A shared, immutable Domain.
std::shared_ptr<const Domain> make_domain(Config config, TimeZone zone);

}  // namespace tilsyn
