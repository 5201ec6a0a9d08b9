"""The search tables of the PostgreSQL backend (``articles.search.backends.postgres``) as
migrations 0007, 0009, 0014, 0016 and 0017 made them: their names, the text search
configuration, and which weighted tsvector column each index field is written to. Named here
once for every module of the backend; relies on nothing (the backend never creates these tables;
migration 0017 keeps a row's vectors in the row up to 8,160 bytes, and a rebuild's new table
keeps that, ``postgres.empty_copy``)."""

CONFIG = "newsarchive"  # the text search configuration (migration 0009)
TABLE = "search_document"
WORDS = "search_word"
# Term statistics for ranking, kept in step with TABLE by every write (migration 0007):
# how many documents hold each term in their full text, and the number of documents and
# their total lengths (full text, title) for BM25's average lengths.
TERMS = "search_term"
TOTALS = "search_total"

# Index fields (haystack names) → (tsvector column, weight).
VECTORS = {
    "title": ("document", "A"),
    "entity_names": ("document", "B"),
    "author_names": ("document", "C"),
    "text": ("document", "D"),
    "section": ("labels", "A"),
    "publication": ("labels", "B"),
}
DOCUMENT_FIELDS = [name for name, (column, _) in VECTORS.items() if column == "document"]
LABEL_FIELDS = [name for name, (column, _) in VECTORS.items() if column == "labels"]
# The title's terms alone (migration 0014: ``ts_filter(document, '{a}')``, kept by
# PostgreSQL): ``title:`` matches from its index with no weight to check row by row.
TITLE = ("title", "")
# The terms a row holds often for its length (migration 0016, ``postgres_candidates``): the
# first candidates of a broad search, from their own index.
SALIENT = "salient"
