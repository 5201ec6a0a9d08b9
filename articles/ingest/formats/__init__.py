"""One reader per document format: each turns a file's text (or a PDF's bytes) into an
``ArticleRecord``.

``dump`` (PDF-to-text dumps), ``pdf`` (the text layer, then the dump cleanup), ``html``
(saved article pages), ``text`` (plain text and Markdown) and ``tables`` (CSV and JSON Lines
with a field mapping). ``articles.ingest.documents`` tells a document's format and hands it to
its reader; the corpus readers (``articles.ingest.corpora``) read the shared corpora, some with
these. A document a reader cannot read raises ``articles.ingest.record.UnreadableDocument``.
"""
