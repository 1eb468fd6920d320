"""``coverage-app print map|atlas|catalogue`` and ``export public-map``: the public outputs."""

from __future__ import annotations

from pathlib import Path

import click

from coverage_app.cli import _exists, _lang, cli
from coverage_app.i18n import t


def _load_source(project: Path | None, demo: bool, district: str):
    """(district, services, all obce, road graph, population of all obce) from a project or the demo."""
    dist, svc, obce, graph, context, _, _ = _load_with_meta(project, demo, district)
    return dist, svc, obce, graph, context


def _load_with_meta(project: Path | None, demo: bool, district: str):
    """As :func:`_load_source`, and the project's ``meta`` (empty for the demo) and road lines."""
    if bool(project) == bool(demo):
        raise click.UsageError("zadejte --project SOUBOR nebo --demo / give --project FILE or --demo")
    if demo:
        from coverage_app.demo import load_demo

        data = load_demo(district or "ORP:6221")  # the demo's own district unless another is named
        return data.district, data.services, data.municipalities, None, None, {}, None
    from coverage_app.io.project import load_project

    proj = load_project(project)
    return (proj.district(district or None), proj.services, proj.municipalities, proj.road_graph(),
            proj.area_population(), proj.meta, proj.roads)


def _edition(meta: dict, demo: bool, data_date: str | None, publisher: str | None, edition: str | None):
    """What the print says of its data: the project's facts, the options over them."""
    from coverage_app.maps.edition import Edition

    try:
        return Edition.from_meta(meta, fictional=True if demo else None, data_date=data_date, publisher=publisher,
                                 edition=edition)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--data-date") from None


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
        click.option("--data-date", default=None,
                     help="Datum údajů („Údaje k …“), např. 2026-09-01; jinak datum uložené v projektu."),
        click.option("--publisher", default=None, help="Vydavatel, např. „Město Židlochovice“."),
        click.option("--edition", "edition_text", default=None, help="Vydání, např. „1. vydání, září 2026“."),
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
    ids = set(services.services.loc[services.services["kind"] == kind, "service_id"])
    if services.sites.loc[services.sites["service_id"].isin(ids), "secret_address"].astype(bool).any():
        # travel times to a shelter with a secret address would show where it is (0 minutes there)
        raise click.BadParameter(t("err.shading_secret", lang, kind=kobj.name_cs if kobj else kind),
                                 param_hint="--shading")
    name = kobj.singular_cs if kobj and lang == "cs" else (kobj.name_en if kobj else kind)
    minutes = result.indicator_frame(kind, "travel_time_min")
    if minutes.notna().any():
        return minutes, t("cli.shading_title", lang, kind=name), result.method_text(lang)
    # no travel times: staff come to the client (field) or help comes by phone (remote)
    modes = set(result.coverage.loc[result.coverage["service_kind"] == kind, "access_mode"].astype(str))
    if any("field" in m for m in modes):
        click.echo(t("cli.shading_field_note", lang, kind=name), err=True)
        covered = result.indicator_frame(kind, "field_covered").fillna(False).astype(bool)
        return covered, t("cli.shading_field_title", lang, kind=name), t("cli.shading_field_source", lang)
    raise click.BadParameter(t("err.shading_remote", lang, kind=name), param_hint="--shading")


@cli.group(name="print")
def print_() -> None:
    """Tiskové výstupy: mapa služeb, atlas a katalog poskytovatelů (PDF/SVG/PNG)."""


def _print_shop_options(f):
    """``--print-shop`` and ``--pdfx``: the print shop's PDF instead of the office one."""
    f = click.option("--pdfx", type=click.Choice(["X-1a", "X-3"]), default=None,
                     help="Norma tiskového PDF: PDF/X-1a:2001 (výchozí, čisté CMYK), nebo PDF/X-3:2002.")(f)
    return click.option("--print-shop", is_flag=True,
                        help="PDF pro tiskárnu: CMYK, PDF/X, spadávka 3 mm, ořezové značky (potřebuje Ghostscript)."
                        )(f)


def _check_print_shop(print_shop: bool, out: Path, lang: str, pdfx: str | None = None) -> None:
    """Before any work: a print-shop file is a PDF, and Ghostscript is there to make it; ``--pdfx``
    goes with ``--print-shop``."""
    if not print_shop:
        if pdfx is not None:
            raise click.UsageError(t("ps.err.pdfx_alone", lang))
        return
    from coverage_app.maps.print_shop import ghostscript

    if out.suffix.lower() != ".pdf":
        raise click.BadParameter(t("err.unknown_format", lang, ext=out.suffix, expected=".pdf"), param_hint="--out")
    if ghostscript() is None:
        raise click.UsageError(t("ps.err.no_gs", lang))


def _write(render, out: Path, print_shop: bool, pdfx: str | None, title: str) -> Path:
    """``render(path)`` to ``out``; with ``print_shop``, to an office PDF first that then becomes
    the print shop's, titled ``title`` or as the office PDF is (nothing is written to ``out`` when
    that fails)."""
    if not print_shop:
        return render(out)
    import tempfile

    from coverage_app.maps.print_shop import print_shop_pdf

    with tempfile.TemporaryDirectory(prefix="coverage-app-print-") as tmp:
        office = render(Path(tmp) / "kancelar.pdf")
        try:
            return print_shop_pdf(office, out, title=title, standard=pdfx or "X-1a")
        except RuntimeError as exc:
            raise click.ClickException(str(exc)) from None


@print_.command(name="map")
@_print_options
@_map_options
@click.option("--svg-fonts", type=click.Choice(["name", "embed", "outline"]), default="name", show_default=True,
              help="SVG: písma jménem, vložená do souboru, nebo převedená na křivky.")
@_print_shop_options
def print_map(project, demo, district, style, title, subtitle, lang, out, data_date, publisher, edition_text, paper,
              orientation, kinds, shading, czechia, svg_fonts, print_shop, pdfx) -> None:
    """Tisková mapa služeb (PDF/SVG vektorově, PNG 300 dpi; A5–A3)."""
    from coverage_app.maps import render_map

    _check_print_shop(print_shop, out, lang, pdfx)
    dist, svc, obce, graph, context, meta, roads = _load_with_meta(project, demo, district)
    ed = _edition(meta, demo, data_date, publisher, edition_text)
    shade = _shading(dist, svc, graph, context, shading, lang) if shading else (None, None, None)
    kw = dict(paper=paper.upper(), orientation=orientation, style=style, title=title, subtitle=subtitle,
              kinds=_resolve_kinds(svc, kinds), shading=shade[0], shading_title=shade[1], shading_note=shade[2],
              czechia_outline=czechia_outline(obce, czechia), lang=lang, edition=ed, context_obce=obce, roads=roads,
              svg_fonts=svg_fonts)
    path = _write(lambda target: render_map(dist, svc, target, **kw), out, print_shop, pdfx, title or "")
    click.echo(t("cli.written", lang, path=path))


@print_.command(name="atlas")
@_print_options
@_map_options
@click.option("--by", type=click.Choice(["obec", "pou", "orp"]), default="obec", show_default=True,
              help="Jedna strana na obec, POÚ nebo ORP.")
@_print_shop_options
def print_atlas(project, demo, district, style, title, subtitle, lang, out, data_date, publisher, edition_text,
                paper, orientation, kinds, shading, czechia, by, print_shop, pdfx) -> None:
    """Atlas: jedna strana na obec (POÚ, ORP) obvodu v jednom PDF, každá s vlastní legendou."""
    from coverage_app.maps import render_atlas

    if out.suffix.lower() != ".pdf":
        raise click.BadParameter(t("err.unknown_format", lang, ext=out.suffix, expected=".pdf"), param_hint="--out")
    _check_print_shop(print_shop, out, lang, pdfx)
    dist, svc, obce, graph, context, meta, roads = _load_with_meta(project, demo, district)
    ed = _edition(meta, demo, data_date, publisher, edition_text)
    shade = _shading(dist, svc, graph, context, shading, lang) if shading else (None, None, None)
    path = _write(lambda target: render_atlas(
        dist, svc, target, by=by, paper=paper.upper(), orientation=orientation, style=style,
        kinds=_resolve_kinds(svc, kinds), shading=shade[0], shading_title=shade[1], shading_note=shade[2],
        czechia_outline=czechia_outline(obce, czechia), lang=lang, edition=ed, context_obce=obce, roads=roads),
                  out, print_shop, pdfx, title or "")
    click.echo(t("cli.written", lang, path=path))


@print_.command(name="catalogue")
@_print_options
@click.option("--group-by", type=click.Choice(["working_group", "target_group"]), default="working_group",
              show_default=True, help="Členění katalogu: pracovní skupiny nebo cílové skupiny.")
@click.option("--paper", type=click.Choice(["A5"], case_sensitive=False), default="A5", show_default=True,
              help="Katalog je brožura A5.")
@click.option("--orientation", type=click.Choice(["portrait"]), default="portrait", show_default=True)
@click.option("--large-print", is_flag=True, help="Velké písmo (12,5 bodu) pro slabozraké čtenáře.")
@click.option("--crisis-lines", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Vlastní tabulka krizových linek (coverage-app template --crisis-lines).")
@_print_shop_options
def print_catalogue(project, demo, district, style, title, subtitle, lang, out, data_date, publisher, edition_text,
                    group_by, paper, orientation, large_print, crisis_lines, print_shop, pdfx) -> None:
    """Katalog poskytovatelů: brožura A5 (karty služeb, rejstřík obcí, krizové linky)."""
    from coverage_app.maps import render_catalogue

    if out.suffix.lower() != ".pdf":
        raise click.BadParameter(t("err.unknown_format", lang, ext=out.suffix, expected=".pdf"), param_hint="--out")
    _check_print_shop(print_shop, out, lang, pdfx)
    lines = None
    if crisis_lines is not None:
        from coverage_app.maps.crisis_lines import read_crisis_lines

        _exists(crisis_lines)
        lines = read_crisis_lines(crisis_lines)
    dist, svc, _, _, _, meta, _ = _load_with_meta(project, demo, district)
    ed = _edition(meta, demo, data_date, publisher, edition_text)
    path = _write(lambda target: render_catalogue(dist, svc, target, group_by=group_by, style=style, title=title,
                                                  subtitle=subtitle, lang=lang, edition=ed, large_print=large_print,
                                                  crisis_lines=lines),
                  out, print_shop, pdfx, title or "")
    click.echo(t("cli.written", lang, path=path))


# ---------------------------------------------------------------------------------------------
# export
# ---------------------------------------------------------------------------------------------
def _export_options(f):
    """The options both public-map exports share (the source, title, basemap and language)."""
    opts = [
        click.option("--project", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="Projektový GeoPackage."),
        click.option("--demo", is_flag=True, help="Vestavěná ukázková data."),
        click.option("--district", default="", help="ORP:6221, POU:81142, … (výchozí: obvod projektu)."),
        click.option("--title", default=None, help="Nadpis stránky (výchozí „Kde najdu pomoc?“)."),
        click.option("--basemap/--no-basemap", default=False, show_default=True,
                     help="Podkladová mapa OpenStreetMap (načte se, jen když je čtenář online)."),
        click.option("--lang", type=click.Choice(["cs", "en"]), default="cs", show_default=True),
    ]
    for o in reversed(opts):
        f = o(f)
    return f


@cli.group()
def export() -> None:
    """Exporty pro web: veřejná mapa služeb jako jedna samostatná stránka HTML."""


@export.command(name="public-map")
@_export_options
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Výstup .html")
def export_public_map(project, demo, district, title, basemap, lang, out) -> None:
    """Veřejná mapa „Kde najdu pomoc?“ jako jeden soubor HTML pro web obce (funguje i offline,
    bez neveřejných adres)."""
    from coverage_app.coverage import analyze as run_analysis
    from coverage_app.maps.interactive import export_public_map as write_page

    if out.suffix.lower() not in (".html", ".htm"):
        raise click.BadParameter(t("err.unknown_format", lang, ext=out.suffix, expected=".html"), param_hint="--out")
    dist, svc, _, graph, context = _load_source(project, demo, district)
    result = run_analysis(dist, svc, graph, context=context)
    path = write_page(dist, svc, result, out, lang=lang, title=title, basemap=basemap,
                      source=", ".join(svc.source_files) or (project.name if project else ""))
    click.echo(t("cli.written", lang, path=path))


@export.command(name="public-site")
@_export_options
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Výstupní složka (index.html, assets/, data/).")
def export_public_site(project, demo, district, title, basemap, lang, out) -> None:
    """Veřejná mapa „Kde najdu pomoc?“ jako statický web pro server obce: index.html, skripty,
    styly a data (JSON); funguje i otevřená z disku bez internetu, bez neveřejných adres."""
    from coverage_app.coverage import analyze as run_analysis
    from coverage_app.maps.interactive.public_site import export_public_site as write_site

    dist, svc, _, graph, context = _load_source(project, demo, district)
    result = run_analysis(dist, svc, graph, context=context, transit=_transit_router(project, demo, graph))
    from coverage_app.maps.interactive.public import services_source

    source = services_source(() if demo else svc.source_files, t("app.data.demo", lang) if demo else project.name)
    index = write_site(result, out, lang=lang, title=title, basemap=basemap, source=source)
    click.echo(t("cli.written", lang, path=index))


def _transit_router(project: Path | None, demo: bool, graph):
    """The timetable's router of a project or of the demo (``None`` without a timetable)."""
    if demo:
        from coverage_app.demo import load_demo_timetable
        from coverage_app.transit import TransitRouter

        return TransitRouter(load_demo_timetable())
    from coverage_app.io.project import load_project

    return load_project(project).transit_router(walk_graph=graph)


# ---------------------------------------------------------------------------------------------
# data download
# ---------------------------------------------------------------------------------------------
