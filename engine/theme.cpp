#include "engine/theme.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "engine/messages.hpp"
#include "engine/store.hpp"
#include "engine/text_rules.hpp"

namespace tilsyn {

namespace {

constexpr std::size_t kMaxThemeTitle = 200;
constexpr std::size_t kMaxThemeDescription = 4000;

bool blank(std::string_view text) {
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

int period_of(Date started_on) {
    return static_cast<int>(std::chrono::year_month_day{started_on}.year());
}

std::string period_title(int period) { return fmt::format("{}-{}", period, period + 1); }

std::optional<ThemeProblem> theme_problem(const ThemeRecord& theme,
                                          const std::vector<ThemeRecord>& existing) {
    if (!is_valid_id(theme.id)) {
        return ThemeProblem{
            "id",
            "Temaets kortnavn skal bestå af små bogstaver a-z, tal og bindestreger og "
            "begynde med et bogstav eller et tal (fx trivsel-og-fravaer)."};
    }
    if (find_theme(existing, theme.id)) {
        return ThemeProblem{"id",
                            fmt::format("Der findes allerede et tema med kortnavnet »{}«. Vælg "
                                        "et andet kortnavn.",
                                        theme.id)};
    }
    if (theme.period < 2000 || theme.period > 2100) {
        return ThemeProblem{"period",
                            "Skriv perioden som det årstal, perioden begynder i (fx 2026)."};
    }
    if (theme.age_band != "0-6" && theme.age_band != "6-18") {
        return ThemeProblem{"age_band", "Vælg aldersgruppen 0-6 eller 6-18."};
    }
    if (blank(theme.title)) return ThemeProblem{"title", "Udfyld temaets titel."};
    if (theme.title.size() > kMaxThemeTitle || has_control_character(theme.title)) {
        return ThemeProblem{"title", fmt::format("Temaets titel skal være én linje på højst {} "
                                                 "tegn.",
                                                 kMaxThemeTitle)};
    }
    if (theme.description.size() > kMaxThemeDescription ||
        has_control_character(theme.description, true)) {
        return ThemeProblem{"description", fmt::format("Beskrivelsen må højst være {} tegn.",
                                                       kMaxThemeDescription)};
    }
    return std::nullopt;
}

std::vector<const ThemeRecord*> themes_for(const std::vector<ThemeRecord>& all, int period,
                                           std::string_view age_band) {
    std::vector<const ThemeRecord*> out;
    for (const auto& theme : all) {
        if (theme.published() && theme.period == period && theme.age_band == age_band) {
            out.push_back(&theme);
        }
    }
    return out;
}

const ThemeRecord* find_theme(const std::vector<ThemeRecord>& all, std::string_view id) {
    for (const auto& theme : all) {
        if (theme.id == id) return &theme;
    }
    return nullptr;
}

std::optional<ThemeProblem> record_theme(Store& store, const ThemeRecord& theme) {
    std::optional<ThemeProblem> problem;
    store.in_transaction([&] {
        problem = theme_problem(theme, store.themes());
        if (!problem && !store.add_theme(theme)) {
            problem = ThemeProblem{"id", "Der findes allerede et tema med det id."};
        }
    });
    return problem;
}

ThemesPublished publish_themes(Store& store, const Config& config, int period,
                               std::string_view band, Instant now) {
    ThemesPublished result;
    store.in_transaction([&] {
        result.themes = store.publish_themes(period, band, now);
        if (result.themes == 0) return;
        const auto all = store.themes();
        std::string list;
        for (const ThemeRecord* theme : themes_for(all, period, band)) {
            if (!list.empty()) list += '\n';
            list += fmt::format("- {}", theme->title);
            if (!blank(theme->description)) list += fmt::format("\n  {}", theme->description);
        }
        const TemplateValues values{{"period", period_title(period)},
                                    {"age_band", std::string(band)},
                                    {"theme_list", list}};
        std::set<std::string> told;
        for (const auto& inst : config.institutions) {
            if (age_band(inst.kind) != band) continue;
            for (const auto& person : people_for(config, inst, {Role::leader, Role::area_chief})) {
                if (!told.insert(person.email).second) continue;
                const MailText text = themes_mail(config, values, person);
                OutboxMessage message;
                message.message_id =
                    message_id(fmt::format("themes/{}/{}", period, band), "", 0,
                               fmt::format("themes_published\n{}", now.time_since_epoch().count()),
                               0, person.email);
                message.recipient = mail_recipient(person);
                message.subject = text.subject;
                message.body = text.body;
                message.queued_at = now;
                message.next_attempt_at = now;
                result.mails += store.enqueue(message) ? 1 : 0;
            }
        }
    });
    return result;
}

}  // namespace tilsyn
