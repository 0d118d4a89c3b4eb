#include "engine/plan_format.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "engine/messages.hpp"
#include "engine/who_acts.hpp"
#include "workflows/description.hpp"

namespace tilsyn {

namespace {

// Output is assembled in a buffer and handed to the stream in large pieces.
constexpr std::size_t kFlushBytes = 1 << 20;

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    for (char c : text) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

namespace {

unsigned role_mask(const std::vector<Role>& roles) {
    unsigned mask = 0;
    for (Role role : roles) mask |= 1u << static_cast<unsigned>(role);
    return mask;
}

std::string_view step_label(const Config& config, const PlanItem& item) {
    if (item.kind == PlanKind::start) return "start";
    const workflows::WorkflowDescription* workflow =
        workflows::find_workflow(config.cycles[item.cycle].workflow);
    return workflow ? workflow->steps[item.step].id : std::string_view("?");
}

}  // namespace

std::vector<Role> plan_item_roles(const Config& config, const PlanItem& item) {
    const CycleConfig& cycle = config.cycles[item.cycle];
    const workflows::WorkflowDescription* workflow = workflows::find_workflow(cycle.workflow);
    if (!workflow) return {};
    switch (item.kind) {
        case PlanKind::start:
            return step_reminded(&cycle, workflow->steps.front());
        case PlanKind::due:
        case PlanKind::reminder:
            return step_reminded(&cycle, workflow->steps[item.step]);
        case PlanKind::escalation:
            return cycle.escalation[item.level - 1].to;
    }
    return {};
}

std::vector<std::string> recipients(const Config& config, const Institution& institution,
                                    const std::vector<Role>& roles) {
    std::vector<std::string> result;
    for (const auto& person : people_for(config, institution, roles))
        result.push_back(person.email);
    return result;
}

namespace {

/// A step the observing institution's leader does, for a plan item (not a cycle's start).
bool observer_step(const Config& config, const PlanItem& item) {
    if (item.kind == PlanKind::start) return false;
    const auto* workflow = workflows::find_workflow(config.cycles[item.cycle].workflow);
    return workflow && workflow->steps[item.step].observer_acts;
}

/// Who a plan item of an observer's step goes to: the plan knows the observers the config
/// names (not those an observer_assigned event will name later).
std::vector<std::string> observer_recipients(const Config& config, const PlanItem& item) {
    const CycleConfig& cycle = config.cycles[item.cycle];
    const Institution& observed = config.institutions[item.institution];
    const Institution* observer = nullptr;
    for (const auto& [who, by] : cycle.observers) {
        if (who != observed.id) continue;
        for (const auto& inst : config.institutions) {
            if (inst.id == by) observer = &inst;
        }
    }
    std::vector<std::string> result;
    for (const auto& addressed :
         observer_addressing(observed, observer, plan_item_roles(config, item))) {
        for (auto& email : recipients(config, *addressed.institution, addressed.roles)) {
            if (std::find(result.begin(), result.end(), email) == result.end()) {
                result.push_back(std::move(email));
            }
        }
    }
    return result;
}

}  // namespace

std::vector<std::string> plan_recipients(const Config& config, const PlanItem& item) {
    if (observer_step(config, item)) return observer_recipients(config, item);
    return recipients(config, config.institutions[item.institution], plan_item_roles(config, item));
}

namespace {
constexpr unsigned kRoleSets = 32;  // subsets of the five roles
}  // namespace

PlanWriter::PlanWriter(std::ostream& out, const Config& config, const TimeZone& zone,
                       PlanFormat format, Instant stamp)
    : out_(out), config_(config), zone_(zone), format_(format), dtstamp_(format_utc_basic(stamp)) {
    buffer_.reserve(kFlushBytes + 4096);
    if (format_ == PlanFormat::json) {
        to_cache_.resize(config.institutions.size() * kRoleSets);
        institution_json_.reserve(config.institutions.size());
        for (const auto& inst : config.institutions) {
            std::string json;
            append_json_string(json, inst.id);
            institution_json_.push_back(std::move(json));
        }
        for (const auto& cycle : config.cycles) {
            std::string json = ",\"cycle\":";
            append_json_string(json, cycle.id);
            json += ",\"step\":\"";
            cycle_json_.push_back(std::move(json));
            std::vector<std::string> steps;
            std::vector<unsigned> step_roles, escalation_roles;
            std::vector<bool> observer_steps;
            if (const auto* workflow = workflows::find_workflow(cycle.workflow)) {
                for (const auto& step : workflow->steps) {
                    steps.emplace_back(step.id);
                    step_roles.push_back(role_mask(step_reminded(&cycle, step)));
                    observer_steps.push_back(step.observer_acts);
                }
            }
            observer_steps_.push_back(std::move(observer_steps));
            for (const auto& level : cycle.escalation)
                escalation_roles.push_back(role_mask(level.to));
            step_json_.push_back(std::move(steps));
            step_roles_.push_back(std::move(step_roles));
            escalation_roles_.push_back(std::move(escalation_roles));
        }
    }
    if (format_ == PlanFormat::table) {
        fmt::format_to(std::back_inserter(buffer_), "{:<25} {:<12} {:<28} {:<22} {:<24} {}\n", "AT",
                       "KIND", "INSTITUTION", "CYCLE", "STEP", "TO");
    }
    if (format_ == PlanFormat::ics) {
        append_ics_calendar_begin(buffer_, "Tilsyn plan",
                                  "Tilsyn – frister: " + config.organisation.name);
    }
}

PlanWriter::~PlanWriter() {
    // Destructors never throw: a writer abandoned by an exception just drops its buffer.
}

void PlanWriter::flush() {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
}

void PlanWriter::add(const PlanItem& item) {
    switch (format_) {
        case PlanFormat::json:
            add_json(item);
            break;
        case PlanFormat::table:
            add_table(item);
            break;
        case PlanFormat::ics:
            add_ics(item);
            break;
    }
    if (buffer_.size() >= kFlushBytes) flush();
}

void PlanWriter::finish() {
    if (finished_) return;
    finished_ = true;
    if (format_ == PlanFormat::ics) buffer_ += fold_ics_line("END:VCALENDAR");
    flush();
    out_.flush();
}

const std::string& PlanWriter::to_json(const PlanItem& item) {
    const bool observer = item.kind != PlanKind::start && observer_steps_[item.cycle][item.step];
    unsigned mask = 0;
    switch (item.kind) {
        case PlanKind::start:
            mask = step_roles_[item.cycle].front();
            break;
        case PlanKind::due:
        case PlanKind::reminder:
            mask = step_roles_[item.cycle][item.step];
            break;
        case PlanKind::escalation:
            mask = escalation_roles_[item.cycle][item.level - 1];
            break;
    }
    // An observer's step goes to the observer its cycle names for the institution: cached per
    // cycle too.
    std::string& to = observer ? observer_to_cache_[(std::uint64_t{item.cycle} << 40) |
                                                    (std::uint64_t{item.institution} << 8) | mask]
                               : to_cache_[item.institution * kRoleSets + mask];
    if (to.empty()) {
        to = "[";
        for (const auto& email : plan_recipients(config_, item)) {
            if (to.size() > 1) to += ',';
            append_json_string(to, email);
        }
        to += ']';
    }
    return to;
}

void PlanWriter::add_json(const PlanItem& item) {
    if (item.at != last_at_ || time_fields_.empty()) {
        time_fields_ = fmt::format(R"({{"at":"{}","date":"{}","institution":)",
                                   format_local_iso(item.at, zone_.offset_at(item.at)),
                                   format_date(item.date));
        last_at_ = item.at;
    }
    buffer_ += time_fields_;
    buffer_ += institution_json_[item.institution];
    buffer_ += cycle_json_[item.cycle];
    buffer_ += item.kind == PlanKind::start ? std::string_view("start")
                                            : std::string_view(step_json_[item.cycle][item.step]);
    buffer_ += "\",\"kind\":\"";
    buffer_ += plan_kind_name(item.kind);
    buffer_ += "\",\"to\":";
    buffer_ += to_json(item);
    if (item.round) fmt::format_to(std::back_inserter(buffer_), ",\"round\":{}", item.round);
    if (item.kind == PlanKind::escalation) {
        fmt::format_to(std::back_inserter(buffer_), ",\"level\":{}", item.level);
    }
    buffer_ += "}\n";
}

void PlanWriter::add_table(const PlanItem& item) {
    std::string step(step_label(config_, item));
    if (item.round) step += fmt::format(" #{}", item.round);
    std::string kind(plan_kind_name(item.kind));
    if (item.kind == PlanKind::escalation) kind += fmt::format(" {}", item.level);
    std::string to;
    for (const auto& email : plan_recipients(config_, item)) {
        if (!to.empty()) to += ", ";
        to += email;
    }
    fmt::format_to(std::back_inserter(buffer_), "{:<25} {:<12} {:<28} {:<22} {:<24} {}\n",
                   format_local_iso(item.at, zone_.offset_at(item.at)), kind,
                   config_.institutions[item.institution].id, config_.cycles[item.cycle].id, step,
                   to);
}

void PlanWriter::add_ics(const PlanItem& item) {
    if (item.kind != PlanKind::due) return;
    const Institution& institution = config_.institutions[item.institution];
    const CycleConfig& cycle = config_.cycles[item.cycle];
    const workflows::StepDescription& step =
        workflows::find_workflow(cycle.workflow)->steps[item.step];
    std::string to;
    for (const auto& email : plan_recipients(config_, item)) to += (to.empty() ? "" : ", ") + email;
    const std::string round = item.round ? fmt::format(" (runde {})", item.round) : "";
    const std::string uid =
        fmt::format("{}-{}-{}-{}{}@tilsyn", cycle.id, institution.id, step.id, ics_date(item.date),
                    item.round ? fmt::format("-r{}", item.round) : "");
    const std::string summary =
        fmt::format("Frist: {}{} – {}", step.title, round, institution.name);
    const std::string description =
        fmt::format("Cyklus: {}\nTrin: {}\nAnsvarlige: {}\n{}", cycle.id, step.id, to,
                    config_.organisation.dashboard_url);
    append_ics_day_event(buffer_, {uid, item.date, summary, description}, dtstamp_);
}

namespace {
void write_all(std::ostream& out, const Config& config, const TimeZone& zone, PlanFormat format,
               const std::vector<PlanItem>& items, Instant stamp) {
    PlanWriter writer(out, config, zone, format, stamp);
    for (const auto& item : items) writer.add(item);
    writer.finish();
}
}  // namespace

void write_plan_json(std::ostream& out, const Config& config, const TimeZone& zone,
                     const std::vector<PlanItem>& items) {
    write_all(out, config, zone, PlanFormat::json, items, Instant{});
}

void write_plan_table(std::ostream& out, const Config& config, const TimeZone& zone,
                      const std::vector<PlanItem>& items) {
    write_all(out, config, zone, PlanFormat::table, items, Instant{});
}

void write_plan_ics(std::ostream& out, const Config& config, const std::vector<PlanItem>& items,
                    Instant stamp) {
    write_all(out, config, TimeZone::utc(), PlanFormat::ics, items, stamp);
}

std::string escape_ics_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case ';':
                out += "\\;";
                break;
            case ',':
                out += "\\,";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                break;
            default:
                // RFC 5545 3.3.11: TEXT holds no control character but HTAB.
                if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) break;
                out += c;
        }
    }
    return out;
}

void append_ics_calendar_begin(std::string& out, std::string_view product, std::string_view name) {
    out += fold_ics_line("BEGIN:VCALENDAR");
    out += fold_ics_line("VERSION:2.0");
    out += fold_ics_line(fmt::format("PRODID:-//Tilsyn//{}//DA", product));
    out += fold_ics_line("CALSCALE:GREGORIAN");
    out += fold_ics_line("METHOD:PUBLISH");
    out += fold_ics_line("X-WR-CALNAME:" + escape_ics_text(name));
}

void append_ics_day_event(std::string& out, const IcsDayEvent& event, std::string_view dtstamp) {
    auto line = [&](std::string_view content) { out += fold_ics_line(content); };
    line("BEGIN:VEVENT");
    line("UID:" + escape_ics_text(event.uid));
    line(fmt::format("DTSTAMP:{}", dtstamp));
    line("DTSTART;VALUE=DATE:" + ics_date(event.date));
    line("DTEND;VALUE=DATE:" + ics_date(event.date + std::chrono::days{1}));
    line("SUMMARY:" + escape_ics_text(event.summary));
    line("DESCRIPTION:" + escape_ics_text(event.description));
    line("TRANSP:TRANSPARENT");
    line("END:VEVENT");
}

std::string ics_date(Date date) {
    std::string text = format_date(date);
    text.erase(std::remove(text.begin(), text.end(), '-'), text.end());
    return text;
}

std::string fold_ics_line(std::string_view line) {
    // RFC 5545 §3.1: at most 75 octets per line; a continuation starts with one space.
    std::string out;
    std::size_t limit = 75;
    while (line.size() > limit) {
        std::size_t cut = limit;
        while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
        out.append(line.substr(0, cut));
        out += "\r\n ";
        line.remove_prefix(cut);
        limit = 74;
    }
    out.append(line);
    out += "\r\n";
    return out;
}

}  // namespace tilsyn
