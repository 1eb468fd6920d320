"""The planner login: a growing wait after failed attempts, a lock-out, a log, a token for reloads."""

from __future__ import annotations

import logging

import pytest

from coverage_app.app._login import FREE_TRIES, LOCK_AFTER, LOCK_S, LoginGuard, check_token, make_token, token_id


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_wait_grows_after_the_free_tries_and_resets_on_success(caplog):
    clock = Clock()
    g = LoginGuard(clock)
    keys = ("ip:10.0.0.1", "session:a")
    waits = []
    with caplog.at_level(logging.INFO, logger="coverage_app.login"):
        for _ in range(6):
            waits.append(g.failure(keys, "10.0.0.1"))
            clock.now += waits[-1]  # the attacker waits exactly as long as told
    assert waits[:FREE_TRIES - 1] == [0.0] * (FREE_TRIES - 1)
    assert waits[FREE_TRIES - 1:] == [1.0, 2.0, 4.0, 8.0]
    assert g.wait_s(keys) == 0.0
    g.failure(keys)
    assert g.wait_s(keys) == 16.0 and g.wait_s(("ip:10.0.0.1",)) == 16.0  # per address too
    assert g.wait_s(("ip:10.0.0.2", "session:b")) == 0.0  # another client is not slowed down
    assert sum("failed from 10.0.0.1" in r.message for r in caplog.records) == 6
    with caplog.at_level(logging.INFO, logger="coverage_app.login"):
        g.success(keys, "10.0.0.1")
    assert g.wait_s(keys) == 0.0
    assert any("succeeded from 10.0.0.1" in r.message for r in caplog.records)


def test_lock_out_after_many_failures():
    clock = Clock()
    g = LoginGuard(clock)
    keys = ("ip:10.0.0.9",)
    for _ in range(LOCK_AFTER):
        clock.now += g.wait_s(keys) if not g.locked(keys) else 0.0
        g.failure(keys)
    assert g.locked(keys) and g.wait_s(keys) == pytest.approx(LOCK_S)
    clock.now += LOCK_S + 1
    assert not g.locked(keys)


def test_token_is_signed_and_expires():
    secret = b"s" * 32
    tok = make_token(secret, 8, now=0)
    assert check_token(tok, secret, now=3600)
    assert not check_token(tok, secret, now=8 * 3600 + 1)          # expired
    assert not check_token(tok, b"x" * 32, now=3600)                # another server's secret
    expiry, nonce, mac = tok.split(".")
    assert not check_token(f"{int(expiry) + 99999}.{nonce}.{mac}", secret, now=3600)  # a longer life forged
    assert not check_token("", secret) and not check_token("abc", secret)
    assert make_token(secret, 8, now=0) != tok  # every login its own id


def test_a_new_password_ends_every_login_and_a_logged_out_token_is_revoked():
    secret = b"s" * 32
    tok = make_token(secret, 8, now=0, bound="hash-of-the-old-password")
    assert check_token(tok, secret, now=60, bound="hash-of-the-old-password")
    assert not check_token(tok, secret, now=60, bound="hash-of-a-new-password")
    clock = Clock()
    g = LoginGuard(clock=clock)
    tid, expiry = token_id(tok)
    assert tid and expiry == 8 * 3600 and not g.revoked(tid)
    clock.now = 100
    g.revoke(tid, expiry)
    assert g.revoked(tid)  # a copied link no longer logs in after the planner logged out
    clock.now = expiry + 1
    assert not g.revoked(tid)  # forgotten once the token has expired anyway


def test_parallel_attempts_cannot_pass_the_wait_together():
    clock = Clock()
    g = LoginGuard(clock=clock)
    keys = ("ip:10.0.0.1", "session:a")
    for _ in range(FREE_TRIES):
        assert g.attempt(keys) == 0.0
        g.failure(keys)
    clock.now += 1.0
    assert g.attempt(keys) == 0.0  # the one attempt the wait allows …
    assert g.attempt(keys) > 0.0  # … and a second submitted meanwhile is refused
    assert g.attempt(("ip:10.0.0.1", "session:b")) > 0.0  # from another tab of the same address too
    g.failure(keys)
    assert g.attempt(keys) == pytest.approx(2.0)


def test_the_page_refuses_quick_guesses_and_keeps_the_login_across_a_reload():
    from streamlit.testing.v1 import AppTest

    from coverage_app.app._ui import _login_guard
    from tests.test_app_pages import TIMEOUT, VIEWS, login, texts

    _login_guard.clear()
    try:
        at = AppTest.from_file(str(VIEWS / "planovani.py"), default_timeout=TIMEOUT)
        at.run()
        for _ in range(FREE_TRIES):
            login(at, "spatne")
        assert "Nesprávné heslo." in texts(at) and "Další pokus bude možný za" in texts(at)
        login(at, "demo")  # the right password, but too early: refused without being checked
        assert not at.session_state["planner_ok"] if "planner_ok" in at.session_state else True
        assert "Další pokus bude možný za" in texts(at)
    finally:
        _login_guard.clear()
    at = login(AppTest.from_file(str(VIEWS / "planovani.py"), default_timeout=TIMEOUT).run(), "demo")
    token = at.query_params["prihlaseni"]
    assert token
    again = AppTest.from_file(str(VIEWS / "planovani.py"), default_timeout=TIMEOUT)
    again.query_params["prihlaseni"] = token  # a reload: a new session with the same address
    again.run()
    assert [s for s in again.subheader if s.value.startswith("Mezery")]
