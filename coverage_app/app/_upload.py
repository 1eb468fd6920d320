"""Uploads on the Data page: size limits, and reading in a separate process.

The files a visitor uploads are read in a child process with a time limit (seconds) and a memory
limit (MB).  A file that would take the server's memory or a core for minutes is stopped with a
Czech message saying which limit it hit, and the visitor can cancel a check that runs: the Streamlit
page calls ``tick`` while it waits, so a new interaction interrupts the wait and the child is
killed.  Nothing here imports Streamlit.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from coverage_app.errors import Problem
from coverage_app.i18n import fmt_num, register

log = logging.getLogger(__name__)

register({
    "app.err.upload_file_size": {
        "cs": "soubor má {size} MB, víc než limit {limit} MB na soubor; velká data načtěte příkazem "
              "coverage-app import a otevřete projekt (coverage-app serve --project …)",
        "en": "the file has {size} MB, more than the limit of {limit} MB per file; load large data with "
              "coverage-app import and open the project (coverage-app serve --project …)"},
    "app.err.upload_total_size": {
        "cs": "nahrané soubory mají dohromady {size} MB, víc než limit {limit} MB; velká data načtěte příkazem "
              "coverage-app import",
        "en": "the uploaded files have {size} MB together, more than the limit of {limit} MB; load large data "
              "with coverage-app import"},
    "app.err.upload_timeout": {
        "cs": "kontrola souborů trvala déle než {seconds} s, a proto byla ukončena; velká data načtěte příkazem "
              "coverage-app import",
        "en": "checking the files took longer than {seconds} s and was stopped; load large data with "
              "coverage-app import"},
    "app.err.upload_memory": {
        "cs": "kontrola souborů potřebovala víc než {mb} MB paměti, a proto byla ukončena (je některý soubor "
              "nečekaně velký, např. archiv s obrovským obsahem?)",
        "en": "checking the files needed more than {mb} MB of memory and was stopped (is a file unexpectedly "
              "large, e.g. an archive with a huge content?)"},
    "app.err.upload_failed": {
        "cs": "soubory se nepodařilo zkontrolovat kvůli vnitřní chybě nástroje; podrobnosti jsou v záznamu "
              "serveru",
        "en": "the files could not be checked because of an internal error of the tool; the details are in "
              "the server log"},
})

MB = 1024 * 1024


@dataclass(frozen=True)
class UploadLimits:
    """Limits of one check on the Data page.

    Attributes
    ----------
    file_mb : float
        Largest file (MB); Streamlit's ``server.maxUploadSize`` refuses larger ones already.
    total_mb : float
        All files of one check together (MB).
    seconds : float
        Wall time of the reading (s).
    memory_mb : int
        Address space of the reading process (MB); 0 = no limit (platforms without
        ``resource``, e.g. Windows).
    """

    file_mb: float = 100.0
    total_mb: float = 200.0
    seconds: float = 300.0
    memory_mb: int = 4096


def size_problems(sizes: Mapping[str, int], limits: UploadLimits, lang: str = "cs") -> list[Problem]:
    """Problems for files over the limits, by name; ``sizes`` maps file name → bytes."""
    def mb(size: float) -> str:
        return fmt_num(size / MB, lang, 1)

    problems = [Problem.make(name, None, None, "app.err.upload_file_size", size=mb(size), limit=mb(limits.file_mb * MB))
                for name, size in sizes.items() if size > limits.file_mb * MB]
    total = sum(sizes.values())
    if not problems and total > limits.total_mb * MB:
        problems.append(Problem.make("", None, None, "app.err.upload_total_size", size=mb(total),
                                     limit=mb(limits.total_mb * MB)))
    return problems


@dataclass(frozen=True)
class _BaseObce:
    """What :func:`~coverage_app.app._logic.load_uploaded_data` uses of the data loaded now."""

    municipalities: Any
    label: str


def read_uploads(files: Mapping[str, bytes], previous: Mapping[str, bytes] | None = None, *, lang: str = "cs",
                 base: Any = None, limits: UploadLimits = UploadLimits(),
                 tick: Callable[[float], None] | None = None):
    """:func:`~coverage_app.app._logic.load_uploaded_data` in a child process under ``limits``.

    ``base`` is the data loaded now (only its obce and label are passed on).  ``tick`` is called
    with the seconds elapsed about four times a second while the child reads.  Returns an
    ``UploadResult``; over a limit, or when the child fails, one whose only problem says so.  The
    child is killed whenever this function is left early (an exception raised by ``tick``
    included).
    """
    from coverage_app.app._logic import UploadResult

    base_obce = None if base is None else _BaseObce(base.municipalities, base.label)
    mp = multiprocessing.get_context("spawn")
    receiver, sender = mp.Pipe(duplex=False)
    child = mp.Process(target=_read_in_child, args=(sender, dict(files), dict(previous or {}), lang, base_obce,
                                                     limits.memory_mb), daemon=True)
    start = time.monotonic()
    child.start()
    sender.close()
    try:
        while True:
            if receiver.poll(0.25):
                try:
                    status, payload = receiver.recv()
                except EOFError:  # the child died without a word: killed for its memory
                    status, payload = "memory", None
                break
            if not child.is_alive() and not receiver.poll(0):
                status, payload = "memory", None
                break
            elapsed = time.monotonic() - start
            if elapsed > limits.seconds:
                status, payload = "timeout", None
                break
            if tick is not None:
                tick(elapsed)
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receiver.close()
    if status == "ok":
        return payload
    if status == "memory":
        problem = Problem.make("", None, None, "app.err.upload_memory", mb=limits.memory_mb)
    elif status == "timeout":
        problem = Problem.make("", None, None, "app.err.upload_timeout", seconds=fmt_num(limits.seconds, lang, 2))
    else:
        log.error("reading uploaded files failed: %s", payload)
        problem = Problem.make("", None, None, "app.err.upload_failed")
    return UploadResult(None, [problem], {})


def _read_in_child(sender, files: dict[str, bytes], previous: dict[str, bytes], lang: str,
                   base: _BaseObce | None, memory_mb: int) -> None:
    """Child process: set the memory limit, read, send ``(status, payload)`` back."""
    if memory_mb:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory_mb * MB, memory_mb * MB))
        except (ImportError, ValueError, OSError):
            pass  # no limit where the platform cannot set one
    try:
        from coverage_app.app._logic import load_uploaded_data

        result = load_uploaded_data(files, previous, lang=lang, base=base)
        sender.send(("ok", result))
    except MemoryError:
        sender.send(("memory", None))
    except Exception as exc:  # noqa: BLE001  (reported to the server log by the parent)
        import traceback

        sender.send(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))
    finally:
        sender.close()


def upload_limits(file_mb: float) -> UploadLimits:
    """The limits of this server: ``file_mb`` is Streamlit's ``server.maxUploadSize`` (MB); all files
    together may have twice that.  The environment variables ``COVERAGE_APP_UPLOAD_SECONDS`` and
    ``COVERAGE_APP_UPLOAD_MEMORY_MB`` override the time (s) and memory (MB) of one check."""
    import os

    default = UploadLimits()

    def setting(name: str, fallback: float) -> float:
        try:
            return float(os.environ.get(name) or fallback)
        except ValueError:
            log.warning("%s is not a number; %s is used", name, fallback)
            return fallback

    return UploadLimits(file_mb=file_mb, total_mb=2 * file_mb,
                        seconds=setting("COVERAGE_APP_UPLOAD_SECONDS", default.seconds),
                        memory_mb=int(setting("COVERAGE_APP_UPLOAD_MEMORY_MB", default.memory_mb)))
