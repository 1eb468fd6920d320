"""Command line: ``coverage-app demo | serve | validate | import | analyze | print | export | data | template``.

The commands only call the library; every problem with the user's data or options ends with a
Czech message naming the file, row and column, and exit code 1 — never a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from coverage_app.errors import DataError, Problem
from coverage_app.i18n import register, t

register({
    "cli.error": {"cs": "Chyba", "en": "Error"},
    "cli.unexpected": {
        "cs": "Neočekávaná chyba ({kind}: {detail}). Spusťte znovu s COVERAGE_APP_DEBUG=1 a pošlete výpis vývojářům.",
        "en": "Unexpected error ({kind}: {detail}). Run again with COVERAGE_APP_DEBUG=1 and send the output to the developers."},
    "cli.shading_title": {"cs": "Dojezd k nejbližšímu místu: {kind}", "en": "Travel to the nearest site: {kind}"},
    "cli.shading_field_title": {"cs": "Působnost terénních služeb: {kind}", "en": "Field services' areas: {kind}"},
    "cli.shading_field_note": {
        "cs": "Pozn.: {kind} přijíždí za klientem, dojezd k\u00a0ní nemá smysl; obce jsou podbarveny podle "
              "působnosti terénních služeb.",
        "en": "Note: staff of {kind} come to the client, so travel to it means nothing; the obce are shaded by "
              "the field services' declared areas."},
    "cli.shading_field_source": {"cs": "podle údajů poskytovatelů", "en": "as the providers state them"},
    "err.shading_remote": {
        "cs": "{kind} pomáhá na dálku (telefonem); obce podle ní nelze podbarvit dojezdem ani působností",
        "en": "{kind} helps from a distance (by phone); the obce cannot be shaded by travel or area for it"},
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
    "cli.validate_more": {"cs": "soubor {file}: … a dalších {n} problémů (opravte nejdřív ty vypsané)",
                          "en": "file {file}: … and {n} more problems (correct the ones listed first)"},
    "cli.validate_summary": {"cs": "Nalezeno chyb: {errors}, upozornění: {warnings}.",
                             "en": "Errors found: {errors}, warnings: {warnings}."},
    "cli.unknown_file_kind": {
        "cs": "nelze poznat, co soubor obsahuje (obce, obyvatelstvo, služby, registr MPSV, adresní body, "
              "silnice, rychlosti, normy nebo vlastní druhy)",
        "en": "cannot tell what the file holds (municipalities, population, services, MPSV registry, "
              "address points, roads, speeds, norms or custom kinds)"},
    "cli.written": {"cs": "Zapsáno: {path}", "en": "Written: {path}"},
    "cli.password_prompt": {"cs": "Heslo plánovačů", "en": "Planner password"},
    "cli.password_short": {"cs": "heslo musí mít alespoň 8 znaků", "en": "the password needs at least 8 characters"},
    "cli.password_set": {"cs": "Heslo plánovačů uloženo do {path} (jen jeho otisk).",
                         "en": "The planner password is stored in {path} (its hash only)."},
    "cli.import_next": {
        "cs": "Dále: coverage-app password --project {path} (heslo pro stránky plánování a dat), "
              "pak coverage-app serve --project {path}",
        "en": "Next: coverage-app password --project {path} (the password of the planning and data pages), "
              "then coverage-app serve --project {path}",
    },
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
    "kind.access": {"cs": "úrovně dostupnosti", "en": "levels of availability"},
    "kind.project": {"cs": "projekt", "en": "project"},
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
        except click.ClickException as exc:  # a command that could not be done, said in Czech
            click.echo(f"{t('cli.error', _lang())}: {exc.format_message()}", err=True)
            raise SystemExit(1) from None
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


def _stop_on_signal(signum, frame) -> None:  # noqa: ARG001
    """SIGTERM (and SIGINT) end the command through an exception, so that outputs being written
    into a temporary folder are removed (:class:`~coverage_app.io.writers.atomic_output_dir`)."""
    raise SystemExit(128 + int(signum))


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``coverage-app`` console script."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop_on_signal)
        signal.signal(signal.SIGINT, _stop_on_signal)
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



def _bar(desc: str, total: int):
    """A progress bar on the terminal (stderr) for a stage that may take a while; quiet when the
    output is not a terminal."""
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="", leave=False, disable=not sys.stderr.isatty(),
                bar_format="{desc}: {n_fmt}/{total_fmt} {bar} {elapsed} {postfix}")


# the commands (each module adds its own to ``cli``)
from coverage_app.cli import (  # noqa: E402,F401
    analysis_cmds,
    app_cmds,
    data_cmds,
    print_cmds,
    validate_cmd,
)
from coverage_app.cli.inputs import detect_file_kind, load_inputs  # noqa: E402,F401
