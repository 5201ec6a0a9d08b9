import contextlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from articles.search import export
from articles.search.service import SearchOverBudget, SearchParams, SearchUnavailable


class Command(BaseCommand):
    help = (
        "Write a search's published articles as CSV or JSON Lines, with no limit on the "
        "number of rows (the site's and the API's exports stop at "
        f"{export.MAX_ROWS:,}). The search is the search page's: a query, filters, a date "
        "range and an order."
    )

    def add_arguments(self, parser):
        parser.add_argument("-q", "--query", default="", help="The query, as on the search page.")
        parser.add_argument(
            "-f",
            "--filter",
            action="append",
            default=[],
            metavar="FIELD:VALUE",
            help="A facet filter, e.g. publication:Reuters (repeatable).",
        )
        parser.add_argument(
            "--from", dest="date_from", default="", help="2019, 2019-09 or 2019-09-05"
        )
        parser.add_argument("--to", dest="date_to", default="", help="2019, 2019-09 or 2019-09-05")
        parser.add_argument("--sort", default="newest", help="relevance, newest or oldest")
        parser.add_argument("--format", choices=export.FORMATS, default="csv")
        parser.add_argument("--full-text", action="store_true", help="Include each body.")
        parser.add_argument(
            "--base-url",
            default="",
            help="Prefix for each article's address, e.g. https://archive.example.org",
        )
        parser.add_argument(
            "--time-limit",
            type=float,
            default=60.0,
            help="Seconds the search engine may take to find the matches (default 60).",
        )
        parser.add_argument("-o", "--output", default="-", help="A file (default: stdout).")

    def handle(
        self,
        *args,
        query,
        filter,
        date_from,
        date_to,
        sort,
        format,
        full_text,
        base_url,
        output,
        **options,
    ):
        values = QueryDict(mutable=True)
        values.update({"q": query, "from": date_from, "to": date_to, "sort": sort})
        values.setlist("f", filter)
        params = SearchParams.from_query(values)
        # Not a web request: a large export may take the engine longer than a page may.
        settings.SEARCH_TIME_LIMIT = options["time_limit"]
        for error in params.errors:
            self.stderr.write(error)
        try:
            ids = export.matching_ids(params, limit=None)
        except SearchOverBudget as exc:
            raise CommandError(f"The query is too costly: {exc}") from exc
        except SearchUnavailable as exc:
            raise CommandError(f"Search is unavailable: {exc}") from exc
        base = base_url.rstrip("/")
        records = export.rows(ids, lambda path: base + path, full_text=full_text)
        pieces = (
            export.as_csv(records, full_text=full_text)
            if format == "csv"
            else export.as_jsonl(records)
        )
        with contextlib.ExitStack() as stack:
            if output == "-":
                write = lambda piece: self.stdout.write(piece, ending="")  # noqa: E731
            else:
                write = stack.enter_context(open(output, "w", encoding="utf-8", newline="")).write
            for piece in pieces:
                write(piece)
        self.stderr.write(f"{len(ids):,} articles matched.")
