"""`manage.py check_index` on a Whoosh index whose files were lost or cut short (a disk
filled up, a copy stopped half-way): one sentence saying so and what to do, exit code 1,
no traceback; `manage.py reindex` then brings back an index that checks clean."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.faults.conftest import deployment, write_documents


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """A deployment with a few imported articles, and a copy of its healthy index."""
    root = tmp_path_factory.mktemp("damaged-index")
    write_documents(root / "docs", 12)
    with deployment(root, "sqlite") as site:
        imported = site.manage("import_articles", str(root / "docs"), timeout=120)
        assert imported.returncode == 0, imported.stderr
        shutil.copytree(root / "whoosh", root / "whoosh.good")
        yield site


@pytest.fixture
def site(archive):
    """The deployment, its index as it was after the import."""
    index = archive.root / "whoosh"
    shutil.rmtree(index)
    shutil.copytree(archive.root / "whoosh.good", index)
    return archive


def segment(site) -> Path:
    [seg] = (site.root / "whoosh").glob("*.seg")
    return seg


def lose(path: Path) -> None:
    path.unlink()


def cut_in_half(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


def empty(path: Path) -> None:
    path.write_bytes(b"")


@pytest.mark.parametrize("damage", [lose, cut_in_half, empty])
@pytest.mark.parametrize("repair", [False, True], ids=["check", "repair"])
def test_a_damaged_segment_is_reported_in_a_sentence_with_exit_code_1(site, damage, repair):
    assert site.manage("check_index").returncode == 0  # in step before the damage
    damage(segment(site))
    result = site.manage("check_index", *(["--repair"] if repair else []))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "The search index cannot be read" in result.stderr
    assert "`manage.py reindex` rebuilds it" in result.stderr


def test_a_damaged_table_of_contents_is_reported_too(site):
    [toc] = (site.root / "whoosh").glob("_MAIN_*.toc")
    cut_in_half(toc)
    result = site.manage("check_index")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "The search index cannot be read" in result.stderr


def test_reindex_after_the_damage_gives_an_index_in_step(site):
    cut_in_half(segment(site))
    assert site.manage("check_index").returncode == 1
    rebuilt = site.manage("reindex")
    assert rebuilt.returncode == 0, rebuilt.stderr
    result = site.manage("check_index")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "missing: 0" in result.stdout and "in step" in result.stdout
