"""An import leaves what the process held before it to itself: Python's collector looks at
the run's own objects only, and less often, and everything is as it was after the run."""

import gc

import pytest

from articles.ingest.pipeline import YOUNG_OBJECTS, import_records, old_objects_left_alone
from tests.ingest.test_bulk import story

pytestmark = pytest.mark.django_db


def test_during_an_import_the_objects_before_it_are_set_aside(search_index, settings):
    settings.IMPORT_BATCH_SIZE = 2
    before = gc.get_threshold(), gc.get_freeze_count()
    seen = []

    def each(report):
        seen.append((gc.get_threshold()[0], gc.get_freeze_count() > 0))

    report = import_records([story(n) for n in range(5)], find_entities=False, on_each=each)
    assert len(report.created) == 5
    assert seen == [(YOUNG_OBJECTS, True)] * 5
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def test_a_process_that_set_its_objects_aside_keeps_them_so(search_index):
    thresholds = gc.get_threshold()
    gc.freeze()
    try:
        with old_objects_left_alone():
            assert gc.get_threshold() == thresholds
        import_records([story(1)], find_entities=False)
        assert gc.get_freeze_count() > 0  # not given back by the import: still set aside
        assert gc.get_threshold() == thresholds
    finally:
        gc.unfreeze()
