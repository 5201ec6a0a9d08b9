"""Finding the archive's known entities in text by name, in any language.

A ``Gazetteer`` holds curated entities, each a name, a kind and other names it goes by, and
finds them in text: whole words only, the longest name first. It is the only source of
entities for languages without a model (Persian, Arabic, Kurdish …) and adds to the model's
entities in English.

Names and text are compared word by word after ``normalise_persian_arabic`` (so ي/ی, ك/ک,
harakat, tatweel, ZWNJ and spaces do not matter) and case folding, with two guards:

- words are compared, not the punctuation between them: "al-Assad" also finds "al Assad",
  "U.S." also "U S"; only spaces, hyphens, apostrophes and full stops may stand between the
  words of a match, and not a paragraph break;
- a name word with a capital letter is not found in a word written in lower case, so the
  entity "Apple" is not found in "an apple" (but is in "APPLE"), while a lower-case name
  word ("al", "bin", "de") is found however it is written.

The names are kept in a trie of words, so finding costs about one dictionary look-up per
word of text, however many names there are (50,000 names: see bench/entities.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from articles.entities import Span
from articles.search.analysis import normalise_persian_arabic, normalise_persian_arabic_offsets

# Words: runs of letters, digits and combining marks, in any script.
_WORD = re.compile(r"\w+")
# What may stand between two words of one name in the text.
_JOINER = re.compile(r"[ \t\r\n.\-\u2010\u2011'\u2019]{1,3}")


class Entry(NamedTuple):
    """One curated entity: ``kind`` is one of ``articles.entities.KINDS``."""

    name: str
    kind: str
    aliases: Sequence[str] = ()


class _Target(NamedTuple):
    words: tuple[str, ...]  # the name's words as written, for the case guard
    entry: Entry
    ends_with_stop: bool  # "U.S.": the match takes the full stop after the last word


def _words(text: str) -> list[str]:
    return _WORD.findall(normalise_persian_arabic(text))


def _key(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(word.casefold() for word in words)


def _case_fits(name_word: str, text_word: str) -> bool:
    return not any(c.isupper() for c in name_word) or not text_word[:1].islower()


class Gazetteer:
    """Known entities, found in text by their names and aliases.

    ``entries`` are ``(name, kind, aliases)`` triples (or ``Entry`` values; aliases may be
    ``None``), e.g. ``Entity.objects.values_list("name", "kind", "aliases")``. When two
    entities share a name or alias, an entity's own name wins over another's alias, and
    otherwise the first entry given wins.
    """

    def __init__(self, entries: Iterable[tuple[str, str, Sequence[str]] | Entry]):
        self._trie: dict = {}
        self._names: dict[tuple[str, ...], tuple[_Target, bool]] = {}  # key -> (target, is name)
        self.entries: list[Entry] = []
        for raw in entries:
            entry = Entry(raw[0], raw[1], tuple(raw[2] or ()) if len(raw) > 2 else ())
            self.entries.append(entry)
            self._add(entry.name, entry, is_name=True)
            for alias in entry.aliases:
                self._add(alias, entry, is_name=False)

    def __len__(self) -> int:
        return len(self.entries)

    def _add(self, surface: str, entry: Entry, is_name: bool) -> None:
        words = tuple(_words(surface))
        if not words:
            return
        key = _key(words)
        known = self._names.get(key)
        if known is not None and (known[1] or not is_name):
            return
        target = _Target(words, entry, surface.rstrip().endswith("."))
        self._names[key] = (target, is_name)
        node = self._trie
        for word in key:
            node = node.setdefault(word, {})
        node[None] = target  # None never collides with a word

    def lookup(self, name: str) -> Entry | None:
        """The entry one of whose names or aliases is ``name`` (compared as ``find`` does,
        without the case guard), or ``None``."""
        known = self._names.get(_key(_words(name)))
        return known[0].entry if known else None

    def find(self, text: str) -> list[Span]:
        """Every whole-word match of a known name or alias in ``text``, left to right, the
        longest at each place, none overlapping, as spans of the entry's kind; offsets are
        into ``text`` as given, not into its normalised form."""
        return [span for span, _entry in self.find_entries(text)]

    def find_entries(self, text: str) -> list[tuple[Span, Entry]]:
        """``find``, with the entry each span names."""
        if not self._trie:
            return []
        normalised, offsets = normalise_persian_arabic_offsets(text)
        words = list(_WORD.finditer(normalised))
        folded = [match.group().casefold() for match in words]
        found = []
        i = 0
        while i < len(words):
            best = None
            node = self._trie.get(folded[i])
            j = i
            while node is not None:
                target = node.get(None)
                if target is not None and all(
                    _case_fits(word, words[i + k].group()) for k, word in enumerate(target.words)
                ):
                    best = (j, target)
                j += 1
                if j == len(words) or not _joins(normalised, words[j - 1].end(), words[j].start()):
                    break
                node = node.get(folded[j])
            if best is None:
                i += 1
                continue
            last, target = best
            start, end = words[i].start(), words[last].end()
            if target.ends_with_stop and normalised[end : end + 1] == ".":
                end += 1
            start, end = offsets[start], offsets[end]
            if text[start - 1 : start] == "\u200c" or text[end : end + 1] == "\u200c":
                i += 1  # part of a word joined by a ZWNJ: "الله" in "آیت‌الله" is no name
                continue
            found.append((Span(start, end, text[start:end], target.entry.kind), target.entry))
            i = last + 1
        return found


def _joins(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]``, the gap between two words, may stand inside a name."""
    return _JOINER.fullmatch(text, start, end) is not None and text.count("\n", start, end) < 2
