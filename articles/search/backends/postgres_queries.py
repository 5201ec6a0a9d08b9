"""A reader's query as tsquery SQL for the PostgreSQL backend
(``articles.search.backends.postgres``): ``translate`` turns a parsed query
(``articles.search.syntax``) into a tree of matches on the search table's tsvector columns,
``to_sql`` / ``to_title_sql`` write it as a condition with its values as parameters,
``rank_terms`` says what it ranks by; ``Condition`` and ``Where`` carry what a search
matches to the backend, ``_bound`` bounds the number of its matches from the term
statistics. Relies on ``syntax``, ``analysis`` (what a word is) and ``postgres_tables``;
runs no statement."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as default

from articles.search import syntax
from articles.search.analysis import index_words, stem
from articles.search.backends.postgres_tables import SALIENT, TITLE

# What a reader's ``field:`` searches (``syntax.FIELDS`` values) → (column, weight).
NAMED_FIELDS = {
    "title": TITLE,
    "entities": ("document", "B"),
    "authors": ("document", "C"),
    "body": ("document", "D"),
    "section": ("labels", "A"),
    "publication": ("labels", "B"),
}


def _terms(text: str) -> list[str]:
    """The index terms of a reader's word(s)."""
    return [stem(word) for word in index_words(text)]


def _lexeme(word: str, weight: str = "", prefix: bool = False) -> str:
    """One tsquery operand: ``'word'``, ``'word':A``, ``'word':*A``. Terms of ``analysis``
    hold no quote or backslash; the quotes keep '3.5' one operand."""
    label = ("*" if prefix else "") + weight
    return f"'{word}'" + (f":{label}" if label else "")


def _phrase(words: list[str], weight: str) -> str:
    return " <-> ".join(_lexeme(w, weight) for w in words)


def _near(first: str, second: str, slop: int) -> str:
    """``first`` and ``second`` within ``slop`` words of each other, in either order
    (Whoosh's unordered SpanNear: slop 1 is next to each other)."""
    options = [
        f"{a} <{distance}> {b}"
        for distance in range(1, max(slop, 1) + 1)
        for a, b in ((first, second), (second, first))
    ]
    return "(" + " | ".join(options) + ")"


# --- the reader's query as SQL ------------------------------------------------
class _Match:
    """``column @@ text::tsquery``: kept apart so that siblings on the same column merge into
    one tsquery (one index scan). ``terms``: the whole terms it asks for (to rank by).

    ``loose``: a tsquery every row matching ``text`` matches too, which the GIN index answers
    alone: no word order, distance or weight (those make PostgreSQL read each candidate's
    vector to check it). ``shape``: what the matches must hold, for a bound on their number
    from the term statistics (``_bound``): ``("term", t)``, ``("all", [...])``,
    ``("any", [...])``, or None (unknown: a prefix, a negation). ``term``: the one whole
    term it asks for, with no weight, position or field, or None."""

    def __init__(
        self,
        column: str,
        text: str,
        positive: bool = True,
        terms=(),
        loose: str | None = None,
        shape: tuple | None = None,
    ):
        self.column, self.text, self.positive = column, text, positive
        self.terms = list(terms)
        self.loose = text if loose is None else loose
        # The statistics count the terms of the full text, which holds no section or paper.
        self.shape = None if column == "labels" else shape
        self.term: str | None = None
        if column == "document" and shape is not None and shape[0] == "term":
            self.term = shape[1] if text == _lexeme(shape[1]) else None


def _all_of(words: list[str]) -> tuple:
    return ("term", words[0]) if len(words) == 1 else ("all", [("term", w) for w in words])


class _Bool:
    def __init__(self, op: str, parts: list):
        self.op, self.parts = op, parts


class _NotExpr:
    def __init__(self, part):
        self.part = part


def translate(node, field: tuple[str, str] = ("document", "")):
    """A tree of ``_Match`` / ``_Bool`` / ``_NotExpr`` for a ``syntax`` tree, or None."""
    if node is None:
        return None
    if isinstance(node, syntax.Field):
        return translate(node.node, NAMED_FIELDS[node.name])
    if isinstance(node, syntax.Not):
        inner = translate(node.node, field)
        if inner is None:
            return None
        if isinstance(inner, _Match):  # loosening under a negation would narrow: exact
            return _Match(inner.column, f"!({inner.text})", positive=False)
        return _NotExpr(inner)
    if isinstance(node, (syntax.And, syntax.Or, syntax.Best)):
        parts = [p for p in (translate(child, field) for child in node.nodes) if p is not None]
        if not parts:
            return None
        # Best: any of the words, scored by all that match (BM25 does the ranking).
        op = "&" if isinstance(node, syntax.And) else "|"
        return _merge(op, parts)
    column, weight = field
    if isinstance(node, syntax.Prefix):
        words = index_words(node.text)
        if not words:
            return None
        *whole, last = words
        stems = [stem(w) for w in whole]
        lexemes = [_lexeme(s, weight) for s in stems]
        lexemes.append(_lexeme(last, weight, prefix=True))
        loose = " & ".join([*(_lexeme(s) for s in stems), _lexeme(last, prefix=True)])
        shape = _all_of(stems) if stems else None
        return _Match(column, " <-> ".join(lexemes), loose=loose, shape=shape)
    raw = list(node.words) if isinstance(node, syntax.Phrase) else [node.text]
    words = [w for text in raw for w in _terms(text)]
    if not words:
        return None
    slop = node.slop if isinstance(node, syntax.Phrase) else 0
    loose = " & ".join(_lexeme(w) for w in words)
    if len(words) > 1 and slop:
        # Each word near the next: exact for two words, an approximation for more.
        lexemes = [_lexeme(w, weight) for w in words]
        pairs = zip(lexemes, lexemes[1:], strict=False)
        near = " & ".join(_near(a, b, slop) for a, b in pairs)
        return _Match(column, near, terms=words, loose=loose, shape=_all_of(words))
    return _Match(column, _phrase(words, weight), terms=words, loose=loose, shape=_all_of(words))


def _merge(op: str, parts: list):
    """Combine ``parts``; matches on one column join into one tsquery."""
    if len(parts) == 1:
        return parts[0]
    by_column: dict[str, list[_Match]] = {}
    others = []
    for part in parts:
        if isinstance(part, _Match):
            by_column.setdefault(part.column, []).append(part)
        else:
            others.append(part)
    merged = [
        _Match(
            column,
            f" {op} ".join(f"({m.text})" for m in matches),
            positive=any(m.positive for m in matches),
            terms=[t for m in matches if m.positive for t in m.terms],
            loose=f" {op} ".join(f"({m.loose})" for m in matches),
            shape=("all" if op == "&" else "any", [m.shape for m in matches]),
        )
        for column, matches in by_column.items()
    ]
    combined = merged + others
    return combined[0] if len(combined) == 1 else _Bool(op, combined)


def to_sql(expr, loose: bool = False) -> tuple[str, list]:
    """(SQL, params) of ``expr``; ``loose``: a condition every match of it meets, which the
    index answers without reading a row's vector (``_Match.loose``), where it can."""
    if isinstance(expr, _Match):
        return f"{expr.column} @@ %s::tsquery", [expr.loose if loose else expr.text]
    if isinstance(expr, _NotExpr):
        sql, params = to_sql(expr.part)  # exact: a looser part would narrow the negation
        return f"NOT ({sql})", params
    pieces = [to_sql(part, loose) for part in expr.parts]
    joiner = " AND " if expr.op == "&" else " OR "
    return (
        "(" + joiner.join(sql for sql, _ in pieces) + ")",
        [p for _, params in pieces for p in params],
    )


def to_title_sql(expr) -> tuple[str, list] | None:
    """(SQL, params) of a condition on the title alone (``title @@``, its own index) that
    only matches of ``expr`` meet: each words part of ``expr`` on ``document`` looked for in
    the title. The title's terms are the document's A-weighted ones at the same positions
    (migration 0014), so a title holding the words, a phrase or a prefix is a document
    holding them. None when ``expr`` excludes something (a title without a word says
    nothing of the body) or names a section or paper."""
    if isinstance(expr, _Match):
        if not expr.positive or "!" in expr.text:
            return None
        if expr.column == "document":
            return f"{TITLE[0]} @@ %s::tsquery", [expr.text]
        # ``title:`` is the title already; a section or paper is no title.
        return to_sql(expr) if expr.column == TITLE[0] else None
    if isinstance(expr, _NotExpr):
        return None
    pieces = [to_title_sql(part) for part in expr.parts]
    if any(piece is None for piece in pieces):
        return None
    joiner = " AND " if expr.op == "&" else " OR "
    return (
        "(" + joiner.join(sql for sql, _ in pieces) + ")",  # type: ignore[misc]
        [p for _, params in pieces for p in params],  # type: ignore[misc]
    )


def to_salient_sql(expr) -> tuple[str, list] | None:
    """(SQL, params) of a condition on the ``salient`` column (migration 0016, its own
    index) that only matches of ``expr`` meet: ``expr``'s words looked for among a row's
    salient terms, a subset of its full text's. Only for words ``document`` matches
    plainly (``loose`` is the match itself: any of them, all of them, a prefix): the column
    holds no position or weight, so a phrase or a weight would match where the row does not;
    nor for an exclusion. Else None."""
    if not isinstance(expr, _Match) or expr.column != "document" or not expr.positive:
        return None
    if "!" in expr.text or expr.loose != expr.text:
        return None
    return f"{SALIENT} @@ %s::tsquery", [expr.text]


def rank_terms(expr) -> list[str]:
    """The terms to rank by: those of every positive match on ``document`` or ``title``
    (ranked by ``document`` all the same)."""
    found = []

    def walk(e):
        if isinstance(e, _Match):
            if e.column in {"document", TITLE[0]} and e.positive:
                found.extend(e.terms)
        elif isinstance(e, _Bool):
            for part in e.parts:
                walk(part)

    walk(expr)
    return list(dict.fromkeys(found))


class Condition(str):
    """What ``PostgresSearchQuery.build_query`` hands the backend: an SQL condition (the
    string) with its parameters and the terms to rank by; ``loose``: (SQL, params) of a
    condition its matches all meet that the index answers alone (``to_sql``); ``shape`` and
    ``term``: those of its one ``_Match`` when it is one (see there), else None."""

    params: list
    rank: list[str]
    loose: tuple[str, list]
    shape: tuple | None
    term: str | None

    def __new__(
        cls,
        sql: str,
        params: list | None = None,
        rank: list[str] | None = None,
        loose: tuple[str, list] | None = None,
        match: _Match | None = None,
    ):
        obj = super().__new__(cls, sql)
        obj.params = list(params or [])
        obj.rank = list(rank or [])
        obj.loose = loose or (sql, obj.params)
        obj.shape = match.shape if match is not None else None
        obj.term = match.term if match is not None else None
        return obj


@dataclass
class Where:
    """What ``_where`` built for a search: its condition on TABLE's columns (``sql``,
    ``params``), the terms to rank by, and what it knows of the matches:

    - ``loose``, ``loose_params``: a condition every match meets that the index answers
      without reading a row's vector (phrases as their words, no weights); ``sql`` itself
      when no part of it needs a vector read.
    - ``term``: the one whole term the search asks for when nothing else narrows it (no
      field, filter, date range, or model left out): its matches are the documents holding
      that term, which the term statistics count (``_exact_total``). Else None.
    - ``shape``: what its matches must hold (``_Match.shape``), for a bound on their number
      (``_bound``); None when unknown or narrowed by what the statistics do not count.
    - ``titled``, ``titled_params``: a condition only matches meet, those holding the
      search's words in their title (``to_title_sql``), which the title's index answers:
      the first candidates of a broad search (``_candidates``); None when unknown.
    - ``every``: a tsquery of all the words typed (two or more), the titles holding them
      all first among those (``_candidates``); else None.
    - ``salient``, ``salient_params``: a condition only matches meet, those where the
      search's words are salient (the ``salient`` column, migration 0016: held often for
      the row's length), which that column's index answers: the very first candidates
      (``_candidates``); None where the words are not plain (a phrase, a weight, an
      exclusion: a salient word says nothing of its place) or ``titled`` is None.
    - ``rarest``: the words typed (two or more) as tsqueries, the one the fewest documents
      hold first: of the salient rows, those where a rarer word is salient come first (its
      BM25 weighs more: ``Trump OR Biden``); else empty."""

    sql: str
    params: list
    rank: list[str]
    loose: str
    loose_params: list
    term: str | None = None
    shape: tuple | None = None
    titled: str | None = None
    titled_params: list = default(default_factory=list)
    every: str | None = None
    salient: str | None = None
    salient_params: list = default(default_factory=list)
    rarest: list[str] = default(default_factory=list)

    @property
    def needs_vectors(self) -> bool:
        """Whether the index alone cannot say which rows match (PostgreSQL then reads each
        candidate's stored vector to check it)."""
        return self.loose != self.sql or self.loose_params != self.params


def _bound(shape, frequency: dict[str, int]) -> int | None:
    """At most how many documents match ``shape`` (``_Match.shape``), from ``frequency``
    (documents holding each term in their full text, which holds title and names too);
    None when unknown."""
    if shape is None:
        return None
    kind, value = shape
    if kind == "term":
        return frequency.get(value, 0)
    bounds = [_bound(part, frequency) for part in value]
    if kind == "all":
        known = [b for b in bounds if b is not None]
        return min(known) if known else None
    return None if None in bounds else sum(bounds)  # type: ignore[arg-type]


def _shape_terms(shape) -> list[str]:
    if shape is None:
        return []
    kind, value = shape
    return [value] if kind == "term" else [t for part in value for t in _shape_terms(part)]
