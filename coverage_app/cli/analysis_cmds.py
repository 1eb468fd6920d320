"""``coverage-app import``, ``analyze`` and ``compare``: the analysis of a district and its outputs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from coverage_app.cli import _bar, _district_note, _exists, _lang, _path_opt, cli
from coverage_app.cli.inputs import _road_graph, _road_lines, load_inputs
from coverage_app.cli.transit_opts import load_timetable, make_router, settings_from, transit_options
from coverage_app.errors import Report
from coverage_app.i18n import t


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
@click.option("--roads-credit", default=None,
              help="Zdroj a licence silnic pro tiskoviny, např. „ArcČR © ARCDATA PRAHA, ZÚ, ČSÚ (CC BY 4.0)“ "
                   "(u OpenStreetMap se doplní sám).")
@_path_opt("--norms", help="Normy: druh, na_1000, jednotka, vekova_skupina, zdroj.")
@_path_opt("--access", help="Úrovně dostupnosti kraje: druh, uroven, zpusob, limit_min, zdroj (CSV/XLSX).")
@click.option("--district", default="", help="Výchozí obvod, např. ORP:6221, POU:81142, ORP:1376.")
@click.option("--data-date", default=None,
              help="Datum, ke kterému údaje o službách platí (např. 2026-09-01); jinak datum souborů služeb.")
@click.option("--publisher", default=None, help="Vydavatel tiskovin, např. „Město Židlochovice“.")
@click.option("--edition", "edition_text", default=None, help="Vydání tiskovin, např. „1. vydání, září 2026“.")
@transit_options
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Výstupní projekt .gpkg")
def import_(municipalities, points, population, age_shares, services, previous_services, custom_kinds,
            registry_codelist, addresses, roads, road_speeds, roads_credit, norms, access, district, data_date,
            publisher, edition_text, out, **pt) -> None:
    """Načte soubory uživatele do jednoho projektového GeoPackage."""
    import json

    from coverage_app.maps.edition import Edition, files_date, parse_data_date

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
    try:
        day = parse_data_date(data_date) or files_date(services)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--data-date") from None
    meta = {"district": spec, "population_source": obce.attrs.get("population_source") or
            (population.name if population else municipalities.name),
            "municipalities_source": municipalities.name,
            **Edition(data_date=day, services_files=tuple(p.name for p in services), publisher=publisher or "",
                      edition=edition_text or "").to_meta()}
    if shares:
        meta["age_shares"] = json.dumps(shares)
    if roads is not None:
        meta["roads_source"] = roads.name
        meta["roads_snap_tolerance_m"] = str(tol)
        from coverage_app.io.osm_download import roads_credit as credit_of

        meta.update(credit_of(roads))
        if roads_credit:
            meta["roads_attribution"] = roads_credit.strip()
    timetable = None
    if pt.get("gtfs") is not None:
        timetable, feed = load_timetable(pt["gtfs"], tuple(obce.total_bounds), warnings)
        meta.update(settings_from(pt).to_meta())
        meta.update({"pt_feed": feed.name, "pt_valid_from": str(feed.valid_from or ""),
                     "pt_valid_to": str(feed.valid_to or ""), "pt_agencies": "; ".join(feed.agencies)})
    project = Project(obce, svc, previous, road_lines, norm_list, {}, meta, access=access_rules, timetable=timetable)
    if spec:
        project.district(spec)  # the district must exist in the data
    save_project(project, out)
    for p in warnings.problems:
        click.echo(p.format(_lang()), err=True)
    click.echo(t("cli.written", _lang(), path=out))
    if not project.meta.get("planner_password"):
        click.echo(t("cli.import_next", _lang(), path=out))



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
@transit_options
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Výstupní složka.")
@click.option("--lang", type=click.Choice(["cs", "en"]), default="cs", show_default=True)
def analyze(municipalities, points, population, age_shares, services, custom_kinds, registry_codelist, addresses,
            roads, road_speeds, norms, access, project, demo, district, mode, threshold_min, detour_factor, speed_kmh,
            ref_date, compare_with, out, lang, **pt) -> None:
    """Spočítá dostupnost a pokrytí obcí službami a zapíše tabulky, GeoPackage a XLSX.

    Výstup: gap_summary.csv, gaps.csv, coverage.csv, coverage_by_form.csv, capacity.csv,
    availability.csv, reach_bands.csv, access.csv, network_check.csv (u více ORP i
    orp_overview.csv; s jízdním řádem bez_auta.csv), coverage.gpkg a report.xlsx. Při chybě se do
    složky nic nezapíše.
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
    day = _reference_day(ref_date, lang)
    warnings = Report()
    _district_note(district, lang)
    src = _analysis_inputs(municipalities=municipalities, points=points, population=population,
                           age_shares=age_shares, services=services, custom_kinds=custom_kinds,
                           registry_codelist=registry_codelist, addresses=addresses, project=project, demo=demo,
                           district=district, warnings=warnings)
    dist, svc = src["district"], src["services"]
    graph = _road_graph(roads, road_speeds, dist) if roads else src["graph"]
    norm_list = src["norms"]
    if norms:
        _exists(norms)
        norm_list = read_norms(norms, svc.kinds)
    access_rules = src["access"]
    if access:
        from coverage_app.access import read_access

        _exists(access)
        access_rules = read_access(access, svc.kinds)
    settings = AnalysisSettings(mode=mode, uniform_limit_min=threshold_min, detour_factor=detour_factor,
                                speed_kmh=speed_kmh, norms=tuple(norm_list), reference_date=day,
                                access=access_rules)
    feed = src["feed"]
    if pt.get("gtfs") is not None:
        _, feed = load_timetable(pt["gtfs"], tuple(dist.obce.total_bounds), warnings)
    transit = make_router(feed, settings_from(pt, src["pt_settings"]), lang, graph) if feed is not None else None
    with _bar(t("cli.stage.kinds", lang, district=dist.name), len(svc.kinds_present())) as bar:
        result = run_analysis(dist, svc, graph, settings, context=src["context"],
                              progress=lambda done, total: bar.update(done - bar.n), transit=transit)
    for label in compare_with:
        _compare_with(result, label, src["all_obce"], lang)
    with _bar(t("cli.stage.write", lang), 12) as bar:
        write_analysis(result, out, lang=lang, progress=lambda name: (bar.set_postfix_str(name), bar.update(1)))
    for p in warnings.problems:
        click.echo(p.format(lang), err=True)
    _summary(result, lang)
    click.echo(t("cli.written", lang, path=out))


def _reference_day(ref_date: str | None, lang: str) -> dt.date | None:
    """The day services must be valid on (today by default; ``vse`` = whatever their validity)."""
    if ref_date and ref_date.lower() in ("vse", "vše", "all"):
        return None
    if not ref_date:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(ref_date)
    except ValueError:
        raise click.BadParameter(t("err.bad_date", lang, value=ref_date), param_hint="--date") from None


def _analysis_inputs(*, municipalities, points, population, age_shares, services, custom_kinds, registry_codelist,
                     addresses, project, demo, district, warnings: Report) -> dict:
    """District, services, roads, population context, norms and access rules from a project, the
    demo or the user's files; ``all_obce`` is every loaded obec (for comparisons with the kraj)."""
    from coverage_app.model import population_context

    if project:
        from coverage_app.io.project import load_project

        proj = load_project(project)
        for problem in proj.warnings:  # e.g. a damaged saved scenario, left out
            click.echo(problem.format(_lang()), err=True)
        return {"district": proj.district(district), "services": proj.services, "graph": proj.road_graph(),
                "context": proj.area_population(), "norms": proj.norms, "access": dict(proj.access),
                "all_obce": proj.municipalities, "feed": proj.transit_feed(), "pt_settings": proj.transit_settings()}
    if demo:
        from coverage_app.demo import load_demo

        data = load_demo(district)
        return {"district": data.district, "services": data.services, "graph": None,
                "context": population_context(data.municipalities), "norms": (), "access": {},
                "all_obce": data.municipalities, "feed": data.timetable, "pt_settings": None}
    from coverage_app.io.municipalities import load_district

    obce, svc, shares = load_inputs(municipalities=municipalities, population=population, points=points,
                                    services=services, custom_kinds=custom_kinds, addresses=addresses,
                                    age_shares=age_shares, registry_codelists=registry_codelist, warnings=warnings)
    dist = load_district(obce, district, population_source=obce.attrs.get("population_source")
                         or (population or municipalities).name)
    if shares:
        dist.age_shares = shares
    dist.source_files = tuple(p.name for p in (municipalities, population) if p)
    return {"district": dist, "services": svc, "graph": None, "context": population_context(obce), "norms": (),
            "access": {}, "all_obce": obce, "feed": None, "pt_settings": None}


def _compare_with(result, label: str, all_obce, lang: str) -> None:
    """Capacity per 1000 of the kraj or of Czechia beside the district's (``--compare-with``)."""
    from coverage_app.admin import orp_codes
    from coverage_app.model import District

    obce = District(all_obce.drop(columns=["source_row"], errors="ignore")).obce
    dist, svc = result.district, result.services
    if label == "cr":
        codes = obce["kod_obce"]
    else:
        kraj_of = orp_codes().set_index("kod_orp_csu")["kod_kraje_nuts3"]
        kraj = kraj_of.get(str(dist.obce["kod_orp"].iloc[0]), "")
        codes = obce.loc[obce["kod_orp"].astype(str).map(kraj_of) == kraj, "kod_obce"]
    pops = obce.set_index("kod_obce")[["population"] + [c for c in obce.columns if str(c).startswith("pop_")]]
    if set(svc.serving_ids(dist.codes)) >= set(svc.services["service_id"]):
        click.echo(t("cli.compare_note", lang, label=label), err=True)
    result.compare_with(label, svc, pops, codes)


def _summary(result, lang: str) -> None:
    """The warnings about the roads or the estimate, and one line with the gaps by level."""
    from coverage_app.indicators import fmt_dec
    from coverage_app.i18n import plural

    if result.network is not None:
        for msg in result.network.messages(lang):
            click.echo(t("cli.network_warning", lang, text=msg), err=True)
    if result.method == "estimate":
        p = result.travel.params
        click.echo(t("cli.estimate_note", lang, detour=fmt_dec(p["detour_factor"], lang),
                     speed=fmt_dec(p["speed_kmh"], lang)))
    gaps = result.gaps
    scopes = gaps["scope"].value_counts()
    by_scope = ", ".join(f"{t(f'cli.scope.{sc}', lang)} {int(scopes[sc])}" for sc in ("obec", "orp", "pou", "kraj")
                         if sc in scopes)
    dist = result.district
    click.echo(t("cli.analysis_done", lang, district=dist.name, obce=plural(len(dist), "obec", lang),
                 kinds=plural(len(result.results), "kind", lang),
                 gaps=plural(len(gaps), "gap", lang) + (f" ({by_scope})" if by_scope else ""),
                 method=result.method_text(lang)))


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
        from coverage_app.io.writers import csv_safe

        for name, frame in (("new_services.csv", pc.new), ("ended_services.csv", pc.ended),
                            ("changed_services.csv", pc.changed), ("coverage_change.csv", pc.coverage_delta)):
            csv_safe(frame).to_csv(tmp / name, index=False)  # a name like "=HYPERLINK(…)" stays text
    click.echo(pc.summary(_lang()).to_string(index=False, header=False))
    click.echo(t("cli.written", _lang(), path=out))


# ---------------------------------------------------------------------------------------------
# print
# ---------------------------------------------------------------------------------------------
