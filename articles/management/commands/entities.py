import json
import sys

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from articles.entities import language_of, read_pieces
from articles.entities.parallel import add_processes_argument, in_parallel
from articles.entities.tagging import ArchiveExtractor

# Pieces of the input that go through the model together: small enough that memory stays
# flat however long the input (about 8 x 10,000 characters in the model at once, in each
# worker process; see articles.entities.parallel).
PIECE = 10_000
PIECES_AT_ONCE = 8


class Command(BaseCommand):
    help = (
        "Print the named entities found in the text read from standard input: one JSON "
        'object per line with --json ({"start", "end", "text", "kind"}, offsets in '
        "characters), else a table. The input is read and processed a piece at a time "
        "(cut at paragraph breaks), each piece in its language (--language, or detected), "
        "through the pipeline import uses: the English model, the Persian/Arabic/Kurdish "
        "rules, and the archive's own entities."
    )
    # call_command("entities", stdin=io.StringIO(...)) reads from there instead.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="One JSON object per line.")
        parser.add_argument(
            "--language",
            help="ISO 639-1 code of the text (en, fa, ar, ku …); detected piece by piece "
            "when not given.",
        )
        add_processes_argument(parser)

    def handle(self, *args, **options):
        stream = options.get("stdin") or sys.stdin
        try:
            extractor = ArchiveExtractor()
        except DatabaseError as exc:
            self.stderr.write(f"No archive entities ({exc}); general rules and the model only.")
            extractor = ArchiveExtractor(empty=True)
        if not options["json"]:
            self.stdout.write(f"{'start':>7} {'end':>7}  {'kind':<12}  text")
        jobs = self._jobs(stream, options["language"])
        for batch, found in in_parallel(
            jobs,
            lambda texts, language: list(extractor.extract_many(texts, language)),
            options["processes"],
        ):
            self._write(batch, found, options["json"])

    @staticmethod
    def _jobs(stream, language_given):
        """The input a few pieces at a time, each group in one language."""
        batch: list[tuple[int, str]] = []
        batch_language = None
        for offset, piece in read_pieces(stream, PIECE):
            language = language_given or language_of(piece)
            if batch and (language != batch_language or len(batch) == PIECES_AT_ONCE):
                yield batch, [piece for _, piece in batch], batch_language
                batch = []
            batch.append((offset, piece))
            batch_language = language
        if batch:
            yield batch, [piece for _, piece in batch], batch_language

    def _write(self, batch, found, as_json):
        for (offset, _piece), spans in zip(batch, found, strict=True):
            for span in spans:
                start, end = offset + span.start, offset + span.end
                if as_json:
                    fields = {"start": start, "end": end, "text": span.text, "kind": span.kind}
                    self.stdout.write(json.dumps(fields, ensure_ascii=False))
                else:
                    text = " ".join(span.text.split())  # a name broken over two lines, on one
                    self.stdout.write(f"{start:>7} {end:>7}  {span.kind:<12}  {text}")
