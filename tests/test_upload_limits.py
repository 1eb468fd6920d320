"""The Data page's uploads: size limits by name, reading in a child process under a time and a
memory limit, killed when the visitor leaves the wait."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from coverage_app.app import _logic as lg
from coverage_app.app._upload import MB, UploadLimits, read_uploads, size_problems, upload_limits

ROOT = Path(__file__).resolve().parents[1]
DEMO_FILES = [ROOT / "geodata" / "obce_seed_districts.csv", ROOT / "services_data" / "demo_sluzby.csv",
              ROOT / "services_data" / "demo_vlastni_druhy.csv"]


def _files() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in DEMO_FILES}


def test_a_file_over_the_limit_is_named_with_its_size_in_czech():
    limits = UploadLimits(file_mb=10, total_mb=20)
    (p,) = size_problems({"obce.csv": 1000, "silnice.gpkg": int(12.5 * MB)}, limits)
    assert p.file == "silnice.gpkg" and p.severity == "error"
    assert "12,5 MB, víc než limit 10 MB na soubor" in p.message("cs")
    assert "12.5 MB, more than the limit of 10 MB per file" in size_problems(
        {"silnice.gpkg": int(12.5 * MB)}, limits, "en")[0].message("en")


def test_files_together_over_the_limit_are_refused_before_reading():
    limits = UploadLimits(file_mb=10, total_mb=20)
    assert size_problems({"a.csv": 9 * MB, "b.csv": 9 * MB}, limits) == []
    (p,) = size_problems({"a.csv": 9 * MB, "b.csv": 9 * MB, "c.csv": 3 * MB}, limits)
    assert "dohromady 21 MB, víc než limit 20 MB" in p.message("cs")


def test_limits_of_the_server(monkeypatch):
    monkeypatch.setenv("COVERAGE_APP_UPLOAD_SECONDS", "30")
    monkeypatch.setenv("COVERAGE_APP_UPLOAD_MEMORY_MB", "abc")  # not a number: the default, logged
    limits = upload_limits(50.0)
    assert (limits.file_mb, limits.total_mb, limits.seconds, limits.memory_mb) == (50, 100, 30, 4096)


def test_reading_in_the_child_gives_what_reading_here_gives():
    ticks: list[float] = []
    result = read_uploads(_files(), tick=ticks.append)
    here = lg.load_uploaded_data(_files())
    assert result.ok and here.ok
    assert result.data.key == here.data.key
    assert [p.message("cs") for p in result.problems] == [p.message("cs") for p in here.problems]
    assert len(result.data.municipalities) == len(here.data.municipalities)


def test_a_check_over_its_time_is_stopped_and_said_so():
    result = read_uploads(_files(), limits=UploadLimits(seconds=0.01))
    (p,) = result.problems
    assert not result.ok and p.code == "app.err.upload_timeout"
    assert "trvala déle než 0,01 s" in p.message("cs")
    assert not multiprocessing.active_children()


def test_a_check_over_its_memory_is_stopped_and_said_so():
    # 200 MB of address space is less than the reader's libraries need: the child cannot go on
    result = read_uploads(_files(), limits=UploadLimits(memory_mb=200))
    (p,) = result.problems
    assert p.code == "app.err.upload_memory" and "víc než 200 MB paměti" in p.message("cs")
    assert not multiprocessing.active_children()


def test_leaving_the_wait_kills_the_child():
    """Streamlit interrupts a page by raising from its next call: here from ``tick``."""
    class Left(Exception):
        pass

    def tick(seconds: float) -> None:
        raise Left

    with pytest.raises(Left):
        read_uploads(_files(), tick=tick)
    assert not multiprocessing.active_children()
