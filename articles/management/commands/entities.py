import json
import sys

from django.core.management.base import BaseCommand

from articles.entities import extract


class Command(BaseCommand):
    help = (
        "Print the named entities found in the text read from standard input: one JSON "
        'object per line with --json ({"start", "end", "text", "kind"}, offsets in '
        "characters), else a table. English goes through the model; other languages find "
        "nothing without a gazetteer."
    )
    # call_command("entities", stdin=io.StringIO(...)) reads from there instead.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="One JSON object per line.")
        parser.add_argument(
            "--language", default="en", help='ISO 639-1 code of the text (default "en").'
        )

    def handle(self, *args, **options):
        text = (options.get("stdin") or sys.stdin).read()
        spans = extract(text, options["language"])
        if options["json"]:
            for span in spans:
                fields = {
                    "start": span.start,
                    "end": span.end,
                    "text": span.text,
                    "kind": span.kind,
                }
                self.stdout.write(json.dumps(fields, ensure_ascii=False))
            return
        self.stdout.write(f"{'start':>7} {'end':>7}  {'kind':<12}  text")
        for span in spans:
            text = " ".join(span.text.split())  # a name broken over two lines, on one
            self.stdout.write(f"{span.start:>7} {span.end:>7}  {span.kind:<12}  {text}")
