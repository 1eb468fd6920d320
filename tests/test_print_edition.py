"""Prints say what their data are: the date of the data (never a file name), the sources actually
loaded with their licences, the publisher and the edition; type large enough for older readers;
Czech non-breaking spaces; the back cover's lines from a table the user edits."""

from __future__ import annotations

import collections
import datetime as dt
import math
import os
from pathlib import Path

import pytest

from coverage_app.cli import main
from coverage_app.i18n import czech_nbsp
from coverage_app.maps.edition import Edition, files_date, parse_data_date

pypdf = pytest.importorskip("pypdf")

ROOT = Path(__file__).resolve().parents[1]
NBSP = "\u00a0"


def run(args: list[str]) -> None:
    try:
        main(args)
    except SystemExit as exc:
        assert exc.code in (0, None), f"{args} ended with {exc.code}"


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages)


def type_sizes(path: Path, pages: slice = slice(None)) -> collections.Counter:
    """Characters per type size (pt, as drawn: font size × text and graphics matrix scale)."""
    out: collections.Counter = collections.Counter()
    for page in pypdf.PdfReader(path).pages[pages]:
        def visit(text, cm, tm, font_dict, font_size):  # noqa: ANN001
            if text.strip():
                scale = math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1])
                out[round(font_size * scale, 2)] += len(text.strip())
        page.extract_text(visitor_text=visit)
    return out


# ---------------------------------------------------------------------------------------------
def test_czech_non_breaking_spaces():
    text = czech_nbsp("Linka a v obci s (§ 40) tel. 800 200 007, 30 min a 5 km")
    assert text == ("Linka a\u00a0v\u00a0obci s\u00a0(§\u00a040) tel. 800\u00a0200\u00a0007, 30\u00a0min "
                    "a\u00a05\u00a0km")
    assert czech_nbsp("pobytová: 8 lůžek; terénní: 60 klientů, 25 % v 667 01 Židlochovice") == (
        "pobytová: 8\u00a0lůžek; terénní: 60\u00a0klientů, 25\u00a0% v\u00a0667\u00a001 Židlochovice")


@pytest.mark.parametrize("value,expected", [("2026-09-01", dt.date(2026, 9, 1)), ("1. 9. 2026", dt.date(2026, 9, 1)),
                                            ("1.9.2026", dt.date(2026, 9, 1)), ("", None)])
def test_data_date_is_read_in_iso_and_czech_form(value, expected):
    assert parse_data_date(value) == expected


def test_a_data_date_that_is_no_date_is_refused_in_czech():
    with pytest.raises(ValueError, match="není datum"):
        parse_data_date("září")


def test_sources_name_only_what_was_loaded():
    ed = Edition(services_files=("rpss.json", "navazujici.xlsx"), roads_credit="© přispěvatelé OpenStreetMap (ODbL)")
    parts = ed.source_parts("cs", boundaries=True)
    assert parts == ["hranice obcí © ČÚZK, RÚIAN (CC BY 4.0)",
                     "služby: registr poskytovatelů sociálních služeb MPSV",
                     "služby: podklady zpracovatele plánu (navazujici.xlsx)"]
    # the roads are credited when travel times along them are shown, or when they are drawn
    shaded = ed.source_parts("cs", boundaries=False, travel_note="po silnicích")
    assert "dojezdové doby po silnicích: © přispěvatelé OpenStreetMap (ODbL)" in shaded
    assert "silnice: © přispěvatelé OpenStreetMap (ODbL)" in ed.source_parts("cs", boundaries=True, roads_drawn=True)
    assert "silnice a dojezdové doby po nich: © přispěvatelé OpenStreetMap (ODbL)" in ed.source_parts(
        "cs", boundaries=True, roads_drawn=True, travel_note="po silnicích")
    assert shaded[0].startswith("obce jako body")
    assert Edition(services_files=("sablona.csv",)).source_parts("cs", boundaries=True, fictional=True)[1] == (
        "fiktivní služby (ukázková data)")


def test_the_date_of_files_is_the_oldest_of_them(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.json"
    for p, day in ((a, dt.datetime(2026, 9, 1, 12)), (b, dt.datetime(2026, 10, 3, 12))):
        p.write_text("x")
        os.utime(p, (day.timestamp(), day.timestamp()))
    assert files_date([a, b]) == dt.date(2026, 9, 1)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The demo's files imported as a project; the services file last written on 1 Sep 2026."""
    tmp = tmp_path_factory.mktemp("edition")
    services = tmp / "sluzby_zidlochovicko.csv"
    services.write_bytes((ROOT / "services_data" / "demo_sluzby.csv").read_bytes())
    day = dt.datetime(2026, 9, 1, 10).timestamp()
    os.utime(services, (day, day))
    out = tmp / "projekt.gpkg"
    run(["import", "--municipalities", str(ROOT / "geodata" / "obce_seed_districts.csv"), "--services",
         str(services), "--custom-kinds", str(ROOT / "services_data" / "demo_vlastni_druhy.csv"),
         "--district", "ORP:6221", "--publisher", "Město Židlochovice", "--out", str(out)])
    return out


def test_the_map_says_the_date_of_the_data_never_the_file_name(project, tmp_path):
    out = tmp_path / "mapa.pdf"
    run(["print", "map", "--project", str(project), "--paper", "A4", "--orientation", "portrait", "--out", str(out)])
    text = pdf_text(out)
    assert f"údaje k{NBSP}1.{NBSP}9.{NBSP}2026" in text
    assert "data k" not in text
    flat = text.replace("\n", " ").replace(NBSP, " ")
    assert "podklady zpracovatele plánu (sluzby_zidlochovicko.csv)" in flat or "fiktivní služby" in flat
    assert "Vydal: Město Židlochovice" in flat
    assert pypdf.PdfReader(out).metadata.get("/Author") == "Město Židlochovice"
    # the date given to print wins over the project's
    run(["print", "map", "--project", str(project), "--data-date", "15. 10. 2026", "--paper", "A5", "--orientation",
         "portrait", "--out", str(out)])
    assert f"údaje k{NBSP}15.{NBSP}10.{NBSP}2026" in pdf_text(out)


def test_map_type_is_at_least_7_pt_on_a4_and_a5():
    for paper in ("A5", "A4"):
        from coverage_app.demo import load_demo
        from coverage_app.maps.printing import render_map

        demo = load_demo("ORP:6221")
        out = Path(os.environ.get("TMPDIR", "/tmp")) / f"coverage-app-type-{paper}-{os.getpid()}.pdf"
        try:
            render_map(demo.district, demo.services, out, paper=paper, orientation="portrait")
            sizes = type_sizes(out)
        finally:
            out.unlink(missing_ok=True)
        assert min(sizes) >= 7.0, (paper, sorted(sizes.items()))


def test_catalogue_body_type_is_10_pt_and_12_5_in_large_print(project, tmp_path):
    normal, large = tmp_path / "katalog.pdf", tmp_path / "katalog_velky.pdf"
    run(["print", "catalogue", "--project", str(project), "--out", str(normal)])
    run(["print", "catalogue", "--project", str(project), "--large-print", "--out", str(large)])
    small_print, large_print = type_sizes(normal), type_sizes(large)
    assert small_print.most_common(1)[0][0] >= 10.0
    assert large_print.most_common(1)[0][0] >= 12.0
    assert min(small_print) >= 8.5 and min(large_print) >= 8.5  # header, footer and colophon included
    assert len(pypdf.PdfReader(large).pages) > len(pypdf.PdfReader(normal).pages)  # fewer cards per page
    text = pdf_text(normal).replace(NBSP, " ")  # reportlab sets a non-breaking space as a space glyph
    assert "Údaje k 1. 9. 2026" in text.splitlines()
    assert "ověřte před tiskem" not in text  # no note to the editor is printed
    created = pypdf.PdfReader(normal).metadata.get("/CreationDate", "")
    assert not str(created).startswith("D:2000"), created


def test_catalogue_lines_never_break_inside_a_phone_number_or_after_a_one_letter_word():
    from reportlab.lib.styles import ParagraphStyle

    from coverage_app.maps.catalogue import _para

    for width in range(110, 330, 3):  # columns of a card and narrower: the number and "s postižením" stay whole
        p = _para("Lidé s postižením: volejte 800 200 007 nebo 116 123", ParagraphStyle("x", fontSize=10, leading=12))
        p.wrap(width, 1000)
        lines = [" ".join(w.replace(NBSP, " ") for w in line[1]) for line in p.blPara.lines]
        assert not any(ln.endswith((" s", " 800", " 200", " 116")) or ln in ("s", "800", "200", "116")
                       for ln in lines), (width, lines)
        assert all(not ln.startswith(("200", "007", "123")) for ln in lines), (width, lines)


def test_back_cover_lines_come_from_the_users_table(project, tmp_path, capsys):
    table = tmp_path / "linky.csv"
    run(["template", "--crisis-lines", str(table)])
    rows = table.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "cislo;nazev;pro_koho;doba;tisnove" and any(r.startswith("116 123;") for r in rows)
    table.write_text("\n".join(rows + ["547 000 000;Krizové centrum Židlochovicko (fiktivní);obyvatelé ORP;"
                                       "nonstop;ne"]) + "\n", encoding="utf-8")
    out = tmp_path / "katalog.pdf"
    run(["print", "catalogue", "--project", str(project), "--crisis-lines", str(table), "--out", str(out)])
    back = pypdf.PdfReader(out).pages[-1].extract_text().replace(NBSP, " ")
    assert "Krizové centrum Židlochovicko (fiktivní)" in back and "547 000 000" in back
    table.write_text("cislo;nazev;pro_koho;doba;tisnove\nlinka;Bez čísla;;;možná\n", encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        main(["print", "catalogue", "--project", str(project), "--crisis-lines", str(table), "--out",
              str(tmp_path / "x.pdf")])
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert "linky.csv, řádek 2, sloupec „cislo“" in err and "není telefonní číslo" in err
    assert "sloupec „tisnove“" in err and not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("paper,orientation", [("A5", "portrait"), ("A4", "portrait"), ("A4", "landscape"),
                                               ("A3", "landscape")])
def test_legend_sections_stay_whole_in_one_column(paper, orientation):
    from coverage_app.demo import load_demo
    from coverage_app.maps.printing import compose_map

    demo = load_demo("ORP:6221")
    comp = compose_map(demo.district, demo.services, paper=paper, orientation=orientation)
    panel = comp.panel[comp.panel["section"] != ""]
    assert {"kinds", "forms", "map"} <= set(panel["section"])
    columns = panel.groupby("section")["x"].nunique()
    assert (columns == 1).all(), columns[columns > 1]
    # within a column, a section's blocks follow one another without a gap
    for _, part in panel.groupby("section"):
        tops, heights = part["top"].to_numpy(), part["height"].to_numpy()
        assert all(abs(tops[i] - heights[i] - tops[i + 1]) < 1e-6 for i in range(len(part) - 1))


def test_a3_and_a4_maps_list_their_services_so_a_household_can_read_them_alone(tmp_path):
    from coverage_app.demo import load_demo
    from coverage_app.maps.numbering import service_entries
    from coverage_app.maps.printing import compose_map, render_map

    demo = load_demo("ORP:6221")
    entries = service_entries(demo.services, demo.district, "cs").set_index("number")
    for paper, orientation, listed in (("A3", "landscape", True), ("A4", "portrait", True), ("A5", "portrait", False)):
        out = tmp_path / f"mapa_{paper}.pdf"
        render_map(demo.district, demo.services, out, paper=paper, orientation=orientation)
        text = pypdf.PdfReader(out).pages[0].extract_text().replace(NBSP, " ").replace("\n", " ")  # the front
        assert ("Služby na mapě" in text) is listed
        if listed:
            on_map = set(compose_map(demo.district, demo.services, paper=paper, orientation=orientation)
                         .markers["number"])
            for n in on_map:
                assert entries.loc[n, "name"] in text and entries.loc[n, "phone"] in text, n
    with pytest.warns(UserWarning, match="nevejdou na list A5"):  # asked for on A5: said not to fit
        comp = compose_map(demo.district, demo.services, paper="A5", orientation="portrait", service_list=True)
    assert "list" in set(comp.panel["section"])


def test_shading_by_a_field_kind_shows_its_areas_and_a_remote_kind_is_refused(tmp_path, capsys):
    out = tmp_path / "mapa.pdf"
    run(["print", "map", "--demo", "--paper", "A4", "--orientation", "portrait", "--shading", "osobní asistence",
         "--out", str(out)])
    err = capsys.readouterr().err
    assert "přijíždí za klientem, dojezd k\u00a0ní nemá smysl" in err
    text = pdf_text(out).replace(NBSP, " ")
    assert "Působnost terénních služeb: osobní" in text and "mimo působnost terénních služeb" in text
    assert "v působnosti terénní služby" in text and "bez údaje" not in text and "do 15 min" not in text
    with pytest.raises(SystemExit) as info:
        main(["print", "map", "--demo", "--shading", "telefonická krizová pomoc", "--out", str(tmp_path / "x.pdf")])
    assert info.value.code != 0 and "pomáhá na dálku" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def _group_colours(style: str) -> list:
    import numpy as np

    from coverage_app.maps.style import get_style

    colours = get_style(style).working_group_colours
    return [np.array([int(h[i:i + 2], 16) for i in (1, 3, 5)]) / 255.0 for h in colours.values()]


@pytest.mark.parametrize("style", ["colour", "cvd"])
@pytest.mark.parametrize("vision", ["deuteranomaly", "protanomaly", "tritanomaly"])
def test_working_groups_stay_apart_for_colour_blind_readers(style, vision):
    """Simulated dichromacy (Machado et al. 2009, severity 100, colorspacious): every pair of group
    colours at least 20 apart in CIELAB (ΔE 1976)."""
    import itertools

    import numpy as np

    colorspacious = pytest.importorskip("colorspacious")
    simulated = [np.clip(colorspacious.cspace_convert(c, {"name": "sRGB1+CVD", "cvd_type": vision,
                                                          "severity": 100}, "sRGB1"), 0, 1)
                 for c in _group_colours(style)]
    lab = [colorspacious.cspace_convert(c, "sRGB1", "CIELab") for c in simulated]
    worst = min(float(np.linalg.norm(a - b)) for a, b in itertools.combinations(lab, 2))
    assert worst >= 20.0, worst


@pytest.mark.parametrize("style", ["colour", "cvd", "grayscale"])
def test_working_groups_stay_apart_on_a_black_and_white_photocopy(style):
    grey = sorted(255 * (0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]) for c in _group_colours(style))
    assert min(b - a for a, b in zip(grey, grey[1:])) >= 20.0, grey


def test_sites_placed_at_the_obec_point_are_drawn_as_approximate_and_explained(tmp_path):
    from coverage_app.demo import load_demo
    from coverage_app.maps.printing import compose_map, render_map

    demo = load_demo("ORP:6221")
    public = demo.services.public_sites("cs")
    at_obec = set(public.loc[public["location_method"] == "obec_point", "site_id"])
    comp = compose_map(demo.district, demo.services, paper="A4", orientation="portrait")
    marked = set(comp.markers.loc[comp.markers["approximate"], "site_id"])
    assert marked and marked == at_obec & set(comp.markers["site_id"])
    rings = {a.get_gid() for ax in comp.figure.axes for a in ax.patches if (a.get_gid() or "").startswith("approx-")}
    assert len(rings) == len(marked)
    out = tmp_path / "mapa.pdf"
    render_map(demo.district, demo.services, out, paper="A4", orientation="portrait")
    assert "přibližná poloha: adresa není známa, značka stojí u obce" in pdf_text(out).replace(NBSP, " ").replace(
        "\n", " ")


def test_real_orp_map_shows_its_surroundings_from_loaded_data(realdata, tmp_path, artifacts):
    """ORP Židlochovice with real boundaries: neighbouring obce in grey with their ORPs named, the
    ArcČR roads beneath the markers; no obec name over a neighbour's name; rendered for a look."""
    from coverage_app.io.municipalities import load_district, read_municipalities
    from coverage_app.io.roads import read_road_lines, read_speed_table
    from coverage_app.maps.printing import compose_map, save_map
    from coverage_app.demo import load_demo_services

    czechia = read_municipalities(realdata("covidvobcich", "obce_polygony_cr.gpkg"))
    obce = read_municipalities(realdata("districts", "target_obce_polygony.gpkg"))
    district = load_district(obce, "ORP:6221")
    roads = read_road_lines(realdata("districts", "target_silnice_arccr.gpkg"),
                            speeds=read_speed_table(ROOT / "services_data" / "rychlosti_silnic_arccr.csv"))
    services = load_demo_services(obce)
    comp = compose_map(district, services, paper="A4", orientation="portrait", context_obce=czechia, roads=roads)
    gids = {c.get_gid() for ax in comp.figure.axes for c in ax.collections}
    assert "neighbours" in gids and any((g or "").startswith("roads-") for g in gids)
    texts = {a.get_gid(): a for ax in comp.figure.axes for a in ax.texts if (a.get_gid() or "").startswith("neighbour-")}
    assert {"neighbour-ORP Šlapanice", "neighbour-ORP Pohořelice"} <= set(texts)
    # the neighbours' names are obstacles for the obec names
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(comp.figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    for label in comp.label_artists:
        for name in texts.values():
            assert not label.get_window_extent(renderer).overlaps(name.get_window_extent(renderer))
    out = save_map(comp, artifacts / "real_orp_zidlochovice_context_a4.png", dpi=110)
    assert out.exists()
    legend = tmp_path / "m.pdf"
    save_map(comp, legend)
    text = pdf_text(legend).replace(NBSP, " ")
    assert "okolní obce" in text and "silnice (širší = rychlejší)" in text


def test_svg_keeps_type_styles_and_embeds_or_outlines_fonts_on_request(tmp_path):
    import re

    named, embedded, outlined = (tmp_path / f"{m}.svg" for m in ("name", "embed", "outline"))
    for path, mode in ((named, "name"), (embedded, "embed"), (outlined, "outline")):
        run(["print", "map", "--demo", "--paper", "A4", "--orientation", "portrait", "--svg-fonts", mode,
             "--out", str(path)])
    svg = named.read_text(encoding="utf-8")
    styles = re.findall(r'<text[^>]*style="([^"]*)"', svg)
    assert any("font-weight: 700" in s and "'DejaVu Sans Mono'" in s for s in styles)  # service numbers
    assert any("font-weight: 700" in s and "'DejaVu Sans'" in s for s in styles)  # the title, headings
    assert any("font-style: oblique" in s for s in styles)  # the note on numbers
    assert "@font-face" not in svg
    big = embedded.read_text(encoding="utf-8")
    assert big.count("@font-face") >= 3 and "data:font/ttf;base64," in big and "<text" in big
    flat = outlined.read_text(encoding="utf-8")
    assert "<text" not in flat and "<!-- Druhy služeb -->" in flat  # shapes, the words only in comments


@pytest.mark.parametrize("paper,orientation", [("A5", "portrait"), ("A4", "portrait"), ("A3", "landscape")])
def test_map_pdf_has_no_hairline_and_no_transparency(paper, orientation, tmp_path):
    """Every stroke at least 0.25 pt and leaders 0.5 pt; no graphics state with a transparent stroke
    or fill (a print shop's PDF/X-1a check rejects them)."""
    import re

    out = tmp_path / "mapa.pdf"
    run(["print", "map", "--demo", "--paper", paper, "--orientation", orientation, "--shading", "pečovatelská služba",
         "--out", str(out)])
    page = pypdf.PdfReader(out).pages[0]
    content = page.get_contents().get_data().decode("latin-1")
    widths = {float(w) for w in re.findall(r"(?<![\w.])(\d*\.?\d+) w\b", content)}
    assert min(w for w in widths if w > 0) >= 0.25, sorted(widths)
    states = page["/Resources"].get("/ExtGState", {})
    for name, state in states.items():
        state = state.get_object()
        assert float(state.get("/CA", 1)) == 1.0 and float(state.get("/ca", 1)) == 1.0, (name, dict(state))


def _require_ghostscript() -> None:
    from coverage_app.maps.print_shop import ghostscript

    if ghostscript() is None:
        msg = "Ghostscript (gs) is not installed: apt-get install ghostscript"
        if os.environ.get("COVERAGE_APP_REQUIRE_GHOSTSCRIPT"):
            pytest.fail(msg)
        pytest.skip(msg)


def test_print_shop_pdf_is_cmyk_pdfx_with_bleed_trim_and_crop_marks(tmp_path, artifacts):
    import re
    import subprocess

    from coverage_app.maps.pdfx_check import pdfx_problems

    _require_ghostscript()
    out = tmp_path / "mapa_tiskarna.pdf"
    run(["print", "map", "--demo", "--paper", "A4", "--orientation", "portrait", "--publisher", "Město Židlochovice",
         "--print-shop", "--out", str(out)])
    reader = pypdf.PdfReader(out)
    page = reader.pages[0]
    mm = 72 / 25.4
    trim = [float(v) for v in page["/TrimBox"]]
    bleed = [float(v) for v in page["/BleedBox"]]
    assert (trim[2] - trim[0]) / mm == pytest.approx(210, abs=0.2) and (trim[3] - trim[1]) / mm == pytest.approx(
        297, abs=0.2)
    assert [round((b - t) / mm, 1) for b, t in zip(bleed, trim)] == [-3.0, -3.0, 3.0, 3.0]
    media = [float(v) for v in page.mediabox]
    assert media[2] - media[0] > bleed[2] - bleed[0]  # room for the crop marks
    assert reader.metadata.get("/GTS_PDFXVersion") == "PDF/X-1:2001"
    assert reader.metadata.get("/GTS_PDFXConformance") == "PDF/X-1a:2001"
    assert reader.pdf_header == "%PDF-1.3"
    assert pdfx_problems(out, "X-1a") == []
    assert qpdf_problems(out) == []
    damaged = tmp_path / "poskozeny.pdf"  # the structural check can fail: a stream whose length lies
    damaged.write_bytes(re.sub(rb"/Length (\d+)", lambda m: b"/Length " + str(int(m.group(1)) + 7).encode(),
                               out.read_bytes(), count=1))
    assert any("endstream" in p for p in qpdf_problems(damaged))
    assert reader.metadata.get("/Title") == "Sociální služby – ORP Židlochovice"  # Czech letters intact
    (intent,) = [o.get_object() for o in reader.trailer["/Root"]["/OutputIntents"]]
    assert intent["/S"] == "/GTS_PDFX" and intent["/DestOutputProfile"].get_object()["/N"] == 4
    content = page.get_contents().get_data().decode("latin-1")
    assert not re.search(r"(?:-?[\d.]+\s+){3}(rg|RG)\b", content)  # no RGB colour left
    assert re.search(r"(?:-?[\d.]+\s+){4}k\b", content)  # colours are CMYK
    # text is black alone (DeviceGray 0 = the K plate): every text block set after a gray colour
    assert "BT" in content and not re.search(r"(?:-?[\d.]+\s+){4}k\s+BT", content)
    # black lines too (no rich black); only the crop marks are registration black on every plate
    cmyk = [tuple(float(v) for v in m.split()[:4]) + (m.split()[4],)
            for m in re.findall(r"(?:-?[\d.]+\s+){4}[kK]\b", content)]
    assert [c for c in cmyk if min(c[:4]) > 0.5] == [(1.0, 1.0, 1.0, 1.0, "K")]
    assert re.search(r"(?<![\d.])0 G\b", content)
    assert not page["/Resources"].get("/ExtGState") or all(
        float(s.get_object().get("/CA", 1)) == 1 and float(s.get_object().get("/ca", 1)) == 1
        for s in page["/Resources"]["/ExtGState"].values())
    # crop marks: 8 straight lines in the slug, each wholly outside the bleed box, aligned with the trim
    scale = 0.1 if content.startswith("q 0.1 0 0 0.1 0 0 cm") else 1.0  # Ghostscript writes in 1/10 pt
    segments = [[float(v) * scale for v in m] for m in
                re.findall(r"([\d.]+) ([\d.]+) m\s+([\d.]+) ([\d.]+) l\s+S", content)]

    def outside_bleed(x: float, y: float) -> bool:
        return x < bleed[0] or x > bleed[2] or y < bleed[1] or y > bleed[3]

    marks = [sg for sg in segments if outside_bleed(sg[0], sg[1]) and outside_bleed(sg[2], sg[3])]
    assert len(marks) == 8, marks
    on_trim = {round(v, 0) for sg in marks for v in sg} & {round(v, 0) for v in trim}
    assert on_trim == {round(v, 0) for v in trim}  # every trim edge is marked
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-singlefile", str(out),
                    str(artifacts / "print_shop_a4")], check=False)


@pytest.mark.parametrize("paper,orientation", [("A5", "portrait"), ("A4", "portrait"), ("A3", "landscape")])
def test_real_orp_layout_has_no_collisions(realdata, paper, orientation):
    """ORP Židlochovice with real boundaries and its surroundings: no two markers overlap, no obec
    name overlaps another name or a marker, every marker inside the frame, markers moved only
    within their own obec's group; every obec named (on A5 some with a leader line to their obec)."""
    import numpy as np

    from coverage_app.demo import load_demo_services
    from coverage_app.io.municipalities import load_district, read_municipalities
    from coverage_app.maps.printing import compose_map
    from coverage_app.maps.sheet_layout import Sizes

    czechia = read_municipalities(realdata("covidvobcich", "obce_polygony_cr.gpkg"))
    obce = read_municipalities(realdata("districts", "target_obce_polygony.gpkg"))
    district = load_district(obce, "ORP:6221")
    services = load_demo_services(obce)
    comp = compose_map(district, services, paper=paper, orientation=orientation, context_obce=czechia)
    sz = Sizes.for_paper(paper)
    xy = comp.markers[["px", "py"]].to_numpy()
    r = sz.marker / 2
    for i in range(len(xy)):
        for j in range(i + 1, len(xy)):
            assert np.hypot(*(xy[i] - xy[j])) >= 2 * r * 0.98, (paper, i, j)
    boxes = comp.labels[["x0", "y0", "x1", "y1"]].to_numpy()
    for i in range(len(boxes)):
        a = boxes[i]
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] and a[2] > b[0] and a[1] < b[3] and a[3] > b[1]), comp.labels.iloc[i]["name"]
        for x, y in xy:
            assert not (a[0] < x + r and a[2] > x - r and a[1] < y + r and a[3] > y - r), comp.labels.iloc[i]["name"]
    fx, fy, fw, fh = comp.frame_mm
    assert ((xy[:, 0] - r >= fx) & (xy[:, 0] + r <= fx + fw) & (xy[:, 1] - r >= fy) & (xy[:, 1] + r <= fy + fh)).all()
    # a moved marker stays nearer to a point of its own obec than the cluster of another obec does
    obec_of = dict(zip(services.sites["site_id"], services.sites["kod_obce"]))
    moved = comp.markers[comp.markers["displaced"]]
    for row in moved.itertuples():
        same = comp.markers[[obec_of.get(s) == obec_of.get(row.site_id) for s in comp.markers["site_id"]]]
        assert np.hypot(row.px - same["px"].mean(), row.py - same["py"].mean()) < 4 * sz.marker
    assert comp.unlabelled == []
    fx0, fy0 = comp.frame_mm[0], comp.frame_mm[1]
    per_mm = (comp.extent[2] - comp.extent[0]) / comp.frame_mm[2]
    moved_true = {(m.number, m.site_id): (fx0 + (m.x - comp.extent[0]) / per_mm, fy0 + (m.y - comp.extent[1]) / per_mm)
                  for m in comp.markers.itertuples()}
    # a name set away from its obec has a leader to the obec that crosses no other name
    import shapely

    for row in comp.labels[comp.labels["leader"]].itertuples():
        anchor = (row.ax, row.ay)
        end = (min(max(anchor[0], row.x0), row.x1), min(max(anchor[1], row.y0), row.y1))
        line = shapely.LineString([anchor, end])
        others = comp.labels[comp.labels["kod_obce"] != row.kod_obce]
        assert not any(line.intersects(shapely.box(o.x0, o.y0, o.x1, o.y1)) for o in others.itertuples()), row.name
        assert line.length <= 17.0 + max(row.x1 - row.x0, row.y1 - row.y0)
        # nor another obec's marker (but one over the obec's own place) or a moved marker's line
        for m in comp.markers.itertuples():
            if obec_of.get(m.site_id) == row.kod_obce:
                continue
            disc = shapely.Point(m.px, m.py).buffer(r)
            if disc.distance(shapely.Point(anchor)) > 0.5:
                assert not line.intersects(disc), (row.name, m.number)
            if m.displaced:
                tx, ty = moved_true[(m.number, m.site_id)]
                assert not line.intersects(shapely.LineString([(tx, ty), (m.px, m.py)])), (row.name, m.number)


def test_atlas_titles_say_mesto_mestys_or_obec_by_the_status_in_the_data(tmp_path):
    from coverage_app.demo import load_demo
    from coverage_app.io.municipalities import load_district, read_municipalities
    from coverage_app.maps.atlas import render_atlas

    src = (ROOT / "geodata" / "obce_seed_districts.csv").read_text(encoding="utf-8").splitlines()
    status = {"Židlochovice": "město", "Nosislav": "obec", "Rajhrad": "Město"}
    rows = [src[0] + ",status"] + [line + "," + status.get(line.split(",")[1], "") for line in src[1:]]
    path = tmp_path / "obce.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    district = load_district(read_municipalities(path), "ORP:6221")
    out = render_atlas(district, load_demo("ORP:6221").services, tmp_path / "atlas.pdf", by="obec")
    titles = [p.extract_text().splitlines()[0] for p in pypdf.PdfReader(out).pages]
    assert "Město Židlochovice" in titles and "Město Rajhrad" in titles and "Obec Nosislav" in titles
    assert "Žabčice" in titles  # no status in the data: the name alone


def test_czech_quotes_and_ranges_in_print():
    from coverage_app.i18n import czech_quotes, czech_range

    assert czech_quotes('Klub "Zóna" a "Slunce"') == "Klub \u201eZóna\u201c a \u201eSlunce\u201c"
    assert czech_range("po-pá 7.00-15.30, so 8 - 12") == "po\u2013pá 7.00\u201315.30, so 8\u201312"
    assert czech_range("+420 000 000 101") == "+420 000 000 101"  # no hyphen, nothing changes


def test_catalogue_sets_hours_with_en_dashes_and_names_in_czech_quotes(tmp_path):
    from coverage_app.demo import load_demo
    from coverage_app.maps.catalogue import render_catalogue

    demo = load_demo("ORP:6221")
    sv = demo.services.services.copy()
    first = sv.index[0]
    sv.loc[first, "hours"] = "po-pá 7.00-15.30"
    sv.loc[first, "service_name"] = 'Klub "Zóna" (fiktivní)'
    services = type(demo.services)(sv, demo.services.sites, demo.services.capacities, demo.services.kinds)
    out = render_catalogue(demo.district, services, tmp_path / "katalog.pdf")
    text = pdf_text(out)
    assert "po\u2013pá 7.00\u201315.30" in text and "Klub \u201eZóna\u201c (fiktivní)" in text


def test_an_a5_map_lists_its_services_on_the_back(tmp_path):
    from coverage_app.demo import load_demo
    from coverage_app.maps.numbering import service_entries
    from coverage_app.maps.printing import compose_map, render_map

    demo = load_demo("ORP:6221")
    out = render_map(demo.district, demo.services, tmp_path / "mapa.pdf", paper="A5", orientation="portrait")
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == 2  # front and back, for double-sided printing
    back = reader.pages[1].extract_text().replace(NBSP, " ").replace("\n", " ")
    entries = service_entries(demo.services, demo.district, "cs").set_index("number")
    on_map = set(compose_map(demo.district, demo.services, paper="A5", orientation="portrait").markers["number"])
    for n in on_map:
        assert entries.loc[n, "name"] in back and entries.loc[n, "phone"] in back
    assert "Služby na mapě" not in reader.pages[0].extract_text()
    png = render_map(demo.district, demo.services, tmp_path / "mapa.png", paper="A5", orientation="portrait", dpi=60)
    assert png.exists() and (tmp_path / "mapa-zadni.png").exists()
    one = render_map(demo.district, demo.services, tmp_path / "a4.pdf", paper="A4", orientation="portrait")
    assert len(pypdf.PdfReader(one).pages) == 1  # the A4 front has the list itself


def test_marker_clusters_of_different_obce_never_overlap_even_at_the_frame_edge():
    import numpy as np

    from coverage_app.maps.sheet_layout import Frame, place_markers

    frame = Frame((0, 0, 100, 100), (0, 0, 100, 100))
    r, gap = 2.0, 0.5
    for px, py in (([2.0, 2.0], [50.0, 50.5]), ([1.0, 2.0, 1.5, 2.5], [1.0, 2.0, 2.5, 1.0])):
        n = len(px)
        x, y = place_markers(np.array(px), np.array(py), np.full(n, r), gap, frame, groups=np.array(list("abcd"[:n])))
        xy = np.column_stack([x, y])
        assert min(np.hypot(*(xy[i] - xy[j])) for i in range(n) for j in range(i + 1, n)) >= 2 * r + gap / 2 - 1e-6
        assert (xy - r >= 0).all() and (xy + r <= 100).all()


def test_a_district_obec_whose_markers_cover_it_is_named_beside_them_with_a_leader():
    """Two obce 10 mm apart, the first covered by a block of its own markers: its name is set at
    the nearest free place with a leader line to its point, the leader crosses no other name; a
    context obec (outside the district) in the same plight is left unnamed rather than led, and so
    is a district obec that no marker covers (a crowded name, not a covered one)."""
    import numpy as np
    import shapely

    from coverage_app.maps.sheet_layout import (
        FOCUS_PRIORITY,
        Frame,
        Label,
        Measure,
        leader_end,
        place_labels,
        under_markers,
    )

    frame = Frame((0, 0, 100, 60), (0, 0, 100, 60))
    covered = (40.0, 20.0, 60.0, 40.0)  # markers all over the first obec

    def square(x, y, half):
        return shapely.box(x - half, y - half, x + half, y + half)

    def make() -> list:
        return [Label("1", "Židlochovice", 50, 30, 8.0, True, square(50, 30, 8), FOCUS_PRIORITY + 3000, False),
                Label("2", "Blučina", 70, 30, 8.0, False, square(70, 30, 6), FOCUS_PRIORITY + 2000, False),
                Label("3", "Rebešovice", 50, 30.5, 7.0, False, square(50, 30, 8), 500.0, False)]

    labels = make()
    placed, unplaced = place_labels(labels, [covered], frame, Measure(), 1.0, led={"1", "3"})
    by_code = {lab.code: (lab, box) for lab, box, _ in placed}
    assert [lab.code for lab in unplaced] == ["3"]
    lab, box = by_code["1"]
    assert lab.leader and not by_code["2"][0].leader
    assert not shapely.box(*box).intersects(shapely.box(*covered).buffer(-1e-6))
    end = leader_end(box, lab.x, lab.y)
    line = shapely.LineString([(lab.x, lab.y), end])
    assert not line.intersects(shapely.box(*by_code["2"][1]))
    # the nearest free place: just outside the block of markers (within the first reach of 4 mm)
    assert shapely.Point(lab.x, lab.y).distance(shapely.box(*box)) <= 10.0 + 4.0 + 1e-6
    # another obec's marker on that line: the leader goes round it, to another free place
    marker = line.interpolate(0.8, normalized=True).buffer(0.8)
    placed, _ = place_labels(make(), [covered], frame, Measure(), 1.0, led={"1", "3"}, barriers=[("9", marker)])
    lab2, box2 = {lb.code: (lb, bx) for lb, bx, _ in placed}["1"]
    assert lab2.leader and box2 != box
    assert not shapely.LineString([(lab2.x, lab2.y), leader_end(box2, lab2.x, lab2.y)]).intersects(marker)
    placed, _ = place_labels(make(), [covered], frame, Measure(), 1.0, led={"1", "3"}, barriers=[("1", marker)])
    assert {lb.code: bx for lb, bx, _ in placed}["1"] == box  # the obec's own marker does not bar it
    labels = make()
    assert under_markers(labels, np.array([[50.0, 33.0], [90.0, 50.0]]), np.array([2.3, 2.3])) == {"1", "3"}
    # anchors inside the hull of the obec's own cluster count too, other obce's clusters do not
    ring = np.array([[44.0, 24.0], [56.0, 24.0], [50.0, 37.0]])
    assert under_markers(labels, ring, np.full(3, 2.3), np.array(["1", "1", "1"])) == {"1"}
    assert under_markers(labels, ring, np.full(3, 2.3), np.array(["2", "2", "2"])) == set()
    _, unplaced = place_labels(labels, [covered], frame, Measure(), 1.0, led={"3"})  # "1" not under markers
    assert sorted(lab.code for lab in unplaced) == ["1", "3"]


def qpdf_problems(path: Path) -> list[str]:
    """qpdf's structural check of a PDF (through pikepdf, from the package registry): the
    cross-reference table, object and stream syntax; empty when the file is sound."""
    pikepdf = pytest.importorskip("pikepdf")
    with pikepdf.open(path) as pdf:
        return list(pdf.check_pdf_syntax())


def _colour_ops(page) -> list[tuple[str, tuple[float, ...]]]:
    """The colour operators of a page's content: (operator, operands)."""
    from pypdf.generic import ContentStream

    ops = ContentStream(page.get_contents(), None).operations
    return [(op.decode(), tuple(float(v) for v in args)) for args, op in ops if op in (b"k", b"K", b"g", b"G",
                                                                                        b"rg", b"RG")]


@pytest.mark.parametrize("what", ["catalogue", "atlas"])
def test_catalogue_and_atlas_have_a_print_shop_pdfx_1a_too(tmp_path, what):
    """Every page: A5 (catalogue) or A4 (atlas) trim with 3 mm bleed, CMYK only, black and grey
    type and rules on the K plate alone (no rich black except the registration-black crop marks),
    the checks of PDF/X-1a:2001 all met, the publisher kept as the author."""
    from coverage_app.maps.pdfx_check import pdfx_problems

    _require_ghostscript()
    out = tmp_path / f"{what}.pdf"
    extra = ["--paper", "A4", "--orientation", "portrait"] if what == "atlas" else []
    run(["print", what, "--demo", "--print-shop", "--publisher", "Obec Nosislav", *extra, "--out", str(out)])
    reader = pypdf.PdfReader(out)
    assert pdfx_problems(out, "X-1a") == []
    assert qpdf_problems(out) == []
    assert reader.metadata.get("/Author") == "Obec Nosislav"
    mm = 72 / 25.4
    size = (148, 210) if what == "catalogue" else (210, 297)
    assert len(reader.pages) > 2
    for page in reader.pages:
        trim = [float(v) for v in page["/TrimBox"]]
        bleed = [float(v) for v in page["/BleedBox"]]
        assert (round((trim[2] - trim[0]) / mm), round((trim[3] - trim[1]) / mm)) == size
        assert [round((b - t) / mm, 1) for b, t in zip(bleed, trim)] == [-3.0, -3.0, 3.0, 3.0]
        ops = _colour_ops(page)
        assert not [o for o in ops if o[0] in ("rg", "RG")]
        rich = [o for o in ops if o[0] in ("k", "K") and min(o[1][:3]) > 0.05 and o[1][3] > 0.5]
        assert set(rich) <= {("K", (1.0, 1.0, 1.0, 1.0))}, rich  # only the crop marks
    text_ops = _colour_ops(reader.pages[2])
    assert ("k", (0.0, 0.0, 0.0, 1.0)) in text_ops or ("g", (0.0,)) in text_ops  # black type is K alone


def test_pdfx_check_names_what_an_office_pdf_breaks(tmp_path):
    """The office PDF (matplotlib, RGB, with a half-transparent patch) fails the checks, each
    named; a PDF/X-3 file checked as X-1a fails on its keys only."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from coverage_app.maps.pdfx_check import pdfx_problems

    fig = Figure(figsize=(2, 2))
    ax = fig.add_subplot()
    ax.add_patch(matplotlib.patches.Rectangle((0, 0), 1, 1, facecolor="#d55e00", alpha=0.5))
    office = tmp_path / "office.pdf"
    fig.savefig(office)
    problems = pdfx_problems(office, "X-1a")
    text = " | ".join(problems)
    for expected in ("verze PDF 1.4", "GTS_PDFXVersion", "GTS_PDFXConformance", "Trapped",
                     "výstupních záměrů GTS_PDFX je 0", "strana 1: má mít TrimBox", "strana 1: barva RGB",
                     "strana 1: průhlednost (alfa pod 1)"):
        assert expected in text, (expected, problems)
    _require_ghostscript()
    from coverage_app.maps.print_shop import print_shop_pdf

    ax.patches[0].set_alpha(None)
    ax.patches[0].set_edgecolor("#000000")
    ax.set_axis_off()  # the axes' background has no edge, which matplotlib writes as stroke alpha 0
    opaque = tmp_path / "opaque.pdf"
    fig.savefig(opaque)
    x3 = print_shop_pdf(opaque, tmp_path / "x3.pdf", title="Zkouška", standard="X-3")
    assert pdfx_problems(x3, "X-3") == []
    assert [p.split(" je ")[0] for p in pdfx_problems(x3, "X-1a")] == ["GTS_PDFXVersion", "GTS_PDFXConformance"]
    with pytest.raises(RuntimeError, match=r"podklad obsahuje průhlednost \(strana 1: průhlednost"):
        print_shop_pdf(office, tmp_path / "bad.pdf", title="Zkouška")  # refused, not flattened into a picture
    assert not (tmp_path / "bad.pdf").exists()


def test_roads_drawn_from_a_routing_graph_are_its_car_edges_once_each():
    """A two-way road of three vertices at 90 km/h and a one-way street at 30 km/h: three segments,
    the two-way ones once (not once per direction), speeds back from length and time; a footpath
    is not drawn; bounds keep only what is near."""
    import geopandas as gpd
    import shapely

    from coverage_app.maps.sheet_context import roads_from_graph
    from coverage_app.model import CRS
    from coverage_app.reach import build_graph

    lines = gpd.GeoDataFrame(
        {"speed_car_kmh": [90.0, 30.0, 0.0], "speed_walk_kmh": [4.0, 4.0, 4.0], "car_allowed": [True, True, False],
         "walk_allowed": [True, True, True], "oneway": [0, 1, 0]},
        geometry=[shapely.LineString([(0, 0), (3000, 0), (3000, 4000)]), shapely.LineString([(3000, 4000),
                                                                                          (3000, 5000)]),
                  shapely.LineString([(0, 0), (0, -2000)])], crs=CRS)
    graph = build_graph(lines, snap_tolerance_m=0)
    roads = roads_from_graph(graph)
    assert len(roads) == 3
    got = sorted((round(g.length), round(v, 6)) for g, v in zip(roads.geometry, roads["speed_car_kmh"]))
    assert got == [(1000, 30.0), (3000, 90.0), (4000, 90.0)]
    assert roads_from_graph(graph, bounds=(2900, 4900, 3100, 5100), margin=0.0) is not None
    assert len(roads_from_graph(graph, bounds=(-100, -100, 100, 100), margin=0.0)) == 1  # the edge at (0, 0)
    assert roads_from_graph(None) is None


def test_an_osm_file_is_credited_to_openstreetmap_even_without_its_download_record(tmp_path):
    from coverage_app.io.osm_download import roads_credit

    osm = tmp_path / "silnice.osm.pbf"
    osm.write_bytes(b"")
    assert roads_credit(osm) == {"roads_attribution": "© přispěvatelé OpenStreetMap (ODbL 1.0)"}
    assert roads_credit(tmp_path / "silnice_arccr.gpkg") == {}  # a line file does not say its licence


def test_a_map_that_draws_line_roads_credits_them_as_the_planner_says(realdata, tmp_path):
    """ArcČR lines do not say their licence: ``import --roads-credit`` gives it, and the printed
    map, which draws the roads, names it in its source line; without it the line names no roads."""
    proj = tmp_path / "projekt.gpkg"
    base = ["import", "--municipalities", str(realdata("districts", "target_obce_polygony.gpkg")),
            "--services", str(ROOT / "services_data" / "demo_sluzby.csv"),
            "--roads", str(realdata("districts", "target_silnice_arccr.gpkg")),
            "--road-speeds", str(ROOT / "services_data" / "rychlosti_silnic_arccr.csv"), "--district", "ORP:6221"]
    credit = "ArcČR © ARCDATA PRAHA, ZÚ, ČSÚ (CC BY 4.0)"
    run([*base, "--roads-credit", credit, "--out", str(proj)])
    run(["print", "map", "--project", str(proj), "--paper", "A4", "--orientation", "portrait",
         "--out", str(tmp_path / "mapa.pdf")])
    text = " ".join(pdf_text(tmp_path / "mapa.pdf").replace(NBSP, " ").split())
    assert "silnice: ArcČR © ARCDATA PRAHA, ZÚ, ČSÚ (CC BY 4.0)" in text
    plain = tmp_path / "bez.gpkg"
    run([*base, "--out", str(plain)])
    run(["print", "map", "--project", str(plain), "--paper", "A4", "--orientation", "portrait",
         "--out", str(tmp_path / "bez.pdf")])
    assert "silnice:" not in " ".join(pdf_text(tmp_path / "bez.pdf").split())


def test_print_shop_failures_are_errors_not_usage_and_leave_nothing(tmp_path, monkeypatch, capsys):
    """Ghostscript that fails: exit 1 with "Chyba: Ghostscript nevytvořil…" (no usage text), no
    output file; ``--pdfx`` without ``--print-shop`` is refused before any work."""
    from coverage_app.cli import main

    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "gs").write_text("#!/bin/sh\necho 'Unrecoverable error' >&2\nexit 1\n", encoding="ascii")
    (fake / "gs").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    out = tmp_path / "mapa.pdf"
    with pytest.raises(SystemExit) as exc:
        main(["print", "map", "--demo", "--paper", "A5", "--orientation", "portrait", "--print-shop", "--out", str(out)])
    err = capsys.readouterr().err
    assert exc.value.code == 1 and "Chyba: Ghostscript nevytvořil tiskový PDF" in err and "Usage" not in err
    assert "Unrecoverable error" in err and not out.exists()
    with pytest.raises(SystemExit) as exc:
        main(["print", "catalogue", "--demo", "--pdfx", "X-3", "--out", str(out)])
    assert exc.value.code == 1 and "--pdfx patří k --print-shop" in capsys.readouterr().err and not out.exists()


def test_pdfx_check_reads_inline_images_tiling_patterns_and_type3_glyphs(tmp_path):
    """RGB hidden where a page's own operators do not show it: an inline image, the content of a
    tiling pattern, a Type 3 glyph; each is named, a CMYK inline image is not."""
    from pypdf import PdfWriter
    from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject,
                               NumberObject)

    from coverage_app.maps.pdfx_check import pdfx_problems

    def stream(data: bytes, **entries) -> DecodedStreamObject:
        obj = DecodedStreamObject()
        obj.set_data(data)
        for k, v in entries.items():
            obj[NameObject(f"/{k}")] = v
        return obj

    def page_with(content: bytes, resources: DictionaryObject | None = None) -> Path:
        writer = PdfWriter()
        page = writer.add_blank_page(100, 100)
        page[NameObject("/Contents")] = writer._add_object(stream(content))
        if resources is not None:
            page[NameObject("/Resources")] = resources
        path = tmp_path / f"p{len(list(tmp_path.iterdir()))}.pdf"
        writer.write(path)
        return path

    rgb_image = page_with(b"q 10 0 0 10 0 0 cm BI /W 1 /H 1 /CS /RGB /BPC 8 ID \xff\x00\x00 EI Q")
    assert "strana 1: obrázek: barevný prostor RGB" in pdfx_problems(rgb_image)
    cmyk_image = page_with(b"q 10 0 0 10 0 0 cm BI /W 1 /H 1 /CS /CMYK /BPC 8 ID \x00\xff\xff\x00 EI Q")
    assert not [p for p in pdfx_problems(cmyk_image) if "obrázek" in p]
    tile = stream(b"1 0 0 rg 0 0 5 5 re f", Type=NameObject("/Pattern"), PatternType=NumberObject(1),
                  PaintType=NumberObject(1), TilingType=NumberObject(1), XStep=FloatObject(5), YStep=FloatObject(5),
                  BBox=ArrayObject([FloatObject(0), FloatObject(0), FloatObject(5), FloatObject(5)]),
                  Resources=DictionaryObject())
    patterned = page_with(b"/Pattern cs /P1 scn 0 0 50 50 re f",
                          DictionaryObject({NameObject("/Pattern"): DictionaryObject({NameObject("/P1"): tile})}))
    assert "strana 1: barva RGB" in pdfx_problems(patterned)
    glyph = stream(b"500 0 d0 0 1 0 rg 0 0 500 500 re f")
    type3 = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type3"),
        NameObject("/FontBBox"): ArrayObject([NumberObject(0)] * 4),
        NameObject("/FontMatrix"): ArrayObject([FloatObject(0.001), NumberObject(0), NumberObject(0),
                                                FloatObject(0.001), NumberObject(0), NumberObject(0)]),
        NameObject("/CharProcs"): DictionaryObject({NameObject("/a"): glyph}),
        NameObject("/Encoding"): DictionaryObject({NameObject("/Differences"): ArrayObject([NumberObject(97),
                                                                                          NameObject("/a")])}),
        NameObject("/FirstChar"): NumberObject(97), NameObject("/LastChar"): NumberObject(97),
        NameObject("/Widths"): ArrayObject([NumberObject(500)])})
    typed = page_with(b"BT /F1 12 Tf 10 10 Td (a) Tj ET",
                      DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): type3})}))
    assert "strana 1: barva RGB" in pdfx_problems(typed)


def test_whether_markers_will_move_is_known_without_placing_them():
    """On 300 random sheets the cheap answer (which decides the legend row "skutečná poloha
    posunuté značky" before placement) agrees with what placement then does."""
    import numpy as np

    from coverage_app.maps.sheet_layout import MOVED_MM, Frame, markers_will_move, place_markers

    rng = np.random.default_rng(3)
    frame = Frame((0, 0, 120, 90), (0, 0, 120, 90))
    seen = set()
    for _ in range(300):
        n = int(rng.integers(1, 12))
        xy = np.column_stack([rng.uniform(1, 119, n), rng.uniform(1, 89, n)])
        radius = np.where(rng.random(n) < 0.3, 2.3 * 1.3, 2.3)
        groups = rng.choice(list("abc"), n)
        qx, qy = place_markers(xy[:, 0], xy[:, 1], radius, 0.5, frame, groups=groups)
        moved = bool((np.hypot(qx - xy[:, 0], qy - xy[:, 1]) > MOVED_MM).any())
        assert markers_will_move(xy, radius, 0.5, frame, groups) == moved
        seen.add(moved)
    assert seen == {True, False}
