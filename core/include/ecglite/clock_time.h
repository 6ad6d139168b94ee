// The wall-clock time at which a recording starts, when its file says it (WFDB base time and date,
// EDF start date and time): what turns "2 h 10 min into the recording" into "14:43:59". The time is
// the recorder's local time as written; no time zone or daylight-saving change is known, so a later
// moment is the start plus the elapsed time (as Holter reports count it).
#pragma once
#include <optional>
#include <string>

namespace ecglite {

struct ClockTime {
  bool has_date = false;  // false: a time of day only (a WFDB base time without a base date)
  // Seconds since 1970-01-01 00:00:00 of the recorder's clock (proleptic Gregorian calendar, no leap
  // seconds) when has_date; else seconds since midnight.
  double seconds = 0;

  // This time plus `elapsed_s` (a time of day only passes midnight into the next day: day_offset()).
  ClockTime plus(double elapsed_s) const { return {has_date, seconds + elapsed_s}; }
  // ISO 8601 without a zone: "2020-05-12T12:33:59", "12:33:59" without a date; ".250" when the time
  // is not a whole second (rounded to milliseconds).
  std::string iso() const;
  // "12:33:59": the time of day (seconds rounded), for tables.
  std::string time_of_day() const;
  // Days after the day of `start` on which this time falls (0 on the same day): a 24-hour recording
  // started at 08:00 reaches 07:59 of day 1.
  long long day_offset(const ClockTime& start) const;
};

// The clock time of year-month-day hour:minute:second when every field is a real calendar date and
// time of day (hour < 24, minute < 60, 0 <= second < 60, the month's days with leap years, year
// 1-9999); year 0 with month and day 0: a time of day only. Otherwise nothing: a start time that is
// not a real time is left out rather than shown wrong.
std::optional<ClockTime> make_clock_time(int year, int month, int day, int hour, int minute, double second);

}  // namespace ecglite
