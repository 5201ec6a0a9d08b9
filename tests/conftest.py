import pytest
from django.conf import settings
from haystack import connections

SHARED = settings.SHARED_DIR
SEED = SHARED / "seeds" / "000_b4f6f2b0e5c1da68.txt"


@pytest.fixture(autouse=True, scope="session")
def _files_in_tmp(tmp_path_factory):
    """Uploads and static files of a test run live in temp dirs; tests run with DEBUG off
    but without `collectstatic`, so there is no manifest to look up."""
    settings.STATIC_ROOT = tmp_path_factory.mktemp("static")
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")  # kept originals go here, not var/
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True, scope="session")
def _plain_http():
    """Tests run with DEBUG off, as production does, but the test client speaks plain http:
    no redirect to https (tests/security/test_deploy.py checks production's settings)."""
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True, scope="session")
def _search_answers_not_kept():
    """Searches are answered by the engine every time: tests compare searches across
    changes no index write makes (a backend's limits patched, documents written to the
    backend directly). tests/search/test_results_cache.py keeps answers, as production does."""
    settings.SEARCH_CACHE_SECONDS = 0


@pytest.fixture(autouse=True, scope="session")
def _search_index_in_tmp(tmp_path_factory):
    """Every test run searches a real Whoosh index of its own, never the one under var/."""
    path = tmp_path_factory.mktemp("whoosh")
    settings.HAYSTACK_CONNECTIONS["default"]["PATH"] = str(path)
    connections.reload("default")
    # As `manage.py reindex` would: nothing else creates an index (see IndexMissing).
    connections["default"].get_backend().create_index()
    yield path


@pytest.fixture
def search_index(_search_index_in_tmp):
    """An empty index for this test; returns haystack's backend."""
    backend = connections["default"].get_backend()
    backend.clear()
    yield backend
    backend.clear()


@pytest.fixture
def indexed(search_index, django_capture_on_commit_callbacks):
    """Run the block's on-commit callbacks, so that saves reach the index as in production.

    Usage: ``with indexed(): article.save()``.
    """
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def broken_index(tmp_path, settings):
    """A Whoosh index whose table of contents is garbage."""
    from haystack import connections

    path = tmp_path / "broken"
    path.mkdir()
    (path / "_MAIN_1.toc").write_bytes(b"\x00garbage" * 10)
    original = settings.HAYSTACK_CONNECTIONS["default"]["PATH"]
    settings.HAYSTACK_CONNECTIONS["default"]["PATH"] = str(path)
    connections.reload("default")
    yield
    settings.HAYSTACK_CONNECTIONS["default"]["PATH"] = original
    connections.reload("default")


@pytest.fixture
def seed_path():
    if not SEED.exists():
        pytest.skip(f"the seed is not at {SEED}")
    return SEED
