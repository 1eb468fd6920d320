"""The planner login's guard: a growing wait after failed attempts, a lock-out, a log, a signed token.

* **Wait.** After :data:`FREE_TRIES` failed attempts from one client address or one browser
  session, the next attempt is accepted only after a wait that doubles with every further failure
  (1, 2, 4 … up to :data:`MAX_WAIT_S` seconds); an attempt made earlier is refused without even
  checking the password, so guessing costs time and no CPU.
* **Lock-out.** :data:`LOCK_AFTER` failures within :data:`WINDOW_S` lock the address (or the
  session) for :data:`LOCK_S`.
* **Log.** Every success and failure is logged (logger ``coverage_app.login``) with the time and
  the client address.
* **One attempt at a time.** Checking the wait and taking the attempt is one step under a lock,
  so parallel submissions from one address or session cannot all pass before a failure counts.
* **Reload.** A successful login gives a token — its expiry time and a random id, signed with
  HMAC-SHA256 by a secret of the server (``COVERAGE_APP_LOGIN_SECRET``, else one made when the
  server starts) and by the stored password's hash — that the page keeps in its address
  (``?prihlaseni=…``), so a reload within ``COVERAGE_APP_LOGIN_HOURS`` (default 8) stays logged in.
  The expiry, a restart of the server (without a fixed secret), a new password and logging out end
  it: a logged-out token is revoked by the server, not just removed from the address.

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
           "make_token", "server_secret", "token_hours", "token_id"]

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


#: Seconds an attempt in progress blocks another one from the same keys (checking a password
#: takes well under a second).
BUSY_S = 5.0
#: Records kept before those without recent failures are forgotten.
MAX_RECORDS = 10_000


@dataclass
class _Record:
    failures: list[float] = field(default_factory=list)
    next_allowed: float = 0.0
    locked_until: float = 0.0
    busy_until: float = 0.0


class LoginGuard:
    """Failed attempts per key (``ip:…``, ``session:…``), shared by all sessions of a server."""

    def __init__(self, clock: Callable[[], float] = time.time):
        self.clock = clock
        self._lock = threading.Lock()
        self._records: dict[str, _Record] = {}
        self._revoked: dict[str, float] = {}

    def _record(self, key: str) -> _Record:
        return self._records.setdefault(key, _Record())

    def wait_s(self, keys: Iterable[str]) -> float:
        """Seconds before the next attempt from these keys is accepted (0 = now); a lock-out
        counts as a wait."""
        now = self.clock()
        with self._lock:
            waits = [max(r.locked_until, r.next_allowed) - now for r in (self._record(k) for k in keys)]
        return max([0.0, *waits])

    def attempt(self, keys: Iterable[str]) -> float:
        """Take an attempt for these keys if none waits: returns 0 and marks the keys busy until
        :meth:`failure` or :meth:`success`; else the seconds to wait (nothing is marked)."""
        keys = tuple(keys)
        now = self.clock()
        with self._lock:
            records = [self._record(k) for k in keys]
            wait = max([0.0, *(max(r.locked_until, r.next_allowed, r.busy_until) - now for r in records)])
            if wait <= 0:
                for r in records:
                    r.busy_until = now + BUSY_S
        return wait

    def revoke(self, token_id: str, until: float) -> None:
        """Revoke a login token (logged out) until it would have expired."""
        with self._lock:
            self._revoked[token_id] = until

    def revoked(self, token_id: str) -> bool:
        now = self.clock()
        with self._lock:
            self._revoked = {k: v for k, v in self._revoked.items() if v > now} if len(self._revoked) > 1000 \
                else self._revoked
            return self._revoked.get(token_id, 0.0) > now

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
            if len(self._records) > MAX_RECORDS:  # forget keys without recent failures or a lock
                self._records = {k: r for k, r in self._records.items()
                                 if r.locked_until > now or any(now - f < WINDOW_S for f in r.failures)}
            for k in keys:
                r = self._record(k)
                r.busy_until = 0.0
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


def _sign(payload: str, secret: bytes, bound: str) -> str:
    mac = hmac.new(secret + b"|" + bound.encode("utf-8"), payload.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:18]).decode("ascii")


def make_token(secret: bytes, hours: float, now: float | None = None, bound: str = "") -> str:
    """A token valid for ``hours`` from ``now`` (seconds since the epoch), with a random id, signed
    with ``secret`` and ``bound`` (the stored password's hash: a new password ends every login)."""
    expiry = int((time.time() if now is None else now) + hours * 3600)
    payload = f"{expiry}.{secrets.token_hex(8)}"
    return f"{payload}.{_sign(payload, secret, bound)}"


def token_id(token: str | None) -> tuple[str, float]:
    """The id and expiry time of a token (for :meth:`LoginGuard.revoke`); ``("", 0)`` if malformed."""
    parts = str(token or "").split(".")
    if len(parts) != 3 or not parts[0].isdigit():
        return "", 0.0
    return parts[1], float(parts[0])


def check_token(token: str | None, secret: bytes, now: float | None = None, bound: str = "") -> bool:
    """Whether ``token`` was signed with ``secret`` and ``bound`` and has not expired."""
    parts = str(token or "").split(".")
    if len(parts) != 3 or not parts[0].isdigit():
        return False
    payload, mac = f"{parts[0]}.{parts[1]}", parts[2]
    if not hmac.compare_digest(mac, _sign(payload, secret, bound)):
        return False
    return int(parts[0]) > (time.time() if now is None else now)
