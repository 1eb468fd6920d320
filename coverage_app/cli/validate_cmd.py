"""``coverage-app validate``: every problem of the given files with file, row and column."""

from __future__ import annotations

from pathlib import Path

import click

from coverage_app.cli import cli
from coverage_app.cli.inputs import detect_file_kind
from coverage_app.errors import DataError, Problem, Report
from coverage_app.i18n import t


def _rows(n: int, lang: str) -> str:
    from coverage_app.i18n import plural

    return plural(n, "row", lang)


def _validate_one(path: Path, kind: str, context: dict, warnings: Report) -> int:
    """Read one file with its reader; returns the number of records (raises DataError)."""
    if kind == "municipalities":
        from coverage_app.io.municipalities import read_municipalities

        obce = read_municipalities(path, warnings=warnings)
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
    if kind == "access":
        from coverage_app.access import read_access

        return len(read_access(path, context.get("kinds")))
    if kind == "population":
        from coverage_app.io.population import read_population

        population = read_population(path)
        _warn_unknown_obce(path, population, context.get("municipalities"), warnings)
        return len(population)
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

        return len(read_address_points(path, warnings=warnings))
    if kind == "speeds":
        from coverage_app.io.roads import read_speed_table

        return len(read_speed_table(path))
    if kind == "project":
        from coverage_app.io.project import load_project

        project = load_project(path)  # every stored layer checked; damaged scenarios warned
        warnings.problems.extend(project.warnings)
        return len(project.services.services)
    if kind == "roads":
        from coverage_app.io import roads as roads_io
        from coverage_app.reach import build_graph

        if roads_io._is_osm(path):
            lines, tol = roads_io.read_osm(path, default_limits=context.get("speeds")), 0.0
        else:
            lines, tol = roads_io.read_road_lines(path, speeds=context.get("speeds")), None
        if len(lines) == 0:  # e.g. an OSM extract without a single road
            raise DataError.single(path.name, None, None, "err.roads_empty")
        graph = build_graph(lines, **({} if tol is None else {"snap_tolerance_m": tol}), source=path.name)
        if context.get("municipalities") is not None:
            _check_roads_cover(graph, context["municipalities"], path.name)
        return len(lines)
    raise ValueError(kind)


def _check_roads_cover(graph, obce, name: str) -> None:
    """Roads validated with obce: refused when no obec lies within their extent and 5 km around it
    (a network of another area), or when their largest part joins less than half of the obce there
    (a network in pieces; one clipped to a district leaves a few obce beyond its edge on loose
    ends).  ``analyze`` checks the district itself more strictly."""
    import numpy as np

    from coverage_app.netcheck import NOT_COVERED_M, refuse_uncovered

    xy = np.column_stack([obce["x"].to_numpy(float), obce["y"].to_numpy(float)])
    missing = ~np.isfinite(xy).all(axis=1)
    if missing.any():  # boundaries without definition points: a point inside each
        points = obce.geometry[missing].representative_point()
        xy[missing] = np.column_stack([points.x.to_numpy(float), points.y.to_numpy(float)])
    obce = obce[np.isfinite(xy).all(axis=1)]
    xy = xy[np.isfinite(xy).all(axis=1)]
    if not len(xy):
        return
    x0, x1 = graph.x.min() - NOT_COVERED_M, graph.x.max() + NOT_COVERED_M
    y0, y1 = graph.y.min() - NOT_COVERED_M, graph.y.max() + NOT_COVERED_M
    inside = (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)
    around = bool(inside.any())
    if not around:  # no obec near the roads at all: a network of another area
        inside[:] = True
    nodes, snap_m = graph.nearest_node(xy[inside], mode="car")
    # obce near the roads but outside their district (a box's corners) may lie far from them: only
    # a network far from every obec, or in pieces, is refused here
    refuse_uncovered(obce["nazev_obce"].astype(str).to_numpy()[inside], snap_m,
                     graph.components("car")[np.asarray(nodes).ravel()], name, joined_share=0.5,
                     check_far=not around)


def _warn_unknown_obce(path: Path, population, obce, warnings: Report) -> None:
    """Warn, by row and column, about obec codes of a population table that the municipality file
    validated alongside does not hold: their people would be counted nowhere."""
    if obce is None or population is None or not len(population):
        return
    known = set(obce["kod_obce"])
    unknown = [c for c in population.index.astype(str) if c not in known]
    if not unknown:
        return
    from coverage_app.io.municipalities import MUNICIPALITY_COLUMNS
    from coverage_app.io.tables import find_column, read_table

    table = read_table(path)  # only when some code is unknown: the rows to name
    cols = list(table.frame.columns)
    column = find_column(cols, ("vuzemi_kod", "uzemi_kod")) or find_column(cols, MUNICIPALITY_COLUMNS["kod_obce"])
    first: dict[str, int] = {}
    if column is not None:
        for code, row in zip(table.frame[column].astype(str), table.rows):
            first.setdefault(code.strip(), row)
    for code in unknown[:50]:
        warnings.add(path.name, first.get(code), column, "err.unknown_obec_code", severity="warning", value=code)


#: Problems printed per file; the rest are counted (a broken file may have one on every row).
MAX_PRINTED = 200


def _echo_capped(problems: list[Problem], lang: str) -> None:
    """Print the problems, at most :data:`MAX_PRINTED` per file, then how many more there are."""
    shown: dict[str, int] = {}
    hidden: dict[str, int] = {}
    for p in problems:
        if shown.get(p.file, 0) < MAX_PRINTED:
            shown[p.file] = shown.get(p.file, 0) + 1
            click.echo(p.format(lang), err=True)
        else:
            hidden[p.file] = hidden.get(p.file, 0) + 1
    for file, n in hidden.items():
        click.echo(t("cli.validate_more", lang, file=file, n=n), err=True)


_ORDER = ("custom_kinds", "speeds", "municipalities", "population", "codelist", "addresses", "norms", "access",
          "services", "rpss", "service_areas", "roads", "project")


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
    _echo_capped(warnings.problems + problems, lang)
    n_err = sum(1 for p in problems if p.severity == "error")
    click.echo(t("cli.validate_summary", lang, errors=n_err, warnings=len(warnings.problems)), err=True)
    if n_err:
        raise SystemExit(1)


# ---------------------------------------------------------------------------------------------
# import
# ---------------------------------------------------------------------------------------------
