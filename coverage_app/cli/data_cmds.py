"""``coverage-app data download`` and ``template``: official data into a cache, a blank template."""

from __future__ import annotations

import os
from pathlib import Path

import click

from coverage_app.cli import _lang, cli
from coverage_app.i18n import t


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
@click.option("--step", "steps", type=click.Choice(["boundaries", "population", "registry", "addresses", "roads",
                                                   "gtfs"]),
              multiple=True, help="Jen některé zdroje (opakovatelné); gtfs potřebuje adresu v souboru zdrojů.")
@click.option("--force", is_flag=True, help="Stáhnout znovu i čerstvé soubory.")
@click.option("--project", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Po stažení rovnou vytvořit projektový GeoPackage.")
@click.option("--quiet", is_flag=True, help="Bez ukazatele průběhu.")
def download(district: str, cache_dir: Path | None, sources_file: Path | None, steps: tuple[str, ...], force: bool,
             project: Path | None, quiet: bool) -> None:
    """Stáhne hranice obcí (ČÚZK), obyvatelstvo (ČSÚ), registr poskytovatelů (MPSV), adresní body
    (RÚIAN), silnice a cesty (OpenStreetMap, Overpass API) a je-li nastaven, jízdní řád GTFS pro
    zvolený obvod, když je počítač online."""
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
        if files.get("roads"):
            args += ["--roads", str(files["roads"])]
        if files.get("gtfs"):
            args += ["--gtfs", str(files["gtfs"])]
        cli.main(args=args, prog_name="coverage-app", standalone_mode=False)


# ---------------------------------------------------------------------------------------------
# template
# ---------------------------------------------------------------------------------------------
@cli.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Šablona služeb: soubor .csv nebo .xlsx")
@click.option("--crisis-lines", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Tabulka krizových linek pro katalog (.csv) s celostátními linkami k úpravě.")
def template(out: Path | None, crisis_lines: Path | None) -> None:
    """Zapíše prázdnou šablonu služeb (CSV nebo XLSX s listem vlastních druhů a popisem sloupců),
    nebo tabulku krizových linek zadní strany katalogu."""
    if out is None and crisis_lines is None:
        raise click.UsageError(t("cli.missing_option", _lang(), option="--out / --crisis-lines"))
    if crisis_lines is not None:
        from coverage_app.maps.crisis_lines import write_crisis_lines

        if crisis_lines.suffix.lower() != ".csv":
            raise click.BadParameter(t("err.unknown_format", _lang(), ext=crisis_lines.suffix, expected=".csv"),
                                     param_hint="--crisis-lines")
        click.echo(t("cli.written", _lang(), path=write_crisis_lines(crisis_lines)))
    if out is not None:
        from coverage_app.io.services import write_services_template

        if out.suffix.lower() not in (".csv", ".xlsx"):
            raise click.BadParameter(t("err.unknown_format", _lang(), ext=out.suffix, expected=".csv, .xlsx"),
                                     param_hint="--out")
        write_services_template(out, example=False)
        click.echo(t("cli.written", _lang(), path=out))
