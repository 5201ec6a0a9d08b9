"""Facet filters: one spelling shared by the views that build them and the backends
that read them.

A facet filter is the narrow query ``<field>_exact:"<value>"``. Values are names as
shown to readers; quotes and backslashes inside them are escaped. ``display_value`` is how
a value reads on every surface that shows one (the search page, the search feed's title).
"""

from __future__ import annotations

import re

from django.utils.translation import get_language_info

# The facets offered on the search page, in display order: (field, label).
FACETS = (
    ("publication", "Publication"),
    ("section", "Section"),
    ("authors", "Author"),
    ("entities", "Entity"),
    ("language", "Language"),
    ("year", "Year"),
)
FACET_FIELDS = frozenset(field for field, _ in FACETS)

# Joins the values of a multi-valued facet in the index: a character no name contains.
LIST_SEPARATOR = "\x1f"

_FILTER = re.compile(r'^(?P<field>\w+)_exact:"(?P<value>(?:[^"\\]|\\.)*)"$', re.S)


def facet_filter(field: str, value: str) -> str:
    """The narrow query that keeps documents whose ``field`` facet is ``value``."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'{field}_exact:"{escaped}"'


def parse_facet_filter(narrow: str) -> tuple[str, str] | None:
    """``(index field, value)`` for a string made by ``facet_filter``, else None."""
    match = _FILTER.match(narrow)
    if match is None:
        return None
    value = re.sub(r"\\(.)", r"\1", match["value"])
    return f"{match['field']}_exact", value


def display_value(field: str, value: str) -> str:
    """What a reader sees for a facet value: language codes become language names."""
    if field == "language":
        try:
            return get_language_info(value)["name"]
        except KeyError:
            return value
    return value
