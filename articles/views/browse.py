"""Browsing the archive: the home page, by date, on this day in earlier years, by author, by
publication and section."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter

from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from articles import public
from articles.charts import bar_chart
from articles.views.listing import (
    EarlierYearsFirst,
    first_in_earlier_years,
    initial,
    initials,
    paginate,
)

ON_THIS_DAY_ON_HOME = 4


def home(request):
    published = public.articles()
    latest = published.for_listing().newest_first()[:12]
    today = timezone.localdate()

    def totals():
        counts = {
            "articles": published.count(),
            "publications": public.publications(counts=False).count(),
            "authors": public.authors(counts=False).count(),
            "entities": public.entities(counts=False).count(),
        }
        return counts, _counts_by(published.exclude(published_on=None), _year)

    # Each a walk over every article, byline or mention: kept until the archive changes.
    counts, years = public.remembered("home-totals", totals)
    dated = [year for year, _ in years if year is not None]
    earlier = (
        first_in_earlier_years(
            public.on_this_day(today.month, today.day, today.year, dated[0]),
            ON_THIS_DAY_ON_HOME,
        )
        if dated
        else []
    )
    return render(
        request,
        "articles/home.html",
        {
            "latest": latest,
            "counts": counts,
            "years": years,
            "on_this_day": earlier,
            "today": today,
        },
    )


def on_this_day(request, month: int | None = None, day: int | None = None):
    """Articles published on this day (today, or ``month``/``day``) in earlier years, by
    year, newest first; links to the days before and after."""
    today = timezone.localdate()
    if month is None or day is None:
        month, day = today.month, today.day
    try:
        shown = dt.date(2000, month, day)  # a leap year: 29 February is a day too
    except ValueError as exc:
        raise Http404("No such day.") from exc
    articles = public.on_this_day(month, day, today.year)
    page = paginate(request, EarlierYearsFirst(articles))
    return render(
        request,
        "articles/on_this_day.html",
        {
            "page": page,
            "day": shown,
            "is_today": (month, day) == (today.month, today.day),
            "previous": shown - dt.timedelta(days=1),
            "next": shown + dt.timedelta(days=1),
        },
    )


def _counts_by(queryset, unit) -> list[tuple[int | None, int]]:
    """Articles per ``unit`` of their date (a function of the date: its year, month or day),
    in order, with the undated under None (last). Grouped by the date itself in SQL, which
    the (status, published_on) index answers, and folded here: SQLite extracts a year
    through a Python function called once per row (a quarter of a second on the corpus)."""
    totals: Counter = Counter()
    for day, n in queryset.order_by().values_list("published_on").annotate(n=Count("id")):
        totals[unit(day) if day else None] += n
    return sorted(totals.items(), key=lambda item: (item[0] is None, item[0] or 0))


def _year(day):
    return day.year


def _month(day):
    return day.month


def _day(day):
    return day.day


def date_archive(request):
    # One query: the articles with no date are the group whose year is None.
    counts = dict(_counts_by(public.articles(), _year))
    undated = counts.pop(None, 0)
    years = sorted(counts.items())
    return render(
        request,
        "articles/archive_index.html",
        {"years": years, "undated": undated, "chart": _years_chart(years)},
    )


def _years_chart(years: list[tuple[int, int]]):
    """Published articles per year as a bar chart, the years with none included. (The
    page says how many articles have no date, so the chart need not.)"""
    if not years:
        return ""
    counts = dict(years)
    return bar_chart(
        [(str(year), counts.get(year, 0)) for year in range(years[0][0], years[-1][0] + 1)],
        "Published articles per year",
        x_label="Year",
        y_label="Articles",
        chart_id="articles-per-year",
    )


def year_archive(request, year: int):
    published = public.articles().filter(published_on__year=year)
    # Every article of a year has a date: the None of the undated never comes here.
    months = [
        (dt.date(year, month, 1), n)
        for month, n in _counts_by(published, _month)
        if month is not None
    ]
    if not months:
        raise Http404("No articles that year.")
    return render(request, "articles/archive_year.html", {"year": year, "months": months})


def month_archive(request, year: int, month: int):
    # The URL's converters keep year and month within the calendar (articles/urls.py).
    published = public.articles().filter(published_on__year=year, published_on__month=month)
    days = dict(_counts_by(published, _day))
    if not days:
        raise Http404("No articles that month.")
    weeks = [
        [(day, days.get(day, 0)) for day in week]
        for week in calendar.Calendar().monthdayscalendar(year, month)
    ]
    page = paginate(request, published.for_listing().newest_first())
    return render(
        request,
        "articles/archive_month.html",
        {"month": dt.date(year, month, 1), "weeks": weeks, "page": page},
    )


def day_archive(request, year: int, month: int, day: int):
    try:
        date = dt.date(year, month, day)
    except ValueError as exc:
        raise Http404("No such date.") from exc
    articles = public.articles().filter(published_on=date)
    page = paginate(request, articles.for_listing().order_by("-id"))
    if not page.object_list:
        raise Http404("No articles that day.")
    return render(request, "articles/archive_day.html", {"date": date, "page": page})


def author_index(request):
    authors = public.authors()
    letters = initials(authors)
    letter = initial(request)
    if letter:
        authors = authors.filter(name__istartswith=letter)
    page = paginate(request, authors.order_by("name"), per_page=60)
    return render(
        request,
        "articles/author_index.html",
        {"page": page, "initials": letters, "letter": letter},
    )


def author_detail(request, slug: str):
    # Known only from unpublished articles: not public.
    author = get_object_or_404(public.authors(counts=False), slug=slug)
    page = paginate(request, public.articles_by(author).for_listing().newest_first())
    return render(request, "articles/author_detail.html", {"author": author, "page": page})


def publication_index(request):
    page = paginate(request, public.publications().order_by("name"), per_page=60)
    return render(request, "articles/publication_index.html", {"page": page})


def publication_detail(request, slug: str):
    publication = get_object_or_404(public.publications(counts=False), slug=slug)
    sections = public.sections().filter(publication=publication).order_by("name")
    articles = public.articles().filter(publication=publication)
    page = paginate(request, articles.for_listing().newest_first())
    return render(
        request,
        "articles/publication_detail.html",
        {"publication": publication, "sections": sections, "page": page},
    )


def section_detail(request, publication: str, slug: str):
    section = get_object_or_404(
        public.sections(counts=False).select_related("publication"),
        publication__slug=publication,
        slug=slug,
    )
    articles = public.articles().filter(section=section)
    page = paginate(request, articles.for_listing().newest_first())
    return render(request, "articles/section_detail.html", {"section": section, "page": page})
