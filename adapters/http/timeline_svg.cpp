#include "adapters/http/timeline_svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "adapters/http/labels.hpp"
#include "engine/html.hpp"
#include "engine/messages.hpp"
#include "workflows/description.hpp"

namespace tilsyn::http::ui {

namespace {

// The drawing, in px: the labels' column, the chart's span, the axis and the rows.
constexpr int kWidth = 1100;
constexpr int kChartLeft = 270;
constexpr int kChartRight = 1080;
constexpr int kAxis = 36;
constexpr int kRow = 24;
constexpr int kHeading = 30;
constexpr std::size_t kLabelChars = 40;

// The colours of dashboard.css (presentation attributes: the CSP allows no inline style).
constexpr std::string_view kInk = "#1d2733", kMuted = "#5b6875", kLine = "#d8dee4",
                           kGreen = "#1a7f37", kAmber = "#8a5a00", kRed = "#b42318",
                           kAccent = "#0b5cad", kBand = "#eef2f6";

constexpr std::string_view kMonths[] = {"jan", "feb", "mar", "apr", "maj", "jun",
                                        "jul", "aug", "sep", "okt", "nov", "dec"};

/// One line of the chart: a deadline of a step (in a round), and the reminders and
/// escalations of that step and round armed with it.
struct Line {
    const DeadlineView* due;
    std::string label;
    std::vector<const DeadlineView*> notices;
};

struct Group {
    std::string heading;
    std::vector<Line> lines;
};

Date fire_date(Instant at, const TimeZone* zone) {
    if (zone) return local_date(at, *zone);
    return std::chrono::floor<std::chrono::days>(at);
}

/// `text` cut to `max` characters (UTF-8 code points) with "…".
std::string clipped(const std::string& text, std::size_t max) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
        if (++chars > max - 1) return text.substr(0, i) + "…";
    }
    return text;
}

std::vector<Group> groups_of(const InstitutionView& view) {
    std::vector<Group> groups;
    for (const auto& detail : view.cycles) {
        const auto& cycle = detail.summary.row.cycle;
        const auto* workflow = workflows::find_workflow(cycle.workflow);
        Group group{fmt::format("{} · startet {}", workflow_label(cycle.workflow),
                                danish_date(cycle.started_on)),
                    {}};
        std::vector<const DeadlineView*> due, notices;
        for (const auto& d : detail.deadlines) {
            (d.deadline.kind == "due" ? due : notices).push_back(&d);
        }
        auto order = [&](const DeadlineView* v) {
            const int index = workflow ? workflow->step_index(v->deadline.step) : -1;
            return std::make_tuple(v->deadline.round, index, v->deadline.id);
        };
        std::stable_sort(due.begin(), due.end(),
                         [&](auto* a, auto* b) { return order(a) < order(b); });
        for (std::size_t i = 0; i < due.size(); ++i) {
            const auto& d = due[i]->deadline;
            bool again = false;  // the step armed again in its round: a new deadline
            for (std::size_t j = 0; j < i; ++j) {
                again =
                    again || (due[j]->deadline.step == d.step && due[j]->deadline.round == d.round);
            }
            group.lines.push_back({due[i],
                                   fmt::format("{}{}{}", workflows::step_title(d.step),
                                               d.round ? fmt::format(" (runde {})", d.round) : "",
                                               again ? " – ny frist" : ""),
                                   {}});
        }
        // A reminder or escalation belongs to the last deadline of its step and round armed
        // before it.
        for (const auto* notice : notices) {
            Line* owner = nullptr;
            for (auto& line : group.lines) {
                const auto& d = line.due->deadline;
                if (d.step == notice->deadline.step && d.round == notice->deadline.round &&
                    (!owner || d.id < notice->deadline.id)) {
                    owner = &line;
                }
            }
            if (owner) owner->notices.push_back(notice);
        }
        if (!group.lines.empty()) groups.push_back(std::move(group));
    }
    return groups;
}

std::string diamond(double x, int y, std::string_view fill, std::string_view stroke) {
    return fmt::format(R"(<path d="M{0:.1f} {1}l6 6l-6 6l-6-6z" fill="{2}" stroke="{3}" )"
                       R"(stroke-width="1.5"/>)",
                       x, y - 6, fill, stroke);
}

}  // namespace

std::string timeline_svg(const InstitutionView& view, Date today, const TimeZone* zone) {
    const auto groups = groups_of(view);
    if (groups.empty()) return {};

    // The span: from the first start to the last date drawn (and today), with a margin.
    Date from = today, to = today;
    for (const auto& detail : view.cycles)
        from = std::min(from, detail.summary.row.cycle.started_on);
    for (const auto& group : groups) {
        for (const auto& line : group.lines) {
            to = std::max(to, line.due->deadline.due_on);
            if (line.due->completed_on) to = std::max(to, *line.due->completed_on);
            for (const auto* n : line.notices)
                to = std::max(to, fire_date(n->deadline.fire_at, zone));
        }
    }
    from -= std::chrono::days{10};
    to += std::chrono::days{20};
    const double span = static_cast<double>((to - from).count());
    auto x = [&](Date d) {
        return kChartLeft +
               static_cast<double>((d - from).count()) / span * (kChartRight - kChartLeft);
    };

    int height = kAxis;
    for (const auto& group : groups)
        height += kHeading + kRow * static_cast<int>(group.lines.size());
    height += 8;

    std::string out = fmt::format(
        R"(<svg xmlns="http://www.w3.org/2000/svg" class="timeline-chart" width="{0}" )"
        R"(height="{1}" viewBox="0 0 {0} {1}" role="img" aria-labelledby="tidslinje-titel">)"
        R"(<title id="tidslinje-titel">Tidslinje for {2}: frister, udført, påmindelser og i dag )"
        R"(({3})</title>)",
        kWidth, height, html_escape(view.institution->name), danish_date(today));

    // Months on the axis (every third one over a long span), with a faint line down.
    const std::chrono::year_month_day first{from};
    std::chrono::year_month month{first.year(), first.month()};
    const bool sparse = span > 300;
    for (;; month += std::chrono::months{1}) {
        const Date day = std::chrono::sys_days{month / std::chrono::day{1}};
        if (day > to) break;
        if (day < from) continue;
        const unsigned m = static_cast<unsigned>(month.month());
        if (sparse && (m - 1) % 3 != 0) continue;
        const double at = x(day);
        out += fmt::format(R"(<line x1="{0:.1f}" y1="{1}" x2="{0:.1f}" y2="{2}" stroke="{3}"/>)",
                           at, kAxis - 6, height - 4, kLine);
        out += fmt::format(
            R"(<text x="{:.1f}" y="{}" font-size="11" fill="{}">{}{}</text>)", at + 3, kAxis - 12,
            kMuted, kMonths[m - 1],
            m == 1 || !sparse ? fmt::format(" {}", static_cast<int>(month.year())) : "");
    }

    int y = kAxis;
    for (const auto& group : groups) {
        out += fmt::format(R"(<rect x="0" y="{}" width="{}" height="{}" fill="{}"/>)", y + 4,
                           kWidth, kHeading - 6, kBand);
        out += fmt::format(R"(<text x="8" y="{}" font-size="13" font-weight="600" fill="{}">{})"
                           R"(</text>)",
                           y + kHeading - 10, kInk, html_escape(group.heading));
        y += kHeading;
        for (const auto& line : group.lines) {
            const int mid = y + kRow / 2;
            const auto& d = line.due->deadline;
            const std::string& status = line.due->status;
            const auto& done = line.due->completed_on;
            std::string what = fmt::format("{} – frist {} – {}", line.label, danish_date(d.due_on),
                                           status_label(status));
            if (done) what += " " + danish_date(*done);
            out += fmt::format(R"(<g class="line" data-status="{}"><title>{}</title>)", status,
                               html_escape(what));
            out += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>)", kChartLeft,
                               y + kRow, kChartRight, y + kRow, "#eef0f3");
            out += fmt::format(R"(<text x="16" y="{}" font-size="12" fill="{}">{}</text>)", mid + 4,
                               kInk, html_escape(clipped(line.label, kLabelChars)));
            const double due_x = x(d.due_on);
            if (status == "overdue") {
                out += fmt::format(R"(<line x1="{:.1f}" y1="{}" x2="{:.1f}" y2="{}" stroke="{}" )"
                                   R"(stroke-width="3"/>)",
                                   due_x, mid, x(today), mid, kRed);
                out += diamond(due_x, mid, kRed, kRed);
            } else if (done) {
                const bool late = status == "late";
                if (late) {
                    out +=
                        fmt::format(R"(<line x1="{:.1f}" y1="{}" x2="{:.1f}" y2="{}" stroke="{}" )"
                                    R"(stroke-width="3"/>)",
                                    due_x, mid, x(*done), mid, kAmber);
                }
                out += diamond(due_x, mid, "#fff", kMuted);
                out += fmt::format(R"(<circle cx="{:.1f}" cy="{}" r="5" fill="{}"/>)", x(*done),
                                   mid, late ? kAmber : kGreen);
            } else if (status == "coming") {
                out += diamond(due_x, mid, "#fff", kMuted);
            } else {  // done earlier (no date kept) or closed without being done
                out += diamond(due_x, mid, "#8795a1", "#8795a1");
            }
            for (const auto* notice : line.notices) {
                const Date on = fire_date(notice->deadline.fire_at, zone);
                const bool sent = notice->status == "sent";
                out += fmt::format(
                    R"(<path d="M{0:.1f} {1}l4 7h-8z" fill="{2}" stroke="{3}"><title>{4} {5}: {6})"
                    R"(</title></path>)",
                    x(on), mid + 3, sent ? kAccent : "#fff",
                    notice->status == "closed" ? "#8795a1" : kAccent,
                    deadline_kind_label(notice->deadline.kind), danish_date(on),
                    status_label(notice->status));
            }
            out += "</g>";
            y += kRow;
        }
    }
    const double now = x(today);
    out += fmt::format(R"(<line x1="{0:.1f}" y1="{1}" x2="{0:.1f}" y2="{2}" stroke="{3}" )"
                       R"(stroke-width="1.5" stroke-dasharray="4 3"/>)"
                       R"(<text x="{0:.1f}" y="{4}" font-size="11" font-weight="600" fill="{3}" )"
                       R"(text-anchor="middle">I dag</text>)",
                       now, kAxis - 6, height - 4, kRed, kAxis - 24);
    return out + "</svg>";
}

}  // namespace tilsyn::http::ui
