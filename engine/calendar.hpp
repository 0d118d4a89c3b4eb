// Danish working-day calendar: weekends, public holidays computed for any year, and the
// closed days an administrator configures. Pure and thread-safe.
#pragma once

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/civil_time.hpp"

namespace tilsyn {

/// A configured closed day: every year on month/day, or once when `year` is set.
struct ClosedDay {
    int month = 0;
    int day = 0;
    std::optional<int> year;
};

/// Easter Sunday (Gregorian computus).
Date easter_sunday(int year);

/// The Danish public holidays (helligdage) of a year with their Danish names, in date order.
/// Store Bededag is included up to and including 2023 only (abolished from 2024).
std::vector<std::pair<Date, std::string_view>> danish_public_holidays(int year);

class Calendar {
  public:
    Calendar() = default;
    Calendar(bool danish_holidays, std::vector<ClosedDay> closed_days);

    /// Monday-Friday and neither a public holiday (if enabled) nor a configured closed day.
    bool is_working_day(Date date) const;

    /// Why a date is not a working day ("lørdag", "Langfredag", "lukkedag", ...), or nullopt.
    std::optional<std::string_view> closed_reason(Date date) const;

    /// `date` itself when it is a working day, else the next one.
    Date next_working_day(Date date) const;

    /// `date` itself when it is a working day, else the previous one.
    Date previous_working_day(Date date) const;

    /// Counts working days: n > 0 gives the n-th working day after `date`, n < 0 the |n|-th
    /// working day before it, 0 gives `date` unchanged.
    Date add_workdays(Date date, int n) const;

  private:
    bool danish_holidays_ = true;
    std::vector<ClosedDay> closed_days_;
};

}  // namespace tilsyn
