"""Command line: ``coverage-app demo | serve | validate | import | analyze | print | export | data | template``.

The commands only call the library; every problem with the user's data or options ends with a
Czech message naming the file, row and column, and exit code 1 — never a traceback.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import click

from coverage_app.errors import DataError, Problem, Report
from coverage_app.i18n import register, t

register({
    "cli.error": {"cs": "Chyba", "en": "Error"},
    "cli.unexpected": {
        "cs": "Neočekávaná chyba ({kind}: {detail}). Spusťte znovu s COVERAGE_APP_DEBUG=1 a pošlete výpis vývojářům.",
        "en": "Unexpected error ({kind}: {detail}). Run again with COVERAGE_APP_DEBUG=1 and send the output to the developers."},
    "cli.shading_title": {"cs": "Dojezd k nejbližšímu místu: {kind}", "en": "Travel to the nearest site: {kind}"},
    "cli.missing_option": {"cs": "chybí povinný parametr {option}", "en": "the option {option} is required"},
    "cli.no_such_option": {"cs": "neznámý parametr {option}", "en": "no such option {option}"},
    "cli.bad_value": {"cs": "neplatná hodnota parametru {option} ({detail})",
                      "en": "invalid value of {option} ({detail})"},
    "cli.file_missing": {"cs": "soubor {file} neexistuje", "en": "the file {file} does not exist"},
    "cli.district_note": {"cs": "Pozn.: „{value}“ chápu jako {label} ({key}); jinak zadejte {other}.",
                          "en": "Note: \"{value}\" is taken as {label} ({key}); otherwise give {other}."},
    "cli.compare_note": {
        "cs": "Upozornění: mimo obvod nejsou načteny žádné služby; srovnání s „{label}“ má smysl jen s daty celé "
              "oblasti (např. celým registrem MPSV).",
        "en": "Warning: no services outside the district are loaded; the comparison with \"{label}\" needs data "
              "of the whole area (e.g. the whole MPSV registry)."},
    "err.service_in_two_files": {
        "cs": "služba {service} je už v souboru {other}; každá služba smí být jen v jednom souboru služeb (územní "
              "působnost ke službám registru doplňte tabulkou id_sluzby, uzemni_pusobnost)",
        "en": "service {service} is already in the file {other}; each service may be in one service file only (add "
              "service areas to registry services with a table id_sluzby, uzemni_pusobnost)"},
    "warn.area_unknown_service": {"cs": "služba {service} není mezi načtenými službami; její působnost se nepoužije",
                                  "en": "service {service} is not among the loaded services; its area is not used"},
    "cli.bad_option": {"cs": "chybný parametr: {detail}", "en": "bad option: {detail}"},
    "cli.validate_ok": {"cs": "{file}: v pořádku ({what}, {rows})", "en": "{file}: OK ({what}, {rows})"},
    "cli.validate_summary": {"cs": "Nalezeno chyb: {errors}, upozornění: {warnings}.",
                             "en": "Errors found: {errors}, warnings: {warnings}."},
    "cli.unknown_file_kind": {
        "cs": "nelze poznat, co soubor obsahuje (obce, obyvatelstvo, služby, registr MPSV, adresní body, "
              "silnice, rychlosti, normy nebo vlastní druhy)",
        "en": "cannot tell what the file holds (municipalities, population, services, MPSV registry, "
              "address points, roads, speeds, norms or custom kinds)"},
    "cli.written": {"cs": "Zapsáno: {path}", "en": "Written: {path}"},
    "cli.analysis_done": {
        "cs": "{district}: {obce}, {kinds}, {gaps}; dojezd {method}.",
        "en": "{district}: {obce}, {kinds}, {gaps}; travel {method}."},
    "cli.network_warning": {"cs": "upozornění: {text}", "en": "warning: {text}"},
    "cli.stage.kinds": {"cs": "{district}: druhy služeb", "en": "{district}: kinds of service"},
    "cli.stage.write": {"cs": "zápis výstupů", "en": "writing outputs"},
    "cli.scope.obec": {"cs": "v obcích", "en": "in obce"},
    "cli.scope.orp": {"cs": "za ORP", "en": "per ORP"},
    "cli.scope.pou": {"cs": "za POÚ", "en": "per POÚ"},
    "cli.scope.kraj": {"cs": "za kraj", "en": "per kraj"},
    "cli.estimate_note": {
        "cs": "Bez silniční sítě: dojezdy jsou odhad (vzdušná vzdálenost × {detour} při {speed} km/h).",
        "en": "No road network: travel times are an estimate (straight line × {detour} at {speed} km/h)."},
    "cli.starting": {"cs": "Spouštím aplikaci na http://{host}:{port} (ukončíte Ctrl+C)",
                     "en": "Starting the app at http://{host}:{port} (stop with Ctrl+C)"},
    "kind.municipalities": {"cs": "obce", "en": "municipalities"},
    "kind.population": {"cs": "obyvatelstvo", "en": "population"},
    "kind.services": {"cs": "služby (šablona)", "en": "services (template)"},
    "kind.rpss": {"cs": "registr poskytovatelů MPSV", "en": "MPSV registry"},
    "kind.codelist": {"cs": "číselník registru", "en": "registry codelist"},
    "kind.addresses": {"cs": "adresní body RÚIAN", "en": "RÚIAN address points"},
    "kind.roads": {"cs": "silnice", "en": "roads"},
    "kind.speeds": {"cs": "tabulka rychlostí", "en": "speed table"},
    "kind.norms": {"cs": "normy", "en": "norms"},
    "kind.service_areas": {"cs": "územní působnost služeb", "en": "service areas"},
    "kind.custom_kinds": {"cs": "vlastní druhy služeb", "en": "custom kinds"},
})


def _fail(problems: list[Problem] | DataError, lang: str = "cs") -> None:
    items = problems.problems if isinstance(problems, DataError) else problems
    for p in items:
        click.echo(p.format(lang), err=True)
    raise SystemExit(1)


def _lang() -> str:
    return os.environ.get("COVERAGE_APP_LANG", "cs")


class _Group(click.Group):
    """A group whose errors are reported in Czech with exit code 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DataError as exc:
            _fail(exc, _lang())
        except click.exceptions.Exit:
            raise
        except click.UsageError:
            raise
        except FileNotFoundError as exc:
            click.echo(f"{t('cli.error', _lang())}: {t('cli.file_missing', _lang(), file=exc.filename)}", err=True)
            raise SystemExit(1) from None
        except (OSError, ValueError) as exc:
            click.echo(f"{t('cli.error', _lang())}: {exc}", err=True)
            raise SystemExit(1) from None
        except Exception as exc:  # an unexpected fault: a message, not a traceback
            if os.environ.get("COVERAGE_APP_DEBUG"):
                raise
            click.echo(t("cli.unexpected", _lang(), kind=type(exc).__name__, detail=exc), err=True)
            raise SystemExit(1) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="coverage-app")
def cli() -> None:
    """Dostupnost sociálních služeb v ORP a POÚ (Czech social-services coverage)."""


def _usage_message(exc: click.UsageError, lang: str) -> str:
    """Click's usage errors in the user's language (the common ones; others as click says them)."""
    if isinstance(exc, click.MissingParameter) and exc.param is not None:
        return t("cli.missing_option", lang, option=" / ".join(exc.param.opts) or exc.param.name)
    if isinstance(exc, click.NoSuchOption):
        return t("cli.no_such_option", lang, option=exc.option_name)
    if isinstance(exc, click.BadParameter) and exc.param is not None:
        return t("cli.bad_value", lang, option=" / ".join(exc.param.opts) or exc.param.name, detail=exc.message)
    if isinstance(exc, click.BadParameter) and exc.param_hint:
        return t("cli.bad_value", lang, option=exc.param_hint, detail=exc.message)
    return exc.format_message()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``coverage-app`` console script."""
    try:
        cli.main(args=argv, prog_name="coverage-app", standalone_mode=False)
    except click.exceptions.Abort:
        raise SystemExit(1) from None
    except click.UsageError as exc:
        click.echo(t("cli.bad_option", _lang(), detail=_usage_message(exc, _lang())), err=True)
        if exc.ctx is not None:
            click.echo(exc.ctx.get_usage(), err=True)
        raise SystemExit(1) from None
    except click.exceptions.Exit as exc:
        raise SystemExit(exc.exit_code) from None


# ---------------------------------------------------------------------------------------------
# demo / serve
# ---------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_streamlit(env_extra: dict[str, str], host: str, port: int | None, headless: bool) -> None:
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
    # Streamlit itself always runs headless: otherwise, on a machine where it never ran, it stops
    # at an interactive e-mail prompt before serving anything.  The browser is opened here instead.
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP_ENTRY), "--server.address", host,
           "--server.port", str(port), "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--server.enableStaticServing", "true",
           "--global.developmentMode", "false"]
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
def demo(host: str, port: int | None, headless: bool) -> None:
    """Spustí aplikaci na vestavěných ukázkových datech (fiktivní služby)."""
    _run_streamlit({"COVERAGE_APP_DEMO": "1"}, host, port, headless)


@cli.command()
@click.option("--project", "project", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Projektový GeoPackage (coverage-app import).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=None)
@click.option("--headless/--browser", default=False)
def serve(project: Path, host: str, port: int | None, headless: bool) -> None:
    """Spustí aplikaci na datech uživatele (projektový GeoPackage)."""
    from coverage_app.io.project import load_project

    load_project(project)  # refuse a broken file before starting the server
    _run_streamlit({"COVERAGE_APP_PROJECT": str(project.resolve())}, host, port, headless)


# ---------------------------------------------------------------------------------------------
# validate
# ---------------------------------------------------------------------------------------------
def detect_file_kind(path: Path) -> str | None:
    """What an input file holds: ``municipalities``, ``population``, ``services``, ``rpss``,
    ``codelist``, ``addresses``, ``roads``, ``speeds``, ``norms``, ``custom_kinds`` (or ``None``)."""
    from coverage_app.io.tables import find_column, read_table

    suffix = "".join(path.suffixes[-2:]).lower() if path.name.lower().endswith((".osm.pbf", ".osm.bz2")) else path.suffix.lower()
    if suffix in (".osm", ".pbf", ".osm.pbf", ".osm.bz2", ".o5m"):
        return "roads"
    if suffix == ".json":
        import json

        try:
            head = path.read_text(encoding="utf-8", errors="replace")[:200_000]
        except OSError:
            return None
        if '"polozky"' in head and "druhSocialniSluzby" in head:
            return "rpss"
        if '"polozky"' in head:
            return "codelist"
        if '"FeatureCollection"' in head or '"features"' in head:
            return _vector_kind(path)
        try:
            json.loads(head)
        except ValueError:
            return "rpss" if "polozky" in head else None
        return None
    if suffix in (".gpkg", ".geojson", ".shp", ".zip", ".fgb", ".gml"):
        if suffix == ".zip" and _zip_has_adr(path):
            return "addresses"
        return _vector_kind(path)
    if suffix not in (".csv", ".xlsx", ".xlsm", ".txt"):
        return None
    table = read_table(path, expected_columns=1)
    cols = list(table.frame.columns)
    if len(cols) == 1 and suffix != ".xlsx":
        raise DataError.single(path.name, 1, None, "err.delimiter", header=str(cols[0])[:80])
    norm = {c.lower() for c in cols}
    if find_column(cols, ("Kód ADM",)) and find_column(cols, ("Souřadnice Y",)):
        return "addresses"
    if find_column(cols, ("na_1000", "per_1000")):
        return "norms"
    from coverage_app.io.services import is_service_area_table

    if is_service_area_table(path):
        return "service_areas"
    if find_column(cols, ("id_sluzby", "service_id", "mpsv_portal_id")) or (
            find_column(cols, ("druh", "druh_kod")) and find_column(cols, ("forma",))):
        return "services"
    if find_column(cols, ("vekova_skupina",)) and find_column(cols, ("id",)) and find_column(cols, ("nazev",)):
        return "custom_kinds"
    if any(("km/h" in str(c).lower() or "kmh" in str(c).lower() or "rychlost" in str(c).lower()
            or "speed" in str(c).lower()) for c in cols) and len(cols) <= 4:
        return "speeds"
    if {"hodnota"} <= norm and (norm & {"vuzemi_kod", "uzemi_kod"}):
        return "population"
    from coverage_app.io.municipalities import MUNICIPALITY_COLUMNS

    has_code = find_column(cols, MUNICIPALITY_COLUMNS["kod_obce"]) is not None
    has_xy = (find_column(cols, MUNICIPALITY_COLUMNS["lat"]) and find_column(cols, MUNICIPALITY_COLUMNS["lon"])) or (
        find_column(cols, MUNICIPALITY_COLUMNS["x"]) and find_column(cols, MUNICIPALITY_COLUMNS["y"]))
    if has_code and has_xy:
        return "municipalities"
    if has_code:
        return "population"
    if len(cols) == 2:
        return "speeds"
    return None


def _zip_has_adr(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            return any(n.lower().endswith("_adr.csv") for n in zf.namelist()[:50])
    except zipfile.BadZipFile:
        return False


def _vector_kind(path: Path) -> str | None:
    import pyogrio

    from coverage_app.io.municipalities import MUNICIPALITY_COLUMNS
    from coverage_app.io.tables import find_column

    try:
        layers = pyogrio.list_layers(path)
        for name, gtype in layers:
            info = pyogrio.read_info(path, layer=name)
            fields = list(info["fields"])
            if find_column(fields, MUNICIPALITY_COLUMNS["kod_obce"]):
                return "municipalities"
            if gtype and "LineString" in str(gtype):
                return "roads"
    except Exception:
        return None
    return None


def _rows(n: int, lang: str) -> str:
    from coverage_app.i18n import plural

    return plural(n, "row", lang)


def _validate_one(path: Path, kind: str, context: dict, warnings: Report) -> int:
    """Read one file with its reader; returns the number of records (raises DataError)."""
    if kind == "municipalities":
        from coverage_app.io.municipalities import read_municipalities

        obce = read_municipalities(path)
        context["municipalities"] = obce
        return len(obce)
    if kind == "custom_kinds":
        from coverage_app.io.services import read_custom_kinds

        context["kinds"] = read_custom_kinds(path, context.get("kinds"))
        return len(context["kinds"].custom)
    if kind == "services":
        from coverage_app.io.services import read_services

        services = read_services(path, kinds=context.get("kinds"), warnings=warnings)
        obce = context.get("municipalities")
        if obce is not None:
            known = set(obce["kod_obce"])
            for r in services.sites.itertuples():
                if r.kod_obce and r.kod_obce not in known:
                    warnings.add(path.name, getattr(r, "source_row", None), "kod_obce", "err.unknown_obec_code",
                                 severity="warning", value=r.kod_obce)
        return len(services.sites)
    if kind == "service_areas":
        from coverage_app.io.services import read_service_areas

        return len(read_service_areas(path))
    if kind == "norms":
        from coverage_app.settings import read_norms

        return len(read_norms(path, context.get("kinds")))
    if kind == "population":
        from coverage_app.io.population import read_population

        return len(read_population(path))
    if kind == "rpss":
        from coverage_app.io.rpss import CODELIST_FILES, RegistryCodelists, read_rpss

        paths = context.get("codelist_paths")
        if paths:
            codelists = RegistryCodelists.from_paths(**paths)
        elif (path.parent / CODELIST_FILES["kinds"]).exists():
            codelists = RegistryCodelists.from_dir(path.parent)
        else:
            codelists = None
        return len(read_rpss(path, codelists, kinds=context.get("kinds"), warnings=warnings))
    if kind == "codelist":
        from coverage_app.io.rpss import CODELIST_FILES, read_codelist

        n = len(read_codelist(path))
        key = next((k for k, v in CODELIST_FILES.items() if v == path.name), None)
        if key in ("kinds", "target_groups", "forms", "obce"):
            context.setdefault("codelist_paths", {})[key] = path
        return n
    if kind == "addresses":
        from coverage_app.io.addresses import read_address_points

        return len(read_address_points(path))
    if kind == "speeds":
        from coverage_app.io.roads import read_speed_table

        return len(read_speed_table(path))
    if kind == "roads":
        from coverage_app.io import roads as roads_io
        from coverage_app.reach import build_graph

        if roads_io._is_osm(path):
            lines, tol = roads_io.read_osm(path, default_limits=context.get("speeds")), 0.0
        else:
            lines, tol = roads_io.read_road_lines(path, speeds=context.get("speeds")), None
        build_graph(lines, **({} if tol is None else {"snap_tolerance_m": tol}), source=path.name)
        return len(lines)
    raise ValueError(kind)


_ORDER = ("custom_kinds", "speeds", "municipalities", "population", "codelist", "addresses", "norms", "services",
          "rpss", "service_areas", "roads")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--lang", type=click.Choice(["cs", "en"]), default="cs", show_default=True, help="Jazyk hlášení.")
def validate(files: tuple[Path, ...], lang: str) -> None:
    """Zkontroluje vstupní soubory a vypíše každý problém (soubor, řádek, sloupec).

    Pozná obce, obyvatelstvo, šablonu služeb, registr MPSV (rpss.json), adresní body RÚIAN,
    silnice, tabulku rychlostí, normy a vlastní druhy. Končí kódem 1, je-li nalezena chyba.
    """
    problems: list[Problem] = []
    warnings = Report()
    context: dict = {}
    kinds: dict[Path, str | None] = {}
    for f in files:
        if not f.exists():
            problems.append(Problem.make(f.name, None, None, "err.file_not_found"))
            continue
        try:
            kinds[f] = detect_file_kind(f)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        if kinds[f] is None:
            problems.append(Problem.make(f.name, None, None, "cli.unknown_file_kind"))
    for f in sorted(kinds, key=lambda p: _ORDER.index(kinds[p]) if kinds[p] in _ORDER else 99):
        kind = kinds[f]
        if kind is None:
            continue
        if kind == "speeds":
            from coverage_app.io.roads import read_speed_table

            try:
                context["speeds"] = read_speed_table(f)
                click.echo(t("cli.validate_ok", lang, file=f.name, what=t(f"kind.{kind}", lang),
                             rows=_rows(len(context["speeds"]), lang)))
            except DataError as exc:
                problems.extend(exc.problems)
            continue
        try:
            n = _validate_one(f, kind, context, warnings)
            click.echo(t("cli.validate_ok", lang, file=f.name, what=t(f"kind.{kind}", lang), rows=_rows(n, lang)))
        except DataError as exc:
            problems.extend(exc.problems)
    for p in warnings.problems:
        click.echo(p.format(lang), err=True)
    for p in problems:
        click.echo(p.format(lang), err=True)
    n_err = sum(1 for p in problems if p.severity == "error")
    click.echo(t("cli.validate_summary", lang, errors=n_err, warnings=len(warnings.problems)), err=True)
    if n_err:
        raise SystemExit(1)


# ---------------------------------------------------------------------------------------------
# import
# ---------------------------------------------------------------------------------------------
def _district_note(value: str, lang: str) -> None:
    """Tell the user how a bare code or name was read when it could also mean another unit."""
    from coverage_app.admin import district_alternatives, parse_district_spec

    if not value or ":" in value:
        return
    others = district_alternatives(value)
    if others:
        spec = parse_district_spec(value)
        click.echo(t("cli.district_note", lang, value=value, label=spec.label, key=spec.key,
                     other=", ".join(others)), err=True)


def _path_opt(*names: str, multiple: bool = False, required: bool = False, help: str = ""):
    return click.option(*names, type=click.Path(exists=False, dir_okay=False, path_type=Path), multiple=multiple,
                        required=required, help=help)


def _exists(path: Path | None) -> None:
    if path is not None and not path.exists():
        raise DataError.single(path.name, None, None, "err.file_not_found")


def load_inputs(*, municipalities: Path, population: Path | None, points: Path | None, services: tuple[Path, ...],
                custom_kinds: Path | None, addresses: tuple[Path, ...], age_shares: Path | None,
                registry_codelists: Path | None = None, warnings: Report | None = None):
    """Read the user's files into (obce table with population, Services); shared by import and analyze."""
    from coverage_app.codelists import KindCatalog
    from coverage_app.io.municipalities import read_municipalities
    from coverage_app.io.services import read_custom_kinds, read_services
    from coverage_app.locate import expand_service_areas, locate_sites
    from coverage_app.model import District

    for p in (municipalities, population, points, custom_kinds, age_shares, *services, *addresses):
        _exists(p)
    obce = read_municipalities(municipalities)
    if points is not None:
        pts = read_municipalities(points).set_index("kod_obce")
        rp = pts.geometry.representative_point()
        px = obce["kod_obce"].map(pts["x"].fillna(rp.x))
        py = obce["kod_obce"].map(pts["y"].fillna(rp.y))
        obce["x"] = px.where(px.notna(), obce["x"])
        obce["y"] = py.where(py.notna(), obce["y"])
    shares = None
    if age_shares is not None:
        from coverage_app.io.population import read_age_shares

        shares = read_age_shares(age_shares)
    full = District(obce.drop(columns=["source_row"], errors="ignore"), name="all")
    if population is not None:
        from coverage_app.io.population import read_population

        full = full.with_population(read_population(population, age_shares=shares), age_shares=shares)
    elif shares is not None:
        full = full.with_population(full.obce.set_index("kod_obce")[["population"]], age_shares=shares)
    obce_all = full.obce
    kinds = KindCatalog()
    codelists = None
    rpss_files = [p for p in services if p.suffix.lower() == ".json"]
    if registry_codelists is None and rpss_files:
        from coverage_app.io.rpss import CODELIST_FILES

        for folder in (rpss_files[0].parent, rpss_files[0].parent / "ciselniky", rpss_files[0].parent / "codelists"):
            if (folder / CODELIST_FILES["kinds"]).exists():
                registry_codelists = folder
                break
    if registry_codelists is not None:
        from coverage_app.io.rpss import RegistryCodelists

        _exists(registry_codelists)
        codelists = (RegistryCodelists.from_dir(registry_codelists) if registry_codelists.is_dir()
                     else RegistryCodelists.from_paths(kinds=registry_codelists))
        if codelists.kinds:
            kinds.apply_registry_codelist(codelists.kinds)
    if custom_kinds is not None:
        kinds = read_custom_kinds(custom_kinds, kinds)
    address_points = None
    if addresses:
        from coverage_app.io.addresses import read_address_points

        address_points = read_address_points(list(addresses) if len(addresses) > 1 else addresses[0])
    from coverage_app.io.services import is_service_area_table, read_service_areas

    merged = None
    origin: dict[str, str] = {}
    area_files = [p for p in services if p.suffix.lower() != ".json" and is_service_area_table(p)]
    for path in services:
        if path in area_files:
            continue
        if path.suffix.lower() == ".json":
            from coverage_app.io.rpss import read_rpss

            part = read_rpss(path, codelists, kinds=kinds, warnings=warnings)
        else:
            part = read_services(path, kinds=kinds, warnings=warnings)
        clash = [sid for sid in part.services["service_id"] if sid in origin]
        if clash:
            raise DataError([Problem.make(path.name, None, "id_sluzby", "err.service_in_two_files", "error",
                                          service=sid, other=origin[sid]) for sid in clash[:20]])
        origin.update({sid: path.name for sid in part.services["service_id"]})
        kinds = part.kinds
        merged = part if merged is None else merged.concat(part)
    if merged is None:
        from coverage_app.model import empty_services

        merged = empty_services(kinds)
    for path in area_files:  # the kraj's lists of obce for services loaded above
        areas = read_service_areas(path)
        sv = merged.services
        known = set(sv["service_id"])
        for sid in sorted(set(areas) - known):
            (warnings or Report()).add(path.name, None, "id_sluzby", "warn.area_unknown_service", "warning",
                                       service=sid)
        sv["service_area"] = [areas.get(sid, area) for sid, area in zip(sv["service_id"], sv["service_area"])]
    merged = locate_sites(merged, obce_all, address_points, warnings=warnings)
    merged = expand_service_areas(merged, obce_all)
    obce_all.attrs["population_source"] = full.population_source
    return obce_all, merged, shares


@cli.command(name="import")
@_path_opt("--municipalities", required=True, help="Obce: GPKG, GeoJSON, SHP (i ZIP) nebo CSV.")
@_path_opt("--points", help="Definiční body obcí (výchozí body pro dojezd).")
@_path_opt("--population", help="Obyvatelstvo: ČSÚ (dlouhý formát) nebo jednoduchá tabulka.")
@_path_opt("--age-shares", help="Podíly věkových skupin pro odhad, kde chybí data podle věku.")
@_path_opt("--services", multiple=True, required=True, help="Služby: šablona CSV/XLSX nebo rpss.json (opakovatelné).")
@_path_opt("--previous-services", multiple=True, help="Předchozí stav služeb pro srovnání období.")
@_path_opt("--custom-kinds", help="Vlastní druhy (navazující služby).")
@click.option("--registry-codelist", type=click.Path(path_type=Path), default=None,
              help="Číselníky registru: složka nebo druhy-socialni-sluzby.json (jinak se hledají vedle rpss.json).")
@_path_opt("--addresses", multiple=True, help="Adresní body RÚIAN (CSV nebo ZIP; opakovatelné).")
@_path_opt("--roads", help="Silnice: OSM PBF/XML nebo liniová vrstva.")
@_path_opt("--road-speeds", help="Tabulka rychlostí (třída silnice, km/h) pro liniovou vrstvu.")
@_path_opt("--norms", help="Normy: druh, na_1000, jednotka, vekova_skupina, zdroj.")
@_path_opt("--access", help="Úrovně dostupnosti kraje: druh, uroven, zpusob, limit_min, zdroj (CSV/XLSX).")
@click.option("--district", default="", help="Výchozí obvod, např. ORP:6221, POU:81142, ORP:1376.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Výstupní projekt .gpkg")
def import_(municipalities, points, population, age_shares, services, previous_services, custom_kinds,
            registry_codelist, addresses, roads, road_speeds, norms, access, district, out) -> None:
    """Načte soubory uživatele do jednoho projektového GeoPackage."""
    import json

    from coverage_app.admin import parse_district_spec
    from coverage_app.io.project import Project, save_project
    from coverage_app.settings import read_norms

    if out.suffix.lower() != ".gpkg":
        raise click.BadParameter(t("err.unknown_format", _lang(), ext=out.suffix, expected=".gpkg"),
                                 param_hint="--out")
    spec = parse_district_spec(district).key if district else ""
    warnings = Report()
    obce, svc, shares = load_inputs(municipalities=municipalities, population=population, points=points,
                                    services=services, custom_kinds=custom_kinds, addresses=addresses,
                                    age_shares=age_shares, registry_codelists=registry_codelist, warnings=warnings)
    previous = None
    if previous_services:
        _, previous, _ = load_inputs(municipalities=municipalities, population=None, points=points,
                                     services=previous_services, custom_kinds=custom_kinds, addresses=addresses,
                                     age_shares=None, registry_codelists=registry_codelist)
        previous.snapshot = ", ".join(p.name for p in previous_services)
    svc.snapshot = ", ".join(p.name for p in services)
    road_lines = None
    tol = None
    if roads is not None:
        _exists(roads)
        _exists(road_speeds)
        from coverage_app.io.project import Project as _P

        home = _P(obce, svc, meta={"district": spec}).district() if spec else None
        road_lines, tol = _road_lines(roads, road_speeds, home)
    norm_list = read_norms(norms, svc.kinds) if norms is not None else ()
    access_rules = {}
    if access is not None:
        from coverage_app.access import read_access

        _exists(access)
        access_rules = read_access(access, svc.kinds)
    meta = {"district": spec, "population_source": obce.attrs.get("population_source") or
            (population.name if population else municipalities.name),
            "municipalities_source": municipalities.name}
    if shares:
        meta["age_shares"] = json.dumps(shares)
    if roads is not None:
        meta["roads_source"] = roads.name
        meta["roads_snap_tolerance_m"] = str(tol)
    project = Project(obce, svc, previous, road_lines, norm_list, {}, meta, access=access_rules)
    if spec:
        project.district(spec)  # the district must exist in the data
    save_project(project, out)
    for p in warnings.problems:
        click.echo(p.format(_lang()), err=True)
    click.echo(t("cli.written", _lang(), path=out))


def _road_lines(roads: Path, road_speeds: Path | None, district=None):
    """Road lines with speeds and the snapping tolerance that suits the file (0 m for OSM).

    For OSM files only the ways within about 30 km of the district are read.
    """
    from coverage_app.io import roads as roads_io

    if roads_io._is_osm(roads):
        bbox = None
        if district is not None:
            x0, y0, x1, y1 = district.to_wgs84().total_bounds
            bbox = (x0 - 0.4, y0 - 0.27, x1 + 0.4, y1 + 0.27)
        limits = roads_io.read_speed_table(road_speeds) if road_speeds is not None else None
        return roads_io.read_osm(roads, bbox=bbox, default_limits=limits), 0.0
    speeds = roads_io.read_speed_table(road_speeds) if road_speeds is not None else None
    return roads_io.read_road_lines(roads, speeds=speeds), roads_io.DEFAULT_SNAP_TOLERANCE_M


def _bar(desc: str, total: int):
    """A progress bar on the terminal (stderr) for a stage that may take a while; quiet when the
    output is not a terminal."""
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="", leave=False, disable=not sys.stderr.isatty(),
                bar_format="{desc}: {n_fmt}/{total_fmt} {bar} {elapsed} {postfix}")


def _road_graph(roads: Path, road_speeds: Path | None, district=None):
    from coverage_app.reach import build_graph

    _exists(roads)
    _exists(road_speeds)
    lines, tol = _road_lines(roads, road_speeds, district)
    return build_graph(lines, snap_tolerance_m=tol, source=roads.name)


# ---------------------------------------------------------------------------------------------
# analyze
# ---------------------------------------------------------------------------------------------
@cli.command()
@_path_opt("--municipalities", help="Obce: GPKG, GeoJSON, SHP (i ZIP) nebo CSV.")
@_path_opt("--points", help="Definiční body obcí.")
@_path_opt("--population", help="Obyvatelstvo (ČSÚ nebo tabulka).")
@_path_opt("--age-shares", help="Podíly věkových skupin pro odhad.")
@_path_opt("--services", multiple=True, help="Služby: šablona CSV/XLSX nebo rpss.json (opakovatelné).")
@_path_opt("--custom-kinds", help="Vlastní druhy (navazující služby).")
@click.option("--registry-codelist", type=click.Path(path_type=Path), default=None,
              help="Číselníky registru: složka nebo druhy-socialni-sluzby.json (jinak se hledají vedle rpss.json).")
@_path_opt("--addresses", multiple=True, help="Adresní body RÚIAN.")
@_path_opt("--roads", help="Silnice: OSM PBF/XML nebo liniová vrstva (jinak odhad).")
@_path_opt("--road-speeds", help="Tabulka rychlostí: třída silnice, km/h.")
@_path_opt("--norms", help="Normy uživatele (CSV/XLSX).")
@_path_opt("--access", help="Úrovně dostupnosti kraje: druh, uroven, zpusob, limit_min, zdroj (CSV/XLSX); "
                            "jinak výchozí hodnoty nástroje.")
@click.option("--project", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Projektový GeoPackage místo jednotlivých souborů.")
@click.option("--demo", is_flag=True, help="Vestavěná ukázková data.")
@click.option("--district", required=True, help="ORP:6221, ORP:1376, POU:62211, POU:3468, název…")
@click.option("--mode", type=click.Choice(["car", "walk"]), default="car", show_default=True)
@click.option("--threshold-min", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Jeden limit dosažitelnosti v minutách pro všechny druhy (jinak limit každého druhu "
                   "podle úrovní dostupnosti).")
@click.option("--detour-factor", type=click.FloatRange(min=1.0), default=1.3, show_default=True,
              help="Poměr silniční a vzdušné vzdálenosti (odhad bez silnic).")
@click.option("--speed-kmh", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Rychlost odhadu bez silnic (km/h; výchozí auto 45, pěšky 4,5).")
@click.option("--date", "ref_date", default=None,
              help="Jen služby platné k datu (RRRR-MM-DD; výchozí dnešek; 'vse' = bez ohledu na platnost).")
@click.option("--compare-with", "compare_with", type=click.Choice(["kraj", "cr"]), multiple=True,
              help="Kapacita na 1000 také za kraj / celou ČR (z načtených obcí a služeb, např. celého registru).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Výstupní složka.")
@click.option("--lang", type=click.Choice(["cs", "en"]), default="cs", show_default=True)
def analyze(municipalities, points, population, age_shares, services, custom_kinds, registry_codelist, addresses,
            roads, road_speeds, norms, access, project, demo, district, mode, threshold_min, detour_factor, speed_kmh,
            ref_date, compare_with, out, lang) -> None:
    """Spočítá dostupnost a pokrytí obcí službami a zapíše tabulky, GeoPackage a XLSX.

    Výstup: coverage.csv, coverage_by_form.csv, capacity.csv, gaps.csv, reach_bands.csv,
    coverage.gpkg a report.xlsx. Při chybě se do složky nic nezapíše.
    """
    from coverage_app.coverage import analyze as run_analysis
    from coverage_app.io.writers import write_analysis
    from coverage_app.settings import AnalysisSettings, read_norms

    sources = sum(bool(x) for x in (municipalities, project, demo))
    if sources != 1:
        raise click.UsageError("zadejte právě jedno z --municipalities, --project, --demo / "
                               "give exactly one of --municipalities, --project, --demo")
    if municipalities and not services:
        raise click.UsageError("chybí --services / --services is missing")
    if road_speeds and not roads:
        raise click.UsageError("--road-speeds patří k --roads / --road-speeds needs --roads")
    day: dt.date | None = dt.date.today()
    if ref_date and ref_date.lower() in ("vse", "vše", "all"):
        day = None
    elif ref_date:
        try:
            day = dt.date.fromisoformat(ref_date)
        except ValueError:
            raise click.BadParameter(t("err.bad_date", lang, value=ref_date), param_hint="--date") from None
    warnings = Report()
    _district_note(district, lang)
    graph = None
    context = None
    norm_list: tuple = ()
    access_rules: dict = {}
    if project:
        from coverage_app.io.project import load_project

        proj = load_project(project)
        dist = proj.district(district)
        svc = proj.services
        graph = proj.road_graph()
        context = proj.area_population()
        norm_list = proj.norms
        access_rules = dict(proj.access)
    elif demo:
        from coverage_app.demo import load_demo

        from coverage_app.model import population_context

        data = load_demo(district)
        dist, svc = data.district, data.services
        context = population_context(data.municipalities)
    else:
        from coverage_app.io.municipalities import load_district

        obce, svc, shares = load_inputs(municipalities=municipalities, population=population, points=points,
                                        services=services, custom_kinds=custom_kinds, addresses=addresses,
                                        age_shares=age_shares, registry_codelists=registry_codelist,
                                        warnings=warnings)
        dist = load_district(obce, district, population_source=obce.attrs.get("population_source")
                             or (population or municipalities).name)
        if shares:
            dist.age_shares = shares
        dist.source_files = tuple(p.name for p in (municipalities, population) if p)
        from coverage_app.model import population_context

        context = population_context(obce)
    if roads:
        graph = _road_graph(roads, road_speeds, dist)
    if norms:
        _exists(norms)
        norm_list = read_norms(norms, svc.kinds)
    if access:
        from coverage_app.access import read_access

        _exists(access)
        access_rules = read_access(access, svc.kinds)
    settings = AnalysisSettings(mode=mode, uniform_limit_min=threshold_min, detour_factor=detour_factor,
                                speed_kmh=speed_kmh, norms=tuple(norm_list), reference_date=day,
                                access=access_rules)
    with _bar(t("cli.stage.kinds", lang, district=dist.name), len(svc.kinds_present())) as bar:
        result = run_analysis(dist, svc, graph, settings, context=context,
                              progress=lambda done, total: bar.update(done - bar.n))
    if compare_with:
        from coverage_app.admin import orp_codes

        from coverage_app.model import District as _District

        all_obce = (obce if not (project or demo) else (proj.municipalities if project else data.municipalities))
        all_obce = _District(all_obce.drop(columns=["source_row"], errors="ignore")).obce
        for label in compare_with:
            if label == "cr":
                codes = all_obce["kod_obce"]
            else:
                kraj_of = orp_codes().set_index("kod_orp_csu")["kod_kraje_nuts3"]
                kraj = kraj_of.get(str(dist.obce["kod_orp"].iloc[0]), "")
                codes = all_obce.loc[all_obce["kod_orp"].astype(str).map(kraj_of) == kraj, "kod_obce"]
            pops = all_obce.set_index("kod_obce")[["population"] + [c for c in all_obce.columns
                                                                    if str(c).startswith("pop_")]]
            if set(svc.serving_ids(dist.codes)) >= set(svc.services["service_id"]):
                click.echo(t("cli.compare_note", lang, label=label), err=True)
            result.compare_with(label, svc, pops, codes)
    with _bar(t("cli.stage.write", lang), 11) as bar:
        write_analysis(result, out, lang=lang, progress=lambda name: (bar.set_postfix_str(name), bar.update(1)))
    for p in warnings.problems:
        click.echo(p.format(lang), err=True)
    if result.network is not None:
        for msg in result.network.messages(lang):
            click.echo(t("cli.network_warning", lang, text=msg), err=True)
    if result.method == "estimate":
        from coverage_app.coverage import _fmt_dec

        p = result.travel.params
        click.echo(t("cli.estimate_note", lang, detour=_fmt_dec(p["detour_factor"], lang),
                     speed=_fmt_dec(p["speed_kmh"], lang)))
    from coverage_app.i18n import plural

    gaps = result.gaps
    scopes = gaps["scope"].value_counts()
    by_scope = ", ".join(f"{t(f'cli.scope.{sc}', lang)} {int(scopes[sc])}" for sc in ("obec", "orp", "pou", "kraj")
                         if sc in scopes)
    click.echo(t("cli.analysis_done", lang, district=dist.name, obce=plural(len(dist), "obec", lang),
                 kinds=plural(len(result.results), "kind", lang),
                 gaps=plural(len(gaps), "gap", lang) + (f" ({by_scope})" if by_scope else ""),
                 method=result.method_text(lang)))
    click.echo(t("cli.written", lang, path=out))


# ---------------------------------------------------------------------------------------------
# compare (two periods)
# ---------------------------------------------------------------------------------------------
@cli.command()
@_path_opt("--municipalities", required=True, help="Obce: GPKG, GeoJSON, SHP (i ZIP) nebo CSV.")
@_path_opt("--population", help="Obyvatelstvo (ČSÚ nebo tabulka).")
@_path_opt("--old", "old", multiple=True, required=True, help="Služby v dřívějším období (šablona nebo rpss.json).")
@_path_opt("--new", "new", multiple=True, required=True, help="Služby v novějším období.")
@_path_opt("--custom-kinds", help="Vlastní druhy.")
@_path_opt("--addresses", multiple=True, help="Adresní body RÚIAN.")
@_path_opt("--roads", help="Silnice (jinak odhad).")
@_path_opt("--road-speeds", help="Tabulka rychlostí.")
@click.option("--district", required=True, help="ORP:6221, POU:81142, …")
@click.option("--mode", type=click.Choice(["car", "walk"]), default="car", show_default=True)
@click.option("--threshold-min", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Jeden limit pro všechny druhy (jinak limity podle úrovní dostupnosti).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Výstupní složka.")
def compare(municipalities, population, old, new, custom_kinds, addresses, roads, road_speeds, district, mode,
            threshold_min, out) -> None:
    """Porovná dvě období: nové, ukončené a změněné služby a změnu pokrytí obcí.

    Výstup: new_services.csv, ended_services.csv, changed_services.csv, coverage_change.csv.
    """
    from coverage_app.io.municipalities import load_district
    from coverage_app.io.writers import atomic_output_dir
    from coverage_app.scenario import compare_periods
    from coverage_app.settings import AnalysisSettings

    obce, svc_new, _ = load_inputs(municipalities=municipalities, population=population, points=None, services=new,
                                   custom_kinds=custom_kinds, addresses=addresses, age_shares=None)
    _, svc_old, _ = load_inputs(municipalities=municipalities, population=population, points=None, services=old,
                                custom_kinds=custom_kinds, addresses=addresses, age_shares=None)
    dist = load_district(obce, district)
    graph = _road_graph(roads, road_speeds, dist) if roads else None
    from coverage_app.model import population_context

    context = population_context(obce)
    pc = compare_periods(svc_old, svc_new, dist, graph, AnalysisSettings(mode=mode, uniform_limit_min=threshold_min),
                         context=context)
    with atomic_output_dir(out) as tmp:
        pc.new.to_csv(tmp / "new_services.csv", index=False)
        pc.ended.to_csv(tmp / "ended_services.csv", index=False)
        pc.changed.to_csv(tmp / "changed_services.csv", index=False)
        pc.coverage_delta.to_csv(tmp / "coverage_change.csv", index=False)
    click.echo(pc.summary(_lang()).to_string(index=False, header=False))
    click.echo(t("cli.written", _lang(), path=out))


# ---------------------------------------------------------------------------------------------
# print
# ---------------------------------------------------------------------------------------------
def _load_source(project: Path | None, demo: bool, district: str):
    """(district, services, all obce, road graph, population of all obce) from a project or the demo."""
    if bool(project) == bool(demo):
        raise click.UsageError("zadejte --project SOUBOR nebo --demo / give --project FILE or --demo")
    if demo:
        from coverage_app.demo import load_demo

        data = load_demo(district)
        return data.district, data.services, data.municipalities, None, None
    from coverage_app.io.project import load_project

    proj = load_project(project)
    return (proj.district(district or None), proj.services, proj.municipalities, proj.road_graph(),
            proj.area_population())


def czechia_outline(municipalities, path: Path | None = None):
    """Outline of Czechia for the inset: from a file, or dissolved from all obce when all are loaded."""
    import geopandas as gpd

    from coverage_app.model import CRS

    if path is not None:
        _exists(path)
        gdf = gpd.read_file(path).to_crs(CRS)
        return gpd.GeoDataFrame(geometry=[gdf.union_all().simplify(200)], crs=CRS)
    polys = municipalities[municipalities.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    if len(polys) >= 6000:  # the whole state is loaded
        return gpd.GeoDataFrame(geometry=[polys.geometry.buffer(50).union_all().buffer(-50).simplify(200)], crs=CRS)
    return None


def _print_options(f):
    opts = [
        click.option("--project", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="Projektový GeoPackage."),
        click.option("--demo", is_flag=True, help="Vestavěná ukázková data."),
        click.option("--district", default="", help="ORP:6221, POU:81142, … (výchozí: obvod projektu)."),
        click.option("--style", type=click.Choice(["colour", "grayscale", "cvd"]), default="colour",
                     show_default=True, help="Barevně, ve stupních šedi, nebo bezpečně pro barvoslepé."),
        click.option("--title", default=None, help="Nadpis."),
        click.option("--subtitle", default=None, help="Podnadpis."),
        click.option("--lang", type=click.Choice(["cs", "en"]), default="cs", show_default=True),
        click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
                     help="Výstup: .pdf, .svg nebo .png (formát podle přípony)."),
    ]
    for o in reversed(opts):
        f = o(f)
    return f


def _map_options(f):
    opts = [
        click.option("--paper", type=click.Choice(["A5", "A4", "A3"], case_sensitive=False), default="A3",
                     show_default=True),
        click.option("--orientation", type=click.Choice(["portrait", "landscape"]), default="landscape",
                     show_default=True),
        click.option("--kind", "kinds", multiple=True, help="Jen tyto druhy (kód, § nebo název; opakovatelné)."),
        click.option("--shading", default=None,
                     help="Podbarvit obce dojezdem k nejbližšímu místu tohoto druhu (kód, § nebo název)."),
        click.option("--czechia", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="Obrys Česka pro vložený mapový rámeček (jinak z obcí, jsou-li načteny všechny)."),
    ]
    for o in reversed(opts):
        f = o(f)
    return f


def _resolve_kinds(services, values) -> list[str] | None:
    if not values:
        return None
    out = []
    for v in values:
        k = services.kinds.resolve(v)
        if k is None:
            raise click.BadParameter(t("err.unknown_kind", _lang(), value=v), param_hint="--kind")
        out.append(k)
    return out


def _shading(dist, services, graph, context, kind_value, lang):
    from coverage_app.coverage import analyze as run_analysis

    kind = services.kinds.resolve(kind_value)
    if kind is None:
        raise click.BadParameter(t("err.unknown_kind", lang, value=kind_value), param_hint="--shading")
    result = run_analysis(dist, services, graph, context=context)
    if kind not in result.results:
        raise click.BadParameter(t("err.unknown_kind", lang, value=kind_value), param_hint="--shading")
    kobj = services.kinds.get(kind)
    minutes = result.indicator_frame(kind, "travel_time_min")
    title = t("cli.shading_title", lang, kind=kobj.singular_cs if kobj and lang == "cs" else
              (kobj.name_en if kobj else kind))
    return minutes, title, result.method_text(lang)


@cli.group(name="print")
def print_() -> None:
    """Tiskové výstupy: mapa služeb, atlas a katalog poskytovatelů (PDF/SVG/PNG)."""


@print_.command(name="map")
@_print_options
@_map_options
def print_map(project, demo, district, style, title, subtitle, lang, out, paper, orientation, kinds, shading,
              czechia) -> None:
    """Tisková mapa služeb (PDF/SVG vektorově, PNG 300 dpi; A5–A3)."""
    from coverage_app.maps import render_map

    dist, svc, obce, graph, context = _load_source(project, demo, district)
    shade = _shading(dist, svc, graph, context, shading, lang) if shading else (None, None, None)
    path = render_map(dist, svc, out, paper=paper.upper(), orientation=orientation, style=style, title=title,
                      subtitle=subtitle, kinds=_resolve_kinds(svc, kinds), shading=shade[0], shading_title=shade[1],
                      shading_note=shade[2], czechia_outline=czechia_outline(obce, czechia), lang=lang)
    click.echo(t("cli.written", lang, path=path))


@print_.command(name="atlas")
@_print_options
@_map_options
@click.option("--by", type=click.Choice(["obec", "pou", "orp"]), default="obec", show_default=True,
              help="Jedna strana na obec, POÚ nebo ORP.")
def print_atlas(project, demo, district, style, title, subtitle, lang, out, paper, orientation, kinds, shading,
                czechia, by) -> None:
    """Atlas: jedna strana na obec (POÚ, ORP) obvodu v jednom PDF, každá s vlastní legendou."""
    from coverage_app.maps import render_atlas

    if out.suffix.lower() != ".pdf":
        raise click.BadParameter(t("err.unknown_format", lang, ext=out.suffix, expected=".pdf"), param_hint="--out")
    dist, svc, obce, graph, context = _load_source(project, demo, district)
    shade = _shading(dist, svc, graph, context, shading, lang) if shading else (None, None, None)
    path = render_atlas(dist, svc, out, by=by, paper=paper.upper(), orientation=orientation, style=style,
                        kinds=_resolve_kinds(svc, kinds), shading=shade[0], shading_title=shade[1],
                        shading_note=shade[2], czechia_outline=czechia_outline(obce, czechia), lang=lang)
    click.echo(t("cli.written", lang, path=path))


@print_.command(name="catalogue")
@_print_options
@click.option("--group-by", type=click.Choice(["working_group", "target_group"]), default="working_group",
              show_default=True, help="Členění katalogu: pracovní skupiny nebo cílové skupiny.")
@click.option("--paper", type=click.Choice(["A5"], case_sensitive=False), default="A5", show_default=True,
              help="Katalog je brožura A5.")
@click.option("--orientation", type=click.Choice(["portrait"]), default="portrait", show_default=True)
def print_catalogue(project, demo, district, style, title, subtitle, lang, out, group_by, paper,
                    orientation) -> None:
    """Katalog poskytovatelů: brožura A5 (karty služeb, rejstřík obcí, krizové linky)."""
    from coverage_app.maps import render_catalogue

    if out.suffix.lower() != ".pdf":
        raise click.BadParameter(t("err.unknown_format", lang, ext=out.suffix, expected=".pdf"), param_hint="--out")
    dist, svc, _, _, _ = _load_source(project, demo, district)
    path = render_catalogue(dist, svc, out, group_by=group_by, style=style, title=title, subtitle=subtitle,
                            lang=lang)
    click.echo(t("cli.written", lang, path=path))


# ---------------------------------------------------------------------------------------------
# export
# ---------------------------------------------------------------------------------------------
@cli.group()
def export() -> None:
    """Exporty pro web: veřejná mapa služeb jako jedna samostatná stránka HTML."""


@export.command(name="public-map")
@click.option("--project", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Projektový GeoPackage.")
@click.option("--demo", is_flag=True, help="Vestavěná ukázková data.")
@click.option("--district", default="", help="ORP:6221, POU:81142, … (výchozí: obvod projektu).")
@click.option("--title", default=None, help="Nadpis stránky (výchozí „Kde najdu pomoc?“).")
@click.option("--basemap/--no-basemap", default=False, show_default=True,
              help="Podkladová mapa OpenStreetMap (načte se, jen když je čtenář online).")
@click.option("--lang", type=click.Choice(["cs", "en"]), default="cs", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Výstup .html")
def export_public_map(project, demo, district, title, basemap, lang, out) -> None:
    """Veřejná mapa „Kde najdu pomoc?“ jako jeden soubor HTML pro web obce (funguje i offline,
    bez neveřejných adres)."""
    from coverage_app.coverage import analyze as run_analysis
    from coverage_app.maps.interactive import export_public_map as write_page

    if out.suffix.lower() not in (".html", ".htm"):
        raise click.BadParameter(t("err.unknown_format", lang, ext=out.suffix, expected=".html"), param_hint="--out")
    dist, svc, _, graph, context = _load_source(project, demo, district or ("ORP:6221" if demo else ""))
    result = run_analysis(dist, svc, graph, context=context)
    path = write_page(dist, svc, result, out, lang=lang, title=title, basemap=basemap,
                      source=", ".join(svc.source_files) or (project.name if project else ""))
    click.echo(t("cli.written", lang, path=path))


# ---------------------------------------------------------------------------------------------
# data download
# ---------------------------------------------------------------------------------------------
@cli.group()
def data() -> None:
    """Oficiální data: stažení do místní mezipaměti."""


def _default_cache() -> Path:
    env = os.environ.get("COVERAGE_APP_CACHE")
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "coverage-app"


@data.command()
@click.option("--district", required=True, help="ORP:6221, ORP:1376, POU:81142, název…")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Složka mezipaměti (výchozí ~/.cache/coverage-app nebo COVERAGE_APP_CACHE).")
@click.option("--sources", "sources_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Soubor TOML/JSON s adresami zdrojů (jinak výchozí oficiální adresy / COVERAGE_APP_SOURCES).")
@click.option("--step", "steps", type=click.Choice(["boundaries", "population", "registry", "addresses"]),
              multiple=True, help="Jen některé zdroje (opakovatelné).")
@click.option("--force", is_flag=True, help="Stáhnout znovu i čerstvé soubory.")
@click.option("--project", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Po stažení rovnou vytvořit projektový GeoPackage.")
@click.option("--quiet", is_flag=True, help="Bez ukazatele průběhu.")
def download(district: str, cache_dir: Path | None, sources_file: Path | None, steps: tuple[str, ...], force: bool,
             project: Path | None, quiet: bool) -> None:
    """Stáhne hranice obcí (ČÚZK), obyvatelstvo (ČSÚ), registr poskytovatelů (MPSV) a adresní body
    (RÚIAN) pro zvolený obvod, když je počítač online."""
    from coverage_app.io.download import Sources, download_district

    sources = Sources.load(sources_file) if sources_file is not None else None
    kwargs = {"steps": steps} if steps else {}
    result = download_district(district, cache_dir or _default_cache(), sources, progress=not quiet,
                               force=force, **kwargs)
    for p in result.warnings.problems:
        click.echo(p.format(_lang()), err=True)
    click.echo(result.summary(_lang()))
    for key, path in result.files.items():
        click.echo(f"  {key}: {path}")
    if project is not None:
        files = result.files
        args = ["import", "--municipalities", str(files.get("municipalities_all") or files["municipalities"]),
                "--district", result.spec.key, "--out", str(project)]
        if files.get("population"):
            args += ["--population", str(files["population"])]
        if files.get("rpss"):
            args += ["--services", str(files["rpss"])]
        if files.get("codelists"):
            args += ["--registry-codelist", str(files["codelists"])]
        if files.get("addresses"):
            args += ["--addresses", str(files["addresses"])]
        cli.main(args=args, prog_name="coverage-app", standalone_mode=False)


# ---------------------------------------------------------------------------------------------
# template
# ---------------------------------------------------------------------------------------------
@cli.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Soubor .csv nebo .xlsx")
def template(out: Path) -> None:
    """Zapíše prázdnou šablonu služeb (CSV nebo XLSX s listem vlastních druhů a popisem sloupců)."""
    from coverage_app.io.services import write_services_template

    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise click.BadParameter(t("err.unknown_format", _lang(), ext=out.suffix, expected=".csv, .xlsx"),
                                 param_hint="--out")
    write_services_template(out, example=False)
    click.echo(t("cli.written", _lang(), path=out))


if __name__ == "__main__":  # pragma: no cover
    main()
