"""What a hostile visitor sends: request paths over every public surface that reads
visitor input (search, the API, autocomplete, feeds, the date archive and the listings),
made of odd Unicode, long words, many terms, deep nesting and absurd numbers.

Used by tests/security/test_hostile_traffic.py (thousands of them against gunicorn) and by
bench/hostile.py (the worst of them, over and over, beside an ordinary reader). Paths are
returned already encoded, so that bytes no browser would send (invalid UTF-8, a NUL) reach
the server as they are; every path stays under gunicorn's 4,094-byte request line.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Iterator
from urllib.parse import quote

MAX_PATH = 3800  # with "GET " and " HTTP/1.1": below gunicorn's limit_request_line

# Words of the throw-away archives the tests build (tests/faults/conftest.py), Persian and
# Arabic spellings of the same names, and the query language's own syntax.
WORDS = [
    "harbour",
    "talks",
    "ceasefire",
    "grain",
    "exports",
    "convoy",
    "port",
    "Nancy",
    "Thomas",
    "Record",
    "اردوغان",
    "اردوغان‌ها",
    "ادلب",
    "تهران",
    "كتاب",
    "کتاب",
    "يک",
    "یک",
]
SYNTAX = [
    "AND",
    "OR",
    "NOT",
    "-",
    "+",
    "(",
    ")",
    '"',
    "*",
    "?",
    "~",
    "~2",
    "^3",
    ":",
    "title:",
    "author:",
    "entity:",
    "section:",
    "publication:",
    "body:",
    "by:",
    "[a TO z]",
    "{",
    "}",
    "\\",
    "/",
    "&&",
    "||",
    "!",
]
# Characters and strings that have broken text handling somewhere: direction marks and
# joiners, a byte-order mark, NUL and other controls, combining marks, astral-plane
# letters and emoji sequences, digits of other scripts, case-folding oddities, tatweel,
# a line separator, full-width letters.
ODD = [
    "\u202e",
    "\u202d",
    "\u200f",
    "\u200c",
    "\u200d",
    "\ufeff",
    "\x00",
    "\x07",
    "\x1f",
    "\x7f",
    "\u0085",
    "e" + "\u0301" * 40,
    "Z\u0351\u0337\u0322\u0317\u0353a\u0352\u0308\u0334l\u0300\u0335g\u0308\u0336o",
    "\U0001d518\U0001d52b\U0001d526",
    "\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",
    "\U0001f1ee\U0001f1f7",
    "٢٠١٩",
    "۱۳۹۸",
    "१२३",
    "İstanbul",
    "straße",
    "ﬁ",
    "ـــــ",
    "ﷺ",
    "\u2028",
    "ｔａｌｋｓ",
    "\ud800",  # a lone surrogate: sent as the bytes Python would write for it
    "\uffff",
    "\U0010ffff",
]
# Numbers where a number is expected, and things that are almost numbers.
NUMBERS = [
    "0",
    "-1",
    "1",
    "2",
    "500",
    "501",
    "99999",
    "2147483648",
    "9223372036854775808",
    "99999999999999999999",
    "9" * 300,
    "-99999999999999999999",
    "1e309",
    "1.5",
    "NaN",
    "inf",
    "0x10",
    "1_000",
    "٣",
    "²",
    " 7 ",
    "",
    "%00",
]
DATES = [
    "2019",
    "2019-09",
    "2019-09-05",
    "0000",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2019-02-30",
    "2019-13",
    "-2019",
    "99999999999999999999",
    "۱۳۹۸-۰۶-۱۴",
    "2019-09-05T00:00:00",
    "'; DROP TABLE articles_article;--",
]
SORTS = ["relevance", "newest", "oldest", "", "random", "-published_on", "ＮＥＷＥＳＴ"]
FACETS = ["publication", "section", "authors", "entities", "language", "year", "nope", ""]
KINDS = ["person", "place", "organisation", "", "PERSON", "<b>", "%"]


def encode(text: str) -> str:
    """``text`` percent-encoded as UTF-8, lone surrogates as the bytes they would be."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def query_string(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{encode(name)}={encode(value)}" for name, value in pairs)


class Hostile:
    """A seeded source of hostile input; ``paths(n)`` yields ``n`` request paths."""

    def __init__(self, seed: int = 0, slugs: list[str] | None = None):
        self.rnd = random.Random(seed)
        self.slugs = slugs or ["nancy-thomas", "the-daily-record"]

    # --- pieces of text --------------------------------------------------------------

    def long_word(self) -> str:
        alphabet = self.rnd.choice(
            [string.ascii_lowercase, "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی", "abcاب\u200cde"]
        )
        return "".join(self.rnd.choice(alphabet) for _ in range(self.rnd.randint(40, 500)))

    def many_terms(self) -> str:
        joiner = self.rnd.choice([" OR ", " ", " AND ", " -", " OR NOT ", "|"])
        terms = [
            self.rnd.choice(WORDS) + self.rnd.choice(["", "*", "~", str(self.rnd.randint(0, 9))])
            for _ in range(self.rnd.randint(20, 250))
        ]
        return joiner.join(terms)[:520]

    def nested(self) -> str:
        depth = self.rnd.randint(10, 260)
        word = self.rnd.choice(WORDS)
        shape = self.rnd.choice(
            [
                lambda: "(" * depth + word + ")" * depth,
                lambda: "(" * depth + word,
                lambda: ")" * depth + word,
                lambda: "NOT " * depth + word,
                lambda: " OR ".join(["(" + word] * depth) + ")" * depth,
                lambda: '"' * depth + word,
                lambda: "title:" * depth + word,
                lambda: "-" * depth + word,
            ]
        )
        return shape()

    def odd(self) -> str:
        parts = [self.rnd.choice(ODD + WORDS + SYNTAX) for _ in range(self.rnd.randint(1, 12))]
        return self.rnd.choice(["", " "]).join(parts)

    def syntax(self) -> str:
        return " ".join(self.rnd.choice(SYNTAX + WORDS) for _ in range(self.rnd.randint(1, 40)))

    def proximity(self) -> str:
        words = " ".join(self.rnd.choice(WORDS) for _ in range(self.rnd.randint(2, 40)))
        return f'"{words}"~{self.rnd.choice(NUMBERS)}'

    def wildcard(self) -> str:
        return " ".join(
            self.rnd.choice(["*", "?", "a*", "*a", "*" * 50, "?" * 30, "ا*", "h*r*b*"])
            for _ in range(self.rnd.randint(1, 30))
        )

    def query(self) -> str:
        return self.rnd.choice(
            [
                self.long_word,
                self.many_terms,
                self.nested,
                self.odd,
                self.syntax,
                self.proximity,
                self.wildcard,
                lambda: self.rnd.choice(WORDS),
                lambda: self.rnd.choice(NUMBERS),
            ]
        )()

    def slug(self) -> str:
        return self.rnd.choice(
            [
                lambda: self.rnd.choice(self.slugs),
                lambda: self.rnd.choice(self.slugs) + self.rnd.choice(ODD),
                self.odd,
                self.long_word,
                lambda: self.rnd.choice(NUMBERS),
                lambda: "../" * self.rnd.randint(1, 20) + "etc/passwd",
            ]
        )()

    def number(self) -> str:
        return self.rnd.choice(NUMBERS)

    def maybe(self, name: str, value: Callable[[], str]) -> list[tuple[str, str]]:
        return [(name, value())] if self.rnd.random() < 0.4 else []

    # --- requests --------------------------------------------------------------------

    def search(self) -> str:
        pairs = [("q", self.query())]
        pairs += self.maybe("page", self.number)
        pairs += self.maybe("sort", lambda: self.rnd.choice(SORTS))
        pairs += self.maybe("from", lambda: self.rnd.choice(DATES))
        pairs += self.maybe("to", lambda: self.rnd.choice(DATES))
        for _ in range(self.rnd.choice([0, 0, 1, 3, 30])):
            pairs.append(("f", f"{self.rnd.choice(FACETS)}:{self.rnd.choice(WORDS + ODD)}"))
        return "/search/?" + query_string(pairs)

    def api_search(self) -> str:
        pairs = [("q", self.query())]
        pairs += self.maybe("page", self.number)
        pairs += self.maybe("page_size", self.number)
        pairs += self.maybe("sort", lambda: self.rnd.choice(SORTS))
        pairs += self.maybe("from", lambda: self.rnd.choice(DATES))
        pairs += self.maybe("f", lambda: f"{self.rnd.choice(FACETS)}:{self.odd()}")
        return "/api/search/?" + query_string(pairs)

    def complete(self) -> str:
        return "/search/complete/?" + query_string([("q", self.query())])

    def feed(self) -> str:
        return self.rnd.choice(
            [
                lambda: "/feeds/search/?" + query_string([("q", self.query())]),
                lambda: (
                    "/feeds/search/?"
                    + query_string([("q", self.query()), ("sort", self.rnd.choice(SORTS))])
                ),
                lambda: "/feeds/latest/?" + query_string([("page", self.number())]),
                lambda: f"/feeds/authors/{encode(self.slug())}/",
                lambda: f"/feeds/entities/{encode(self.slug())}/",
            ]
        )()

    def archive(self) -> str:
        parts = [self.number() or "0" for _ in range(self.rnd.randint(1, 3))]
        if self.rnd.random() < 0.3:
            parts[self.rnd.randrange(len(parts))] = self.rnd.choice(ODD + ["2019", "9", "05"])
        path = "/archive/" + "/".join(encode(part) for part in parts) + "/"
        return path + self.rnd.choice(["", "?page=" + encode(self.number())])

    def api(self) -> str:
        return self.rnd.choice(
            [
                lambda: (
                    "/api/articles/?"
                    + query_string(
                        self.maybe("page", self.number)
                        + self.maybe("page_size", self.number)
                        + self.maybe("from", lambda: self.rnd.choice(DATES))
                        + self.maybe("to", lambda: self.rnd.choice(DATES))
                        + self.maybe("ordering", lambda: self.rnd.choice(SORTS))
                        + self.maybe("author", self.slug)
                        + self.maybe("entity", self.slug)
                        + self.maybe("language", self.odd)
                    )
                ),
                lambda: "/api/authors/?" + query_string([("page", self.number())]),
                lambda: (
                    "/api/entities/?"
                    + query_string([("kind", self.rnd.choice(KINDS)), ("page", self.number())])
                ),
                lambda: f"/api/articles/{encode(self.slug())}/",
                lambda: f"/api/authors/{encode(self.slug())}/",
                lambda: f"/api/entities/{encode(self.slug())}/",
            ]
        )()

    def listing(self) -> str:
        return self.rnd.choice(
            [
                lambda: (
                    "/authors/?" + query_string([("letter", self.odd()), ("page", self.number())])
                ),
                lambda: (
                    "/entities/?"
                    + query_string([("kind", self.rnd.choice(KINDS)), ("letter", self.odd())])
                ),
                lambda: f"/authors/{encode(self.slug())}/?page={encode(self.number())}",
                lambda: f"/publications/{encode(self.slug())}/",
                lambda: f"/entities/{encode(self.slug())}/?page={encode(self.number())}",
                lambda: f"/articles/{encode(self.slug())}/",
                lambda: f"/articles/{encode(self.slug())}/cite.bib",
            ]
        )()

    def path(self) -> str:
        make = self.rnd.choices(
            [self.search, self.api_search, self.complete, self.feed, self.archive, self.api],
            weights=[30, 20, 15, 15, 10, 10],
        )[0]
        if self.rnd.random() < 0.05:
            make = self.listing
        return make()[:MAX_PATH]

    def paths(self, n: int) -> Iterator[str]:
        for _ in range(n):
            yield self.path()

    def worst_queries(self) -> Iterator[tuple[str, str]]:
        """Endless ``(kind, path)`` of searches of the costliest kinds only: long words,
        many terms, deep nesting, wildcards, wide proximity (bench/hostile.py)."""
        kinds = [self.long_word, self.many_terms, self.nested, self.wildcard, self.proximity]
        surfaces = ["/search/?", "/api/search/?", "/feeds/search/?", "/search/complete/?"]
        while True:
            kind = self.rnd.choice(kinds)
            path = self.rnd.choice(surfaces) + query_string([("q", kind())])
            yield kind.__name__, path[:MAX_PATH]
