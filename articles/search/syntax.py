"""The query language readers type, parsed once for every search engine.

    Erdogan Putin            best match: articles with either word, those with both (and with
                             the rarer one) first (stemmed: 'missiles' finds 'missile')
    +Erdogan Putin           Erdogan required; Erdogan AND Putin: both required
    "safe zone"              the phrase, required
    "Erdogan Putin"~10       both words within ten words of each other
    Idlib OR Aleppo          either; NOT / -word / -"phrase" exclude
    (Idlib OR Aleppo) -Assad groups (a group is required)
    title:missile  author:atesci  entity:"Recep Tayyip Erdogan"  section:…  publication:…
    milit*                   words starting with 'milit'

``parse`` never fails: an unbalanced quote closes at the end, a stray operator or
parenthesis is ignored, an unknown ``field:`` is read as plain words.

Plain words side by side are a ``Best`` match: a description of what a reader wants ("the
reconstruction of the city after the earthquake") rarely has an article holding every word,
so none of them is required and ranking (BM25: more of the words, rarer words, more often)
does the rest; a plain query finds something whenever an article holds one of its words.
Everything a reader marks keeps its strict meaning: a quoted phrase, a ``+word``, words joined
by ``AND``, a ``field:`` and a parenthesised group must match, and excluded words must not.
(Requiring all the words, most of them, or ranking by how many matched before BM25 were each
measured against this on ``bench/relevance.py`` and ranked worse; see docs/performance.md.)

Backends turn the
tree into their own queries (``articles.search.backends``); the highlighter takes its
words from ``positive_words``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from articles.search.analysis import index_words, is_compound

# The fields a reader may name, and what each searches.
FIELDS = {
    "title": "title",
    "author": "authors",
    "by": "authors",
    "entity": "entities",
    "section": "section",
    "publication": "publication",
    "body": "body",
    "text": "body",
}
MAX_DEPTH = 20  # parentheses deeper than this are read as plain words
MAX_TERMS = 64  # a query longer than this keeps its first 64 words


@dataclass(frozen=True)
class Term:
    text: str


@dataclass(frozen=True)
class Prefix:
    text: str


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]
    slop: int = 0


@dataclass(frozen=True)
class Field:
    name: str  # one of FIELDS' values
    node: Node


@dataclass(frozen=True)
class And:
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    node: Node


@dataclass(frozen=True)
class Best:
    """Plain words typed side by side: documents with any of them, best-matching first."""

    nodes: tuple[Node, ...]


Node = Term | Prefix | Phrase | Field | And | Or | Not | Best

_TOKEN = re.compile(
    r"""
    (?P<phrase>"(?P<phrase_text>[^"]*)(?:"|$)(?:~(?P<slop>\d{1,3}))?)
  | (?P<open>\()
  | (?P<close>\))
  | (?P<word>[^\s()"]+)
    """,
    re.VERBOSE,
)
_WORD_CHARS = re.compile(r"[\w][\w'’.\-]*[\w]|[\w]", re.UNICODE)


def words_of(text: str) -> list[str]:
    """The words in ``text``, keeping inner hyphens and apostrophes ('S-400', "Erdogan's")."""
    return _WORD_CHARS.findall(text)


def _tokens(text: str):
    for match in _TOKEN.finditer(text):
        if match["phrase"] is not None:
            words = tuple(words_of(match["phrase_text"]))
            slop = min(int(match["slop"]), 100) if match["slop"] else 0
            yield ("phrase", Phrase(words, slop) if len(words) > 1 else words)
        elif match["open"]:
            yield ("open", None)
        elif match["close"]:
            yield ("close", None)
        else:
            yield ("word", match["word"])


class _Parser:
    def __init__(self, text: str):
        self.tokens = list(_tokens(text))
        self.pos = 0
        self.terms = 0

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def take(self):
        token = self.peek()
        self.pos += 1
        return token

    def parse_or(self, depth: int) -> Node | None:
        alternatives = [self.parse_and(depth)]
        while self.peek() == ("word", "OR"):
            self.take()
            alternatives.append(self.parse_and(depth))
        found = [node for node in alternatives if node is not None]
        if not found:
            return None
        return found[0] if len(found) == 1 else Or(tuple(found))

    def parse_and(self, depth: int) -> Node | None:
        items: list[list] = []  # [node, strict]
        joined = False  # the previous token was AND
        while True:
            kind, value = self.peek()
            if kind is None or (kind == "close" and depth > 0) or (kind, value) == ("word", "OR"):
                break
            if kind == "close":  # a stray ')' at the top: ignored
                self.take()
                continue
            if (kind, value) in {("word", "AND"), ("word", "+")}:
                self.take()
                if items and value == "AND":
                    items[-1][1] = True
                joined = True
                continue
            strict = joined or self._marked()
            joined = False
            node = self.parse_unary(depth)
            if node is not None:
                items.append([node, strict])
        if not items:
            return None
        items = _join_compounds(items)
        plain = [node for node, strict in items if not strict]
        nodes: list[Node] = []
        for node, strict in items:  # in the order typed; the plain words where the first was
            if strict or len(plain) == 1:
                nodes.append(node)
            elif node is plain[0]:
                nodes.append(Best(tuple(plain)))
        return nodes[0] if len(nodes) == 1 else And(tuple(nodes))

    def _marked(self) -> bool:
        """Whether the next operand was marked by the reader (strict): a quoted phrase, a
        +word, a group, a field, an exclusion. Plain words are not."""
        kind, value = self.peek()
        if kind in {"phrase", "open"}:
            return True
        if kind == "word":
            if value in {"NOT", "-"} or value[:1] in {"+", "-"}:
                return True
            name, sep, _ = value.partition(":")
            return bool(sep and name.lower() in FIELDS)
        return False

    def parse_unary(self, depth: int) -> Node | None:
        kind, value = self.peek()
        if (kind, value) in {("word", "NOT"), ("word", "-")}:
            self.take()
            node = self.parse_unary(depth)
            return Not(node) if node is not None else None
        if (kind, value) in {("word", "AND"), ("word", "+")}:  # 'NOT AND': nothing to exclude
            self.take()
            return None
        if kind == "word" and value.startswith("-") and len(value) > 1:
            self.tokens[self.pos] = ("word", value[1:])
            node = self.parse_unary(depth)
            return Not(node) if node is not None else None
        if kind == "word" and value.startswith("+") and len(value) > 1:
            self.tokens[self.pos] = ("word", value[1:])
        return self.parse_primary(depth)

    def parse_primary(self, depth: int) -> Node | None:
        kind, value = self.take()
        if kind == "open":
            if depth >= MAX_DEPTH:
                return None
            node = self.parse_or(depth + 1)
            if self.peek()[0] == "close":
                self.take()
            return node
        if kind == "phrase":
            return self._count(value if isinstance(value, Phrase) else _plain(value))
        if kind == "word":
            name, sep, rest = value.partition(":")
            if sep and name.lower() in FIELDS:
                field = FIELDS[name.lower()]
                if rest:
                    inner = _word(rest)
                elif self.peek()[0] in {"open", "phrase", "word"}:
                    inner = self.parse_primary(depth)
                else:
                    inner = None
                return Field(field, inner) if inner is not None else None
            return self._count(_word(value))
        return None

    def _count(self, node: Node | None) -> Node | None:
        if node is None:
            return None
        self.terms += 1
        return node if self.terms <= MAX_TERMS else None


def _join_compounds(items: list[list]) -> list[list]:
    """Two plain words typed side by side that are one word written apart ('کتاب خانه',
    ``analysis.is_compound``) become that word ('کتابخانه'), which the index holds for every
    spelling of it: the three spellings find the same articles with the same scores."""
    out: list[list] = []
    for node, strict in items:
        if out and not strict and not out[-1][1] and isinstance(node, Term):
            previous = out[-1][0]
            if isinstance(previous, Term):
                left, right = index_words(previous.text), index_words(node.text)
                if len(left) == 1 and len(right) == 1 and is_compound(left[0], right[0]):
                    out[-1][0] = Term(previous.text + node.text)
                    continue
        out.append([node, strict])
    return out


def _plain(words) -> Node | None:
    """A one-word (or empty) phrase is just that word."""
    words = list(words)
    return Term(words[0]) if words else None


def _word(raw: str) -> Node | None:
    """A typed word: a prefix if it ends in '*', else its word(s) ('U.S.' is one). Parts
    joined by a ZWNJ are one word ('کتاب‌خانه' is 'کتابخانه', see ``analysis.compound_spans``)."""
    raw = raw.replace("\u200c", "").replace("\u200d", "")
    if raw.endswith("*"):
        stem = "".join(words_of(raw[:-1]))
        return Prefix(stem) if len(stem) >= 2 else None
    words = words_of(raw)
    if not words:
        return None
    if len(words) == 1:
        return Term(words[0])
    return Phrase(tuple(words))  # 'fifth-generation,' and friends: the words in order


def parse(text: str) -> Node | None:
    """The query tree of ``text``, or None when it asks for nothing."""
    parser = _Parser(text)
    node = parser.parse_or(0)
    while parser.pos < len(parser.tokens):  # whatever a stray ')' left behind
        rest = parser.parse_or(0)
        if rest is not None:
            node = And((node, rest)) if node is not None else rest
    return node


def positive_words(node: Node | None) -> list[str]:
    """The words a result is expected to contain (for highlighting): all but excluded."""
    if node is None or isinstance(node, Not):
        return []
    if isinstance(node, (Term, Prefix)):
        return [node.text]
    if isinstance(node, Phrase):
        return list(node.words)
    if isinstance(node, Field):
        return positive_words(node.node)
    return [word for child in node.nodes for word in positive_words(child)]


def positive_prefixes(node: Node | None) -> list[str]:
    """The prefixes (``milit*``'s 'milit') a result is expected to start a word with: all but
    excluded ones."""
    if node is None or isinstance(node, Not):
        return []
    if isinstance(node, Prefix):
        return [node.text]
    if isinstance(node, Field):
        return positive_prefixes(node.node)
    return [text for child in getattr(node, "nodes", ()) for text in positive_prefixes(child)]


def plain_words(node: Node | None) -> list[str]:
    """The words of a query made only of plain words (``Best`` or one word), else []:
    the queries whose best matches may lend them words (pseudo-relevance feedback)."""
    if isinstance(node, Term):
        return [node.text]
    if isinstance(node, Best) and all(isinstance(child, Term) for child in node.nodes):
        return [child.text for child in node.nodes if isinstance(child, Term)]
    return []


def only_negative(node: Node) -> bool:
    """True when the query only excludes ('-Assad'): it needs everything to exclude from."""
    if isinstance(node, Not):
        return True
    if isinstance(node, And):
        return all(only_negative(child) for child in node.nodes)
    return False
