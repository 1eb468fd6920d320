"""``coverage-app demo`` and ``serve``: start the Streamlit app (headless; the CLI opens the browser)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import click

from coverage_app.cli import _lang, cli
from coverage_app.i18n import t


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_streamlit(env_extra: dict[str, str], host: str, port: int | None, headless: bool,
                   max_upload_mb: int = 100) -> None:
    """Run the app; ``max_upload_mb`` is the largest file the Data page accepts (MB; all files of one
    check together twice that)."""
    from coverage_app.app import APP_ENTRY

    port = port or 8501
    try:  # Leaflet and the map script served by the app itself (no CDN)
        from coverage_app.maps.interactive import install_assets

        install_assets(APP_ENTRY.parent / "static")
    except OSError:
        pass  # a read-only installation: the app embeds the assets into its pages instead
    env = dict(os.environ, **env_extra)
    env.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
    env.setdefault("STREAMLIT_CLIENT_TOOLBAR_MODE", "minimal")  # no "Deploy" button on a public page
    env.setdefault("STREAMLIT_CLIENT_SHOW_ERROR_DETAILS", "none")  # no traceback or server path to visitors
    # Streamlit itself always runs headless: otherwise, on a machine where it never ran, it stops
    # at an interactive e-mail prompt before serving anything.  The browser is opened here instead.
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP_ENTRY), "--server.address", host,
           "--server.port", str(port), "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--server.enableStaticServing", "true",
           "--global.developmentMode", "false", "--server.maxUploadSize", str(max_upload_mb)]
    click.echo(t("cli.starting", _lang(), host=host, port=port), err=True)
    if not headless:
        browse_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        threading.Thread(target=_open_when_up, args=(browse_host, port), daemon=True).start()
    raise SystemExit(subprocess.call(cmd, env=env, stdin=subprocess.DEVNULL))


def _open_when_up(host: str, port: int, timeout_s: float = 120.0) -> None:
    """Open the user's browser at the app once its port answers (gives up after ``timeout_s`` seconds)."""
    import time
    import webbrowser

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1.0):
                break
        except OSError:
            time.sleep(0.5)
    else:
        return
    webbrowser.open(f"http://{host}:{port}/")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresa serveru.")
@click.option("--port", type=int, default=None, help="Port (výchozí 8501).")
@click.option("--headless/--browser", default=False, help="Neotevírat prohlížeč.")
@click.option("--max-upload-mb", type=click.IntRange(1, 2000), default=100, show_default=True,
              help="Největší soubor, který stránka Data přijme (MB).")
def demo(host: str, port: int | None, headless: bool, max_upload_mb: int) -> None:
    """Spustí aplikaci na vestavěných ukázkových datech (fiktivní služby)."""
    _run_streamlit({"COVERAGE_APP_DEMO": "1"}, host, port, headless, max_upload_mb)


@cli.command()
@click.option("--project", "project", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Projektový GeoPackage (coverage-app import).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=None)
@click.option("--headless/--browser", default=False)
@click.option("--max-upload-mb", type=click.IntRange(1, 2000), default=100, show_default=True,
              help="Největší soubor, který stránka Data přijme (MB).")
def serve(project: Path, host: str, port: int | None, headless: bool, max_upload_mb: int) -> None:
    """Spustí aplikaci na datech uživatele (projektový GeoPackage)."""
    from coverage_app.io.project import load_project

    load_project(project)  # refuse a broken file before starting the server
    _run_streamlit({"COVERAGE_APP_PROJECT": str(project.resolve())}, host, port, headless, max_upload_mb)


@cli.command()
@click.option("--project", "project", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Projektový GeoPackage (coverage-app import).")
@click.option("--password", "given", default=None, hide_input=True,
              help="Heslo (jinak se aplikace zeptá; nezobrazuje se).")
def password(project: Path, given: str | None) -> None:
    """Nastaví heslo plánovačů pro projekt: do projektu se uloží jen jeho solená otisková
    hodnota (PBKDF2), ne heslo samo."""
    from coverage_app.app._logic import hash_password
    from coverage_app.io.project import load_project, save_project

    proj = load_project(project)
    if given is None:
        given = click.prompt(t("cli.password_prompt", _lang()), hide_input=True, confirmation_prompt=True,
                             err=True)
    if len(given) < 8:
        raise click.BadParameter(t("cli.password_short", _lang()), param_hint="--password")
    proj.meta["planner_password"] = hash_password(given)
    save_project(proj, project)
    click.echo(t("cli.password_set", _lang(), path=project))


# ---------------------------------------------------------------------------------------------
# validate
# ---------------------------------------------------------------------------------------------
