import datetime as dt

import pytest

from articles.ingest.jalali import is_leap_year, jalali_to_gregorian, month_length


@pytest.mark.parametrize(
    ("jalali", "gregorian"),
    [
        ((1398, 6, 14), dt.date(2019, 9, 5)),
        ((1400, 1, 1), dt.date(2021, 3, 21)),
        ((1382, 1, 1), dt.date(2003, 3, 21)),
        ((1399, 12, 30), dt.date(2021, 3, 20)),  # 1399 is a leap year
        ((1383, 10, 12), dt.date(2005, 1, 1)),  # Hamshahri's HAM2-831012 example
        ((1403, 1, 1), dt.date(2024, 3, 20)),  # Nowruz after a Gregorian leap day
        ((1404, 1, 1), dt.date(2025, 3, 21)),
        ((1357, 11, 22), dt.date(1979, 2, 11)),
    ],
)
def test_known_dates(jalali, gregorian):
    assert jalali_to_gregorian(*jalali) == gregorian


@pytest.mark.parametrize(
    "jalali",
    [
        (1399, 13, 1),  # no month 13
        (1399, 0, 1),
        (1399, 1, 0),
        (1399, 1, 32),
        (1399, 7, 31),  # months 7-11 have 30 days
        (1400, 12, 30),  # 1400 is a common year: Esfand has 29 days
        (0, 1, 1),
    ],
)
def test_dates_that_do_not_exist_raise(jalali):
    with pytest.raises(ValueError):
        jalali_to_gregorian(*jalali)


def test_leap_years_follow_the_calendar():
    leap = [year for year in range(1390, 1410) if is_leap_year(year)]
    assert leap == [1391, 1395, 1399, 1403, 1408]  # five years from 1403 to 1408


def test_month_lengths():
    assert [month_length(1400, m) for m in range(1, 13)] == [31] * 6 + [30] * 5 + [29]
    assert month_length(1399, 12) == 30


def test_consecutive_days_map_to_consecutive_days():
    # Every day of Jalali 1300-1450 follows the one before: no gaps or overlaps between
    # months or years, whatever the leap pattern.
    previous = jalali_to_gregorian(1300, 1, 1) - dt.timedelta(days=1)
    for year in range(1300, 1451):
        for month in range(1, 13):
            for day in range(1, month_length(year, month) + 1):
                current = jalali_to_gregorian(year, month, day)
                assert current - previous == dt.timedelta(days=1), (year, month, day)
                previous = current
