import logging

from articles.ingest.record import reporting_skips, skip

log = logging.getLogger("articles.ingest.corpora.test")


def test_a_skip_is_logged_and_heard_by_the_import_reading(caplog):
    heard = []
    with caplog.at_level(logging.WARNING, logger=log.name):
        skip(log, "desk.csv#2", "no title or no body")  # no import is listening
        with reporting_skips(lambda source, reason: heard.append((source, reason))):
            skip(log, "desk.csv#3", "no title or no body")
        skip(log, "desk.csv#4", "no title or no body")
    assert heard == [("desk.csv#3", "no title or no body")]
    assert [r.getMessage() for r in caplog.records] == [
        f"desk.csv#{n}: skipped, no title or no body" for n in (2, 3, 4)
    ]
