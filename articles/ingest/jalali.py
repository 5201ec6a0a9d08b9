"""Jalali (Solar Hijri) to Gregorian dates, for Persian sources that date by the Iranian calendar.

The arithmetic is Borkowski's, as used by the ``jalaali-js`` library: leap years follow
33-year cycles, re-anchored at the break years where the astronomical (official) calendar
departs from a plain cycle. It covers Jalali years 1 to 3177 here; the tests check the years
1300-1450 day by day and known dates such as Nowruz.
"""

from __future__ import annotations

import datetime as dt

# Jalali years at which the 33-year leap cycle is re-anchored (Borkowski 1996).
_BREAKS = (
    -61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210,
    1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178,
)  # fmt: skip

# First Jalali year the arithmetic can handle is 1 (no year 0); last is _BREAKS[-1] - 1.
MIN_YEAR = 1
MAX_YEAR = _BREAKS[-1] - 1


def _year_start(year: int) -> tuple[dt.date, bool]:
    """Return the Gregorian date of 1 Farvardin of ``year`` and whether ``year`` is leap."""
    gregorian_year = year + 621
    leap_days = -14
    previous_break = _BREAKS[0]
    jump = 0
    for next_break in _BREAKS[1:]:
        jump = next_break - previous_break
        if year < next_break:
            break
        leap_days += jump // 33 * 8 + jump % 33 // 4
        previous_break = next_break
    years_since_break = year - previous_break
    leap_days += years_since_break // 33 * 8 + (years_since_break % 33 + 3) // 4
    if jump % 33 == 4 and jump - years_since_break == 4:
        leap_days += 1
    gregorian_leap_days = gregorian_year // 4 - (gregorian_year // 100 + 1) * 3 // 4 - 150
    march_day = 20 + leap_days - gregorian_leap_days

    if jump - years_since_break < 6:
        years_since_break = years_since_break - jump + (jump + 4) // 33 * 33
    # Leap years are the 1st, 5th, 9th, … years of the current 33-year cycle.
    is_leap = ((years_since_break + 1) % 33 - 1) % 4 == 0
    return dt.date(gregorian_year, 3, march_day), is_leap


def is_leap_year(year: int) -> bool:
    """Whether the Jalali ``year`` has 366 days (Esfand has 30 days instead of 29)."""
    _check_year(year)
    return _year_start(year)[1]


def month_length(year: int, month: int) -> int:
    """Days in a Jalali month: 31 for months 1-6, 30 for 7-11, 29 or 30 for Esfand (12)."""
    if not 1 <= month <= 12:
        raise ValueError(f"Jalali month must be 1..12, not {month}")
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if is_leap_year(year) else 29


def jalali_to_gregorian(year: int, month: int, day: int) -> dt.date:
    """Convert a Jalali date to a Gregorian ``datetime.date``.

    Raises ``ValueError`` for dates that do not exist (month 13, 31 Mehr, 30 Esfand of a
    common year, years outside the supported range), like ``datetime.date`` does.
    """
    _check_year(year)
    if not 1 <= day <= month_length(year, month):
        raise ValueError(f"Jalali date {year}-{month:02d}-{day:02d} does not exist")
    start, _ = _year_start(year)
    day_of_year = (month - 1) * 31 if month <= 7 else 6 * 31 + (month - 7) * 30
    return start + dt.timedelta(days=day_of_year + day - 1)


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"Jalali year must be {MIN_YEAR}..{MAX_YEAR}, not {year}")
