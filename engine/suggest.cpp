#include "engine/suggest.hpp"

#include <algorithm>
#include <vector>

namespace tilsyn {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
    for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= n; ++i) {
        for (std::size_t j = 1; j <= m; ++j) {
            std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[n][m];
}

std::optional<std::string> closest_match(std::string_view word,
                                         std::span<const std::string_view> candidates) {
    std::optional<std::string> best;
    std::size_t best_distance = 0;
    for (auto candidate : candidates) {
        auto distance = edit_distance(word, candidate);
        if (!best || distance < best_distance) {
            best = std::string(candidate);
            best_distance = distance;
        }
    }
    // Plausible typos only: a third of the word's length, at least 1, at most 3 edits.
    std::size_t limit = std::clamp<std::size_t>(word.size() / 3, 1, 3);
    if (!best || best_distance > limit) return std::nullopt;
    return best;
}

std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
    auto match = closest_match(word, candidates);
    return match ? " (did you mean '" + *match + "'?)" : std::string();
}

std::string did_you_mean(std::string_view word,
                         std::initializer_list<std::string_view> candidates) {
    return did_you_mean(word,
                        std::span<const std::string_view>(candidates.begin(), candidates.size()));
}

}  // namespace tilsyn
