"""Shared fixtures: where ../shared/realdata is, and the embedded demo."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"
ARTIFACTS = ROOT / "tests" / "artifacts"

os.environ.setdefault("COVERAGE_APP_STRICT_I18N", "1")


def realdata_path(*parts: str) -> Path:
    """A file in ../shared/realdata; skips the test (or fails in CI) when it is absent."""
    path = REALDATA.joinpath(*parts)
    if not path.exists():
        msg = f"real data not available: {path} (place ../shared/realdata beside the repository)"
        if os.environ.get("COVERAGE_APP_REQUIRE_REALDATA"):
            pytest.fail(msg)
        pytest.skip(msg)
    return path


@pytest.fixture(scope="session")
def realdata():
    """Function returning paths inside ../shared/realdata (skipping when absent)."""
    return realdata_path


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Folder for screenshots and rendered pages (gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def demo():
    """The embedded demo for ORP Židlochovice."""
    from coverage_app.demo import load_demo

    return load_demo("ORP:6221")


@pytest.fixture(scope="session")
def obce_cr(realdata):
    """All 6 258 obce of Czechia with polygons and population (real data)."""
    from coverage_app.io.municipalities import read_municipalities

    return read_municipalities(realdata("covidvobcich", "obce_polygony_cr.gpkg"))
