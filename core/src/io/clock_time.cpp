// Clock times of recordings (clock_time.h): calendar arithmetic on days since 1970-01-01 (H. Hinnant's
// days_from_civil / civil_from_days), so no C library time zone or daylight-saving rule is applied.
#include "ecglite/clock_time.h"

#include <cmath>
#include <cstdio>

namespace ecglite {

namespace {

constexpr long long kDayS = 86400;

long long floor_div(long long a, long long b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = floor_div(y, 400);
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

void civil_from_days(long long z, long long& y, unsigned& m, unsigned& d) {
  z += 719468;
  const long long era = floor_div(z, 146097);
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<long long>(yoe) + era * 400 + (m <= 2);
}

}  // namespace

std::optional<ClockTime> make_clock_time(int year, int month, int day, int hour, int minute, double second) {
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || !(second >= 0 && second < 60)) return std::nullopt;
  const double of_day = hour * 3600.0 + minute * 60.0 + second;
  if (year == 0 && month == 0 && day == 0) return ClockTime{false, of_day};
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month))
    return std::nullopt;
  return ClockTime{true, static_cast<double>(days_from_civil(year, month, day)) * kDayS + of_day};
}

std::string ClockTime::iso() const {
  const long long ms = std::llround(seconds * 1000);
  const long long days = floor_div(ms, kDayS * 1000);
  const long long of_day = ms - days * kDayS * 1000;
  char time[32];
  std::snprintf(time, sizeof time, "%02lld:%02lld:%02lld", of_day / 3600000, of_day / 60000 % 60, of_day / 1000 % 60);
  std::string out = time;
  if (of_day % 1000 != 0) {
    std::snprintf(time, sizeof time, ".%03lld", of_day % 1000);
    out += time;
  }
  if (!has_date) return out;
  long long y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char date[32];
  std::snprintf(date, sizeof date, "%04lld-%02u-%02uT", y, m, d);
  return date + out;
}

std::string ClockTime::time_of_day() const {
  const long long s = std::llround(seconds);
  const long long of_day = s - floor_div(s, kDayS) * kDayS;
  char out[40];
  std::snprintf(out, sizeof out, "%02lld:%02lld:%02lld", of_day / 3600, of_day / 60 % 60, of_day % 60);
  return out;
}

long long ClockTime::day_offset(const ClockTime& start) const {
  return floor_div(std::llround(seconds), kDayS) - floor_div(std::llround(start.seconds), kDayS);
}

}  // namespace ecglite
