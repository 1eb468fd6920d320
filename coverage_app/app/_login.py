"""The planner login's guard: a growing wait after failed attempts, a lock-out, a log, a signed token.

* **Wait.** After :data:`FREE_TRIES` failed attempts from one client address or one browser
  session, the next attempt is accepted only after a wait that doubles with every further failure
  (1, 2, 4 … up to :data:`MAX_WAIT_S` seconds); an attempt made earlier is refused without even
  checking the password, so guessing costs time and no CPU.
* **Lock-out.** :data:`LOCK_AFTER` failures within :data:`WINDOW_S` lock the address (or the
  session) for :data:`LOCK_S`.
* **Log.** Every success and failure is logged (logger ``coverage_app.login``) with the time and
  the client address.
* **Reload.** A successful login gives a token — the expiry time signed with HMAC-SHA256 by a
  secret of the server (``COVERAGE_APP_LOGIN_SECRET``, else one made when the server starts) —
  that the page keeps in its address (``?prihlaseni=…``), so a reload within
  ``COVERAGE_APP_LOGIN_HOURS`` (default 8) stays logged in; a restart of the server or the expiry
  ends it, and logging out removes it.

Pure Python (no Streamlit): the page calls :class:`LoginGuard` and the token functions.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

__all__ = ["FREE_TRIES", "LOCK_AFTER", "LOCK_S", "MAX_WAIT_S", "WINDOW_S", "LoginGuard", "check_token",
           "make_token", "server_secret", "token_hours"]

log = logging.getLogger("coverage_app.login")

#: Failed attempts allowed without any wait.
FREE_TRIES = 3
#: Longest wait between attempts (seconds).
MAX_WAIT_S = 60.0
#: Failures within :data:`WINDOW_S` that lock an address or session out.
LOCK_AFTER = 10
#: Seconds within which failures are counted.
WINDOW_S = 15 * 60.0
#: Seconds of a lock-out.
LOCK_S = 15 * 60.0


@dataclass
class _Record:
    failures: list[float] = field(default_factory=list)
    next_allowed: float = 0.0
    locked_until: float = 0.0


class LoginGuard:
    """Failed attempts per key (``ip:…``, ``session:…``), shared by all sessions of a server."""

    def __init__(self, clock: Callable[[], float] = time.time):
        self.clock = clock
        self._lock = threading.Lock()
        self._records: dict[str, _Record] = {}

    def _record(self, key: str) -> _Record:
        return self._records.setdefault(key, _Record())

    def wait_s(self, keys: Iterable[str]) -> float:
        """Seconds before the next attempt from these keys is accepted (0 = now); a lock-out
        counts as a wait."""
        now = self.clock()
        with self._lock:
            waits = [max(r.locked_until, r.next_allowed) - now for r in (self._record(k) for k in keys)]
        return max([0.0, *waits])

    def locked(self, keys: Iterable[str]) -> bool:
        """Whether one of the keys is locked out now."""
        now = self.clock()
        with self._lock:
            return any(self._record(k).locked_until > now for k in keys)

    def failure(self, keys: Iterable[str], address: str = "") -> float:
        """Record a failed attempt; returns the wait (seconds) before the next one."""
        now = self.clock()
        wait = 0.0
        with self._lock:
            for k in keys:
                r = self._record(k)
                r.failures = [f for f in r.failures if now - f < WINDOW_S] + [now]
                n = len(r.failures)
                w = 0.0 if n < FREE_TRIES else min(MAX_WAIT_S, 2.0 ** (n - FREE_TRIES))
                r.next_allowed = now + w
                if n >= LOCK_AFTER:
                    r.locked_until = now + LOCK_S
                    w = LOCK_S
                wait = max(wait, w)
        log.warning("planner login failed from %s (%s); next attempt in %.0f s", address or "?",
                    ", ".join(keys), wait)
        return wait

    def success(self, keys: Iterable[str], address: str = "") -> None:
        """Record a successful login (the keys' failures are forgotten)."""
        with self._lock:
            for k in keys:
                self._records.pop(k, None)
        log.info("planner login succeeded from %s", address or "?")


_SECRET = secrets.token_bytes(32)


def server_secret() -> bytes:
    """The key tokens are signed with: ``COVERAGE_APP_LOGIN_SECRET`` or one made at start."""
    env = os.environ.get("COVERAGE_APP_LOGIN_SECRET", "")
    return env.encode("utf-8") if env else _SECRET


def token_hours() -> float:
    """How long a login lasts across reloads (``COVERAGE_APP_LOGIN_HOURS``, default 8)."""
    try:
        return max(0.0, float(os.environ.get("COVERAGE_APP_LOGIN_HOURS", "8")))
    except ValueError:
        return 8.0


def _sign(payload: str, secret: bytes) -> str:
    mac = hmac.new(secret, payload.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:18]).decode("ascii")


def make_token(secret: bytes, hours: float, now: float | None = None) -> str:
    """A token valid for ``hours`` from ``now`` (seconds since the epoch)."""
    expiry = int((time.time() if now is None else now) + hours * 3600)
    return f"{expiry}.{_sign(str(expiry), secret)}"


def check_token(token: str | None, secret: bytes, now: float | None = None) -> bool:
    """Whether ``token`` was signed with ``secret`` and has not expired."""
    if not token or "." not in token:
        return False
    expiry, _, mac = str(token).partition(".")
    if not expiry.isdigit() or not hmac.compare_digest(mac, _sign(expiry, secret)):
        return False
    return int(expiry) > (time.time() if now is None else now)
