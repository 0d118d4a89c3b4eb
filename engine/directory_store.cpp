#include "engine/directory_store.hpp"

namespace tilsyn {

bool DirectorySync::changed() const {
    return areas_added != 0 || areas_updated != 0 || institutions_added != 0 ||
           institutions_updated != 0 || institutions_deactivated != 0 || people_added != 0 ||
           people_updated != 0 || !people_disabled.empty() || !people_enabled.empty();
}

}  // namespace tilsyn
