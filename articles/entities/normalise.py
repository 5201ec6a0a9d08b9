"""Canonical names, and the distinct entities among the spans of one article.

``canonical(text, kind)`` is the name an entity is filed under: "President Erdogan's"
becomes "Erdogan", "the United Nations" "United Nations". ``group(spans)`` merges the spans
of one document that name the same entity: the same canonical name; a person's shorter name
("Erdogan") with the one fuller name in the document that contains it ("Recep Tayyip
Erdogan"); and known aliases ("U.S.", "US", "America" are the "United States").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from articles.entities import NAME_KINDS, Span
from articles.entities.cleanup import is_function_word, is_name, surnames_in
from articles.search.analysis import normalise_persian_arabic

if TYPE_CHECKING:
    from articles.entities.gazetteer import Gazetteer


@dataclass
class Found:
    """One entity of one document: its canonical ``name`` and ``kind``, how often and where
    (``positions``: ``(start, end)`` offsets, sorted) it is named, and the words used."""

    name: str
    kind: str
    count: int
    positions: list[tuple[int, int]] = field(default_factory=list)
    surface_forms: set[str] = field(default_factory=set)


# The commonest other names of the commonest entities in the news, written as ``alias_of``
# leaves them (lower case, no full stops). The gazetteer's aliases come first.
_ALIASES = {
    ("United States", "place"): [
        "us", "usa", "united states", "united states of america", "america",
    ],
    ("United Kingdom", "place"): ["uk", "britain", "great britain", "united kingdom"],
    ("Soviet Union", "place"): ["ussr", "soviet union"],
    ("United Nations", "organisation"): ["un", "united nations"],
    ("European Union", "organisation"): ["eu", "european union"],
    ("NATO", "organisation"): ["nato", "north atlantic treaty organization",
                               "north atlantic treaty organisation"],
}  # fmt: skip
ALIASES: dict[str, tuple[str, str]] = {
    alias: target for target, aliases in _ALIASES.items() for alias in aliases
}

# Titles and honorifics before a person's name, dropped from the canonical name. Up to three
# words may stand before the title ("Turkish President", "US Defense Secretary", "acting US
# Defense Secretary"). Kings, popes, sheikhs, lords and ladies keep theirs: it is
# part of the name they are known by ("King Fahd", "Lady Gaga").
_TITLES = (
    r"President|Vice President|Prime Minister|Premier|Chancellor|Minister|Foreign Minister|"
    r"Secretary(?: of State| General|-General)?|Secretary|Senator|Sen\.?|Representative|Rep\.?|"
    r"Governor|Gov\.?|Mayor|Ambassador|Chairman|Chairwoman|Speaker|Judge|Justice|"
    r"General|Gen\.?|Admiral|Adm\.?|Colonel|Col\.?|Captain|Capt\.?|Lieutenant|Lt\.?|"
    r"Mr\.?|Mrs\.?|Ms\.?|Miss|Dr\.?|Prof\.?|Professor|Sir|Ayatollah"
)
_TITLE = re.compile(rf"^(?:[\w.'-]+\s+){{0,3}}?(?:{_TITLES})\s+(?=[A-Z])")
# The titles of rank that stay (see above): the word after one is the name that person is
# known by alone ("Harry" for Prince Harry, "Francis" for Pope Francis), given name or not.
RANK_TITLES = frozenset(
    ["king", "queen", "prince", "princess", "pope", "emperor", "empress", "sultan", "sheikh",
     "emir", "duke", "duchess"]
)  # fmt: skip
# "F-35s": the plural of a designator is the same weapon.
_PLURAL_DESIGNATOR = re.compile(r"^([A-Z][A-Za-z]{0,2}-\d{2,3}[A-Z]{0,3})s$")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201b": "'", "\u2032": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"'})  # fmt: skip
_EDGE = " \"'()[]{},;:"


def canonical(text: str, kind: str) -> str:
    """The name an entity of ``kind`` is filed under, from one way it was written.

    Spaces are collapsed, curly quotes made straight; a leading "the" and a trailing
    possessive "'s" go, and for people titles and honorifics ("President", "Turkish
    President", "Mr", "Dr", "Sen."); a weapon's plural ("F-35s") becomes singular.
    """
    name = " ".join(text.translate(_QUOTES).split()).strip(_EDGE)
    if name.endswith("'s") and len(name) > 2:
        name = name[:-2].rstrip(_EDGE)
    if name[:4].lower() == "the " and len(name) > 4:
        name = name[4:]
    if kind == "person":
        while True:
            shorter = _TITLE.sub("", name, count=1)
            if shorter == name:
                break
            name = shorter
    elif kind == "other":
        name = _PLURAL_DESIGNATOR.sub(r"\1", name)
    return name


def _key(name: str) -> str:
    """What two spellings of one name share: Persian/Arabic letters folded, case folded."""
    return " ".join(normalise_persian_arabic(name).casefold().split())


def alias_of(name: str) -> tuple[str, str] | None:
    """The ``(name, kind)`` of the entity that ``name`` is a built-in alias of ("U.S." ->
    ("United States", "place")), or ``None``."""
    return ALIASES.get(_key(name.replace(".", "")))


def _words(key: str) -> list[str]:
    """A name's words, hyphenated parts apart: "bashar al-assad" -> bashar, al, assad."""
    return re.findall(r"\w+", key)


def _contains(words: list[str], part: list[str]) -> bool:
    n = len(part)
    return any(words[i : i + n] == part for i in range(len(words) - n + 1))


@dataclass
class _Group:
    key: str
    names: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    spans: list[Span] = field(default_factory=list)
    fixed: tuple[str, str] | None = None  # name and kind from an alias table

    def add(self, span: Span, name: str) -> None:
        self.names[name] += 1
        self.kinds[span.kind] += 1
        self.spans.append(span)

    def absorb(self, other: _Group) -> None:
        self.kinds.update(other.kinds)
        self.spans.extend(other.spans)

    @property
    def kind(self) -> str:
        # A known entity's kind, unless it is "other" and the text says more (a source's
        # keyword "ایران" is stored as other; the text finds a place).
        if self.fixed and (self.fixed[1] != "other" or not set(self.kinds) & set(NAME_KINDS)):
            return self.fixed[1]
        return _most_common(self.kinds, [s.kind for s in self.spans])

    @property
    def name(self) -> str:
        if self.fixed:
            return self.fixed[0]
        # Written as in running text rather than in a capitals headline, where there is a choice.
        cased = Counter({n: c for n, c in self.names.items() if not n.isupper()})
        return _most_common(cased or self.names, list(self.names))


def _most_common(counts: Counter, order: list[str]) -> str:
    """The most frequent item, ties going to the one seen first."""
    best = max(counts.values())
    return next(item for item in order if counts.get(item) == best)


def group(
    spans: Iterable[Span], gazetteer: Gazetteer | None = None, language: str = ""
) -> list[Found]:
    """The distinct entities among the spans of one document, in order of first mention.

    Spans name the same entity when their canonical names are the same (case and
    Persian/Arabic spelling aside), when both are aliases of one entity (``gazetteer``'s,
    then the built-in ``ALIASES``), or when one is a person's name that is a run of words of
    exactly one fuller person's name in the document ("Erdogan", "Tayyip Erdogan" and
    "Recep Tayyip Erdogan"). A short name that fits two fuller ones ("Bush" beside "George
    Bush" and "Jeb Bush") stays apart. The kind is the one most spans were given. A name
    that is one function word of ``language`` (the text's; by default told by the script)
    is left out ("the", "التي": ``cleanup.is_function_word``), unless it is the surname
    of a person the document names in full.
    """
    groups: dict[str, _Group] = {}
    named = [(span, canonical(span.text, span.kind)) for span in sorted(spans)]
    surnames = surnames_in((name, span.kind) for span, name in named)
    for span, name in named:
        if not is_name(name) or is_function_word(name, language, surnames):
            continue  # what a title or a possessive leaves may be none: "Mr L's" -> "L"
        entry = gazetteer.lookup(name) if gazetteer is not None else None
        fixed = (entry.name, entry.kind) if entry is not None else alias_of(name)
        key = _key(fixed[0]) if fixed else _key(name)
        if key not in groups:
            groups[key] = _Group(key)
        groups[key].fixed = groups[key].fixed or fixed
        groups[key].add(span, name)

    _join_people(groups)
    found = []
    for g in groups.values():
        positions = sorted((s.start, s.end) for s in g.spans)
        found.append(Found(g.name, g.kind, len(positions), positions, {s.text for s in g.spans}))
    return sorted(found, key=lambda f: f.positions[0])


def _join_people(groups: dict[str, _Group]) -> None:
    """Merge, in place, each person group into the one fuller person's name containing it.
    Groups named by an alias table take others in but are never taken in themselves."""
    people = [g for g in groups.values() if g.kind == "person"]
    people.sort(key=lambda g: len(_words(g.key)), reverse=True)
    targets: list[_Group] = []  # fullest names first, each standing for itself
    for g in people:
        words = _words(g.key)
        fuller = [t for t in targets if len(_words(t.key)) > len(words)
                  and _contains(_words(t.key), words)]  # fmt: skip
        if len(fuller) == 1 and g.fixed is None:
            fuller[0].absorb(g)
            del groups[g.key]
        else:
            targets.append(g)
