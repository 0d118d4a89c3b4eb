#include "engine/domain.hpp"

#include <utility>

namespace tilsyn {

Domain::Domain(Config c, TimeZone z)
    : config(std::move(c)),
      zone(std::move(z)),
      calendar(config.calendar.danish_holidays, config.calendar.closed_days) {}

std::shared_ptr<const Domain> make_domain(Config config, TimeZone zone) {
    return std::make_shared<const Domain>(std::move(config), std::move(zone));
}

}  // namespace tilsyn
