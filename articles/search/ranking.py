"""How both search backends rank: one set of numbers and one feedback rule, so that Whoosh and
PostgreSQL order the same articles the same way.

- **BM25** over the full text (``BODY``), with the title as a second, light field
  (``TITLE_WEIGHT``): the title is part of the full text already, and weighting it heavily let
  short headlines that share one common word outrank articles about the subject (measured on
  ``bench/relevance.py``: title ×3 cost a third of the mean average precision; a fifth of a
  body match still helps headline searches).
- **Common words rank but do not select** (``narrow``): a plain-word query finds the articles
  holding its rarer words; words so common that, with the rarer ones, they would hold more than
  ``MAX_SCORED`` articles between them ("the", "در", "oil" in an oil-trade archive) still
  add to the score of the articles found, but do not bring in every article that holds them.
  The rarest word always selects, so a plain query finds something whenever an article holds
  one of its words; and the number of articles either backend scores stays bounded.
- **Pseudo-relevance feedback** for plain-word queries (``expansion``): the words that
  characterise the best few matches (RM3: each word's share of a top article's text, weighted by
  that article's score) are added to the query with a small weight, re-ranking the first
  ``FEEDBACK_WINDOW`` results: the articles a query matches, their number and the facet
  counts stay those of the words typed, and the cost is a hundred articles' scoring.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from articles.search import syntax
from articles.search.analysis import analyze

K1 = 1.2  # BM25's term-frequency saturation (the usual value; Whoosh's default)
B = 0.75  # BM25's length normalisation (the usual value; Whoosh's default)
TITLE_WEIGHT = 0.2  # a title match, relative to a match in the full text

MAX_SCORED = 5_000  # articles a plain query's selecting words may hold between them

FEEDBACK_MIN_WORDS = 1  # plain-word queries at least this long get feedback
FEEDBACK_DOCUMENTS = 5  # best matches that lend their words
FEEDBACK_WINDOW = 100  # results re-ranked by them
FEEDBACK_TERMS = 20  # words added
FEEDBACK_WEIGHT = 0.2  # the best added word's weight, relative to a word typed
FEEDBACK_MAX_SHARE = 0.1  # words in more than this share of all articles are never added


def idf(documents: int, frequency: int) -> float:
    """BM25's inverse document frequency, as Whoosh computes it (never negative)."""
    return math.log(documents / (frequency + 1)) + 1


def bm25(tf: float, length: float, average_length: float, idf_value: float) -> float:
    """One term's BM25 score in one document (Whoosh's ``BM25F`` for a single field)."""
    norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / max(average_length, 1e-9)))
    return idf_value * norm


def narrow(
    node: syntax.Node | None, frequency: Callable[[list[str]], dict[str, int]]
) -> tuple[syntax.Node | None, list[str]]:
    """``(node to match, terms to rank by only)``: ``node`` with the common words of its plain
    words (a ``Best``, alone or beside marked parts) moved out of the matching, rarest words
    kept while the documents they hold add up to at most ``MAX_SCORED`` (the rarest always).
    ``frequency(terms)``: how many documents hold each term."""
    if isinstance(node, syntax.Best):
        return _narrow_best(node, frequency)
    if isinstance(node, syntax.And):
        best = [child for child in node.nodes if isinstance(child, syntax.Best)]
        if best:
            narrowed, dropped = _narrow_best(best[0], frequency)
            nodes = tuple(narrowed if child is best[0] else child for child in node.nodes)
            return syntax.And(nodes), dropped
    return node, []


def _narrow_best(node: syntax.Best, frequency) -> tuple[syntax.Node, list[str]]:
    words = {}
    for child in node.nodes:
        if isinstance(child, syntax.Term):
            terms = analyze(child.text)
            if len(terms) == 1:
                words[child] = terms[0]
    if len(words) < 2:
        return node, []
    known = frequency(list(dict.fromkeys(words.values())))
    keep: set[syntax.Term] = set()
    total = 0
    for child, term in sorted(words.items(), key=lambda item: known.get(item[1], 0)):
        held = known.get(term, 0)
        if keep and total + held > MAX_SCORED:
            break
        keep.add(child)
        total += held
    dropped = [term for child, term in words.items() if child not in keep]
    if not dropped:
        return node, []
    kept = tuple(child for child in node.nodes if child not in words or child in keep)
    return (kept[0] if len(kept) == 1 else syntax.Best(kept)), list(dict.fromkeys(dropped))


def expansion(
    top: Iterable[tuple[Mapping[str, int], float]],
    asked: Iterable[str],
    frequency: Callable[[list[str]], dict[str, int]],
    documents: int,
) -> list[tuple[str, float]]:
    """Feedback terms and their weights for a query whose best matches are ``top``:
    ``({term: count} of the document's text, its score)``. ``asked``: the query's own terms
    (never added again); ``frequency(terms)``: how many documents hold each term. Digits,
    one-letter terms and terms in more than ``FEEDBACK_MAX_SHARE`` of the documents are left
    out."""
    # Float weights: a Counter is typed for whole counts.
    weights: defaultdict[str, float] = defaultdict(float)
    for counts, score in top:
        length = sum(counts.values())
        for term, count in counts.items():
            weights[term] += count / length * score
    asked = set(asked)
    candidates = [
        term
        for term in heapq.nlargest(FEEDBACK_TERMS * 5, weights, key=weights.__getitem__)
        if term not in asked and len(term) > 1 and not term.replace(".", "").isdigit()
    ]
    known = frequency(candidates) if candidates else {}
    limit = FEEDBACK_MAX_SHARE * documents
    chosen = [t for t in candidates if known.get(t, 0) <= limit][:FEEDBACK_TERMS]
    if not chosen:
        return []
    top_weight = max(weights[t] for t in chosen)
    return [(t, FEEDBACK_WEIGHT * weights[t] / top_weight) for t in chosen]
