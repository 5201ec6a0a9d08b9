"""The offline stand-in for pip-audit: every installed distribution (the pins of
requirements.txt and what they pulled in) against a local copy of PyPA's advisory
database (https://github.com/pypa/advisory-database, OSV records in ``vulns/<name>/``).

pip-audit needs PyPI's per-release JSON or the OSV API; where neither answers, set
ADVISORY_DB to a checkout of that repository (or its ``vulns`` folder). Without it this
test is skipped. It knows only what the checkout knows: report the checkout's date with it.
"""

import os
from importlib.metadata import distributions
from pathlib import Path

import pytest
import yaml
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

# The virtualenv's own installers, not the app's dependencies (pip-audit's -r view too);
# an old pip or setuptools in the virtualenv is a matter for `make venv`, not the app.
INSTALLERS = {"pip", "setuptools", "wheel"}


def advisory_folder() -> Path:
    root = os.environ.get("ADVISORY_DB", "")
    if not root:
        pytest.skip("ADVISORY_DB is not set (a checkout of pypa/advisory-database)")
    path = Path(root)
    path = path / "vulns" if (path / "vulns").is_dir() else path
    if not path.is_dir():
        pytest.skip(f"ADVISORY_DB={root} is not a folder")
    return path


def _version(text) -> Version | None:
    try:
        return Version(str(text))
    except InvalidVersion:
        return None


def affects(affected: dict, version: Version) -> bool:
    """OSV's rule: listed versions, or inside an introduced..fixed (or ..last_affected) range."""
    if any(_version(v) == version for v in affected.get("versions", [])):
        return True
    for span in affected.get("ranges", []):
        if span.get("type") != "ECOSYSTEM":
            continue
        start = None
        for event in span.get("events", []):
            if "introduced" in event:
                start = (
                    Version("0")
                    if str(event["introduced"]) == "0"
                    else _version(event["introduced"])
                )
            elif start is not None and ("fixed" in event or "last_affected" in event):
                end = _version(event.get("fixed", event.get("last_affected")))
                inside = version < end if "fixed" in event else version <= end
                if end is not None and start <= version and inside:
                    return True
                start = None
        if start is not None and start <= version:  # introduced, never fixed
            return True
    return False


def test_no_installed_distribution_has_a_known_advisory():
    folder = advisory_folder()
    found = []
    checked = 0
    for dist in distributions():
        name = canonicalize_name(dist.metadata["Name"] or "")
        version = _version(dist.version)
        if name in INSTALLERS or version is None or not (folder / name).is_dir():
            continue
        checked += 1
        for record_path in sorted((folder / name).glob("*.yaml")):
            record = yaml.safe_load(record_path.read_text())
            if record.get("withdrawn"):
                continue
            for affected in record.get("affected", []):
                package = affected.get("package", {})
                if canonicalize_name(package.get("name", "")) != name:
                    continue
                if affects(affected, version):
                    found.append(f"{name} {version}: {record['id']} {record.get('aliases', [])}")
    assert checked, "no installed distribution has a folder in the advisory database"
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    "version, expected",
    [("4.2.14", True), ("4.2.15", False), ("5.0.7", True), ("5.0.8", False), ("5.1", False)],
)
def test_ranges_are_read_as_osv_means_them(version, expected):
    affected = {
        "ranges": [
            {
                "type": "ECOSYSTEM",
                "events": [
                    {"introduced": "5.0"},
                    {"fixed": "5.0.8"},
                    {"introduced": "4.2"},
                    {"fixed": "4.2.15"},
                ],
            }
        ]
    }
    assert affects(affected, Version(version)) is expected
