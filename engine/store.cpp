#include "engine/store.hpp"

namespace tilsyn {

bool DirectorySync::changed() const {
    return areas_added || areas_updated || institutions_added || institutions_updated ||
           institutions_deactivated || people_added || people_updated;
}

}  // namespace tilsyn
