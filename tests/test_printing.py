"""Printed maps, atlas and catalogue: page sizes, embedded fonts, Czech text, numbers, secrecy.

The map and the catalogue set service numbers — and nothing else — in the monospaced number
font (DejaVu Sans Mono; bold, and regular in the catalogue index).  The tests read the numbers back from the PDFs by that font, so the
check "every catalogue number is on the map and the reverse" runs on the printed files:

* the map's numbers = markers + the box of services based outside the map + the box of
  services with a withheld address;
* markers alone = catalogue numbers − services with a secret address − services whose every
  public site lies outside the map frame (e.g. field services based in Brno).

Rendered pages are saved to ``tests/artifacts/`` (git-ignored) for a human look.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from PIL import Image

pypdf = pytest.importorskip("pypdf")

from coverage_app.demo import load_demo  # noqa: E402
from coverage_app.maps import catalogue as cat  # noqa: E402
from coverage_app.maps import printing as pr  # noqa: E402
from coverage_app.maps import atlas as at  # noqa: E402
from coverage_app.maps.numbering import (  # noqa: E402
    czech_sort_key,
    number_services,
    relevant_service_ids,
    service_entries,
)
from coverage_app.maps.style import PAPER_SIZES_MM, get_style, paper_size_mm  # noqa: E402
from coverage_app.model import Services  # noqa: E402

ARTIFACTS = Path(__file__).parent / "artifacts"
REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"
# ``demo`` (ORP Židlochovice) and ``realdata`` come from conftest.py
NUMBER_FONT = "DejaVuSansMono"


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
def pdf_text(path: Path, raw: bool = False) -> str:
    """The text of a PDF; non-breaking spaces read as spaces unless ``raw``."""
    text = "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages)
    return text if raw else text.replace("\u00a0", " ")


def pdf_numbers(path: Path) -> set[int]:
    """Integers drawn in the number font anywhere in a PDF."""
    found: list[str] = []
    for page in pypdf.PdfReader(path).pages:
        def visit(text, cm, tm, font_dict, font_size):  # noqa: ANN001
            if font_dict is not None and NUMBER_FONT in str(font_dict.get("/BaseFont", "")):
                found.extend(re.findall(r"\d+", text))
        page.extract_text(visitor_text=visit)
    return {int(n) for n in found}


def page_sizes_mm(path: Path) -> list[tuple[float, float]]:
    return [(float(p.mediabox.width) / 72 * 25.4, float(p.mediabox.height) / 72 * 25.4)
            for p in pypdf.PdfReader(path).pages]


def font_report(path: Path) -> dict[str, set[str]]:
    """BaseFont name → kinds of embedded font program (FontFile, FontFile2, FontFile3, none)."""
    out: dict[str, set[str]] = {}

    def walk(font) -> None:  # noqa: ANN001
        font = font.get_object()
        name = str(font.get("/BaseFont", ""))
        kinds = out.setdefault(name, set())
        if font.get("/Subtype") == "/Type3":
            kinds.add("Type3")
        desc = font.get("/FontDescriptor")
        for desc_font in [font] + [d.get_object() for d in font.get("/DescendantFonts", [])]:
            desc = desc_font.get("/FontDescriptor")
            if desc is not None:
                desc = desc.get_object()
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in desc:
                        kinds.add(key[1:])
        if not kinds:
            kinds.add("none")

    for page in pypdf.PdfReader(path).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            walk(ref)
    return out


def straight_line_minutes(district, services: Services, kind: str, *, detour: float = 1.3,
                          speed_kmh: float = 40.0) -> pd.Series:
    """Minutes from each obec point to the nearest public site of ``kind`` (straight line × detour)."""
    sites = services.public_sites()
    sites = sites[(sites["kind"] == kind) & sites.geometry.notna()]
    sx = sites.geometry.x.to_numpy()
    sy = sites.geometry.y.to_numpy()
    xy = district.xy()
    dist_km = np.sqrt((xy[:, 0, None] - sx[None, :]) ** 2 + (xy[:, 1, None] - sy[None, :]) ** 2).min(axis=1) / 1000.0
    return pd.Series(dist_km * detour / speed_kmh * 60.0, index=pd.Index(district.codes, name="kod_obce"))


def render_pdf_pages(pdf: Path, stem: str, dpi: int = 150) -> list[Path]:
    """Rasterise PDF pages to PNG for a human look (pypdfium2, or poppler's pdftoppm)."""
    try:
        import pypdfium2 as pdfium
    except ImportError:  # pragma: no cover - depends on the machine
        import shutil
        import subprocess
        if not shutil.which("pdftoppm"):
            pytest.skip("neither pypdfium2 nor pdftoppm is available to rasterise PDF pages")
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(ARTIFACTS / stem)], check=True)
        return sorted(ARTIFACTS.glob(f"{stem}-*.png"))
    doc = pdfium.PdfDocument(str(pdf))
    out = []
    for i in range(len(doc)):
        path = ARTIFACTS / f"{stem}-{i + 1:02d}.png"
        doc[i].render(scale=dpi / 72).to_pil().save(path)
        out.append(path)
    doc.close()
    return out


# ---------------------------------------------------------------------------------------------
# fixtures: render once per module
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_pou():
    return load_demo("POU:81142")


@pytest.fixture(scope="module")
def czechia():
    path = REALDATA / "rczechia" / "republika_2024-06.gpkg"
    return gpd.read_file(path) if path.exists() else None


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return tmp_path_factory.mktemp("print")


@pytest.fixture(scope="module")
def map_pdf(demo, czechia, out_dir) -> Path:
    return pr.render_map(demo.district, demo.services, out_dir / "mapa_a3.pdf", paper="A3",
                         orientation="landscape", czechia_outline=czechia)


@pytest.fixture(scope="module")
def map_svg(demo, czechia, out_dir) -> Path:
    return pr.render_map(demo.district, demo.services, out_dir / "mapa_a3.svg", czechia_outline=czechia)


@pytest.fixture(scope="module")
def map_png(demo, czechia) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return pr.render_map(demo.district, demo.services, ARTIFACTS / "demo_mapa_a3.png", paper="A3",
                         orientation="landscape", czechia_outline=czechia)


@pytest.fixture(scope="module")
def catalogue_pdf(demo, out_dir) -> Path:
    return cat.render_catalogue(demo.district, demo.services, out_dir / "katalog.pdf")


@pytest.fixture(scope="module")
def composition(demo, czechia):
    return pr.compose_map(demo.district, demo.services, czechia_outline=czechia)


# ---------------------------------------------------------------------------------------------
# numbering and relevance
# ---------------------------------------------------------------------------------------------
def test_relevance_takes_sites_and_declared_service_areas(demo):
    ids = set(relevant_service_ids(demo.services, demo.district))
    assert "Z-PS-01" in ids  # site in Židlochovice
    assert "Z-TP-01" in ids  # based in Brno, declares the whole ORP as its service area
    assert "Z-AD-01" in ids  # secret address inside the district
    assert not any(i.startswith("A-") for i in ids)  # Město Albrechtice services


def test_numbers_are_consecutive_ordered_and_stable(demo):
    numbers = number_services(demo.services, demo.district)
    assert sorted(numbers) == list(range(1, len(numbers) + 1))
    entries = service_entries(demo.services, demo.district)
    order = ["seniori", "postizeni", "rodiny", "krize", "ostatni"]
    ranks = [order.index(g) for g in entries.sort_values("number")["working_group"]]
    assert ranks == sorted(ranks)
    # shuffled input rows give the same numbers
    sv = demo.services
    shuffled = Services(sv.services.sample(frac=1, random_state=1), sv.sites.sample(frac=1, random_state=2),
                        sv.capacities, kinds=sv.kinds)
    pd.testing.assert_series_equal(number_services(shuffled, demo.district).sort_index(), numbers.sort_index())


def test_secret_service_is_numbered_but_has_no_address(demo):
    entries = service_entries(demo.services, demo.district).set_index("service_id")
    secret = entries.loc["Z-AD-01"]
    assert secret["secret"] and not secret["located"]
    assert secret["site_obce"] == ()
    assert all("neveřejná" in a for a in secret["addresses"])
    assert not any("Lipová" in a for a in secret["addresses"])


def test_czech_sort_key_orders_like_a_czech_dictionary():
    names = ["Židlochovice", "Zbraslav", "Chrlice", "Cvrčovice", "Čejč", "Hrušovany", "Ivančice", "Šlapanice"]
    assert sorted(names, key=czech_sort_key) == ["Cvrčovice", "Čejč", "Hrušovany", "Chrlice", "Ivančice",
                                                 "Šlapanice", "Zbraslav", "Židlochovice"]


# ---------------------------------------------------------------------------------------------
# the map
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("paper,orientation", [("A3", "landscape"), ("A4", "portrait"), ("A5", "portrait"),
                                               ("A5", "landscape")])
def test_map_page_size_in_mm(demo, out_dir, paper, orientation):
    path = pr.render_map(demo.district, demo.services, out_dir / f"size_{paper}_{orientation}.pdf", paper=paper,
                         orientation=orientation)
    sizes = page_sizes_mm(path)  # A5: the front and the back (the list of services)
    assert len(sizes) == (2 if paper == "A5" else 1)
    ew, eh = paper_size_mm(paper, orientation)
    for w, h in sizes:
        assert abs(w - ew) < 0.5 and abs(h - eh) < 0.5
    assert sorted((ew, eh)) == sorted(PAPER_SIZES_MM[paper])


def test_map_pdf_text_has_diacritics_and_fonts_are_embedded(map_pdf):
    text = pdf_text(map_pdf)
    for word in ("Židlochovice", "Hrušovany u Brna", "Žabčice", "Přísnotice", "Sociální služby"):
        assert word in text
    # the demo's sources as loaded: obec points of ČÚZK, fictional services; no registry, no date
    assert "Zdroje: obce jako body (definiční body © ČÚZK, RÚIAN, CC BY 4.0" in text.replace("\n", " ")
    assert "fiktivní služby (ukázková data)" in text and "MPSV" not in text and "data k" not in text
    fonts = font_report(map_pdf)
    assert fonts, "no fonts in the map PDF"
    for name, kinds in fonts.items():
        assert kinds == {"FontFile2"}, f"{name} is not an embedded TrueType font: {kinds}"
    assert any("DejaVuSans" in n for n in fonts)


def test_map_legend_lists_only_what_is_on_the_page(demo, out_dir):
    path = pr.render_map(demo.district, demo.services, out_dir / "only_homes.pdf", paper="A4",
                         orientation="portrait", kinds=["DruhSocialniSluzby/13"])
    text = pdf_text(path)
    assert "domovy pro seniory (§ 49)" in text
    assert "pečovatelská služba" not in text
    assert "terénní (sídlo" not in text  # no field service on this page
    assert "pobytová" in text
    number = int(number_services(demo.services, demo.district)["Z-DS-01"])
    assert pdf_numbers(path) == {number}  # numbers stay those of the full catalogue


def test_map_places_markers_and_boxes_for_every_number(composition, demo):
    entries = service_entries(demo.services, demo.district)
    all_numbers = set(entries["number"])
    secret = set(entries.loc[entries["secret"], "number"])
    markers = set(composition.markers["number"])
    assert composition.numbers == all_numbers
    assert set(composition.numbers_secret) == secret
    assert not markers & secret
    outside = set(composition.numbers_outside)
    brno = set(entries.loc[entries["service_id"].isin(["Z-TP-01", "Z-RP-01", "Z-TKP-01"]), "number"])
    assert outside == brno
    assert markers == all_numbers - secret - outside
    # markers lie inside the map frame
    fx, fy, fw, fh = composition.frame_mm
    assert composition.markers["px"].between(fx, fx + fw).all()
    assert composition.markers["py"].between(fy, fy + fh).all()


def test_no_marker_at_the_secret_location(composition, demo):
    secret_site = demo.services.sites[demo.services.sites["service_id"] == "Z-AD-01"].geometry.iloc[0]
    d = np.hypot(composition.markers["x"] - secret_site.x, composition.markers["y"] - secret_site.y)
    # the nearest marker is another service's site, never the secret one's point
    assert (d > 1.0).all()
    assert "Z-AD-01" not in set(composition.markers["service_id"])


def test_obec_labels_are_all_placed_without_collisions(composition, demo):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    assert composition.unlabelled == []
    assert set(composition.labels["kod_obce"]) == set(demo.district.codes)
    boxes = composition.labels[["x0", "y0", "x1", "y1"]].to_numpy()
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            a, b = boxes[i], boxes[j]
            assert not (a[0] < b[2] and a[2] > b[0] and a[1] < b[3] and a[3] > b[1]), \
                f"{composition.labels.iloc[i]['name']} overlaps {composition.labels.iloc[j]['name']}"
    # the same check on what matplotlib actually draws (text extents and marker extents)
    fig = composition.figure
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    texts = [a.get_window_extent(renderer) for a in composition.label_artists]
    markers = [ln.get_window_extent(renderer) for ax in fig.axes for ln in ax.lines
               if (ln.get_gid() or "").startswith("marker-")]
    assert len(markers) == len(composition.markers)
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            assert not a.overlaps(b)
        for m in markers:
            assert not a.overlaps(m)


def test_every_catalogue_number_is_on_the_map_and_the_reverse(map_pdf, catalogue_pdf, demo):
    on_map = pdf_numbers(map_pdf)
    in_catalogue = pdf_numbers(catalogue_pdf)
    expected = set(number_services(demo.services, demo.district))
    assert on_map == in_catalogue == expected


def test_secret_address_is_printed_nowhere(map_pdf, map_svg, catalogue_pdf, composition, demo):
    from coverage_app.demo import demo_paths

    # the street is in the input data (so its absence below is meaningful)
    assert "Lipová" in demo_paths()["services"].read_text(encoding="utf-8")
    assert "Lipová" not in pdf_text(map_pdf)
    svg = map_svg.read_text(encoding="utf-8")
    assert "Lipová" not in svg and "Lipov" not in svg
    assert "Židlochovice" in svg  # the SVG keeps text as text, so the absence above means something
    # the PNG is drawn from the same figure: no text artist carries the street
    texts = [t.get_text() for ax in composition.figure.axes for t in ax.texts]
    assert not any("Lipová" in s for s in texts)
    cat_text = pdf_text(catalogue_pdf)
    assert "Lipová" not in cat_text
    assert "adresa neveřejná, volejte +420 000 000 112" in cat_text
    assert "Azylový dům Bezpečí" in pdf_text(map_pdf)  # listed in the box, with its phone only


def test_svg_keeps_numbers_and_names_as_text(map_svg, demo):
    svg = map_svg.read_text(encoding="utf-8")
    for name in ("Rajhrad", "Hrušovany u Brna", "Sociální služby – ORP Židlochovice"):
        assert name in svg
    marker_numbers = {int(m) for m in re.findall(r'id="marker-(\d+)-\d+"', svg)}
    entries = service_entries(demo.services, demo.district)
    secret = set(entries.loc[entries["secret"], "number"])
    assert marker_numbers and not marker_numbers & secret


def test_a3_png_is_300_dpi_with_the_right_pixel_size(map_png):
    with Image.open(map_png) as im:
        w, h = im.size
        dpi = im.info.get("dpi", (0, 0))
    assert abs(w - 420 / 25.4 * 300) <= 1 and abs(h - 297 / 25.4 * 300) <= 1
    assert abs(dpi[0] - 300) < 1 and abs(dpi[1] - 300) < 1


def test_grayscale_png_has_no_coloured_pixels(demo, czechia, out_dir):
    shading = straight_line_minutes(demo.district, demo.services, "DruhSocialniSluzby/4")
    path = pr.render_map(demo.district, demo.services, out_dir / "grey.png", paper="A4", orientation="portrait",
                         style="grayscale", czechia_outline=czechia, shading=shading, dpi=120)
    with Image.open(path) as im:
        rgb = np.asarray(im.convert("RGB")).astype(int)
    assert (rgb[..., 0] == rgb[..., 1]).all() and (rgb[..., 1] == rgb[..., 2]).all()
    for colour in get_style("grayscale").all_colours():
        c = colour.lstrip("#")
        assert c[0:2] == c[2:4] == c[4:6]


@pytest.mark.parametrize("style", ["colour", "cvd"])
def test_colour_styles_render(demo, out_dir, style):
    path = pr.render_map(demo.district, demo.services, out_dir / f"map_{style}.png", paper="A5",
                         orientation="portrait", style=style, dpi=100)
    with Image.open(path) as im:
        rgb = np.asarray(im.convert("RGB")).astype(int)
    assert (np.abs(rgb[..., 0] - rgb[..., 2]) > 40).any()  # colour is there
    assert (rgb.reshape(-1, 3) == 0).all(axis=1).any()  # and pure black text


@pytest.mark.parametrize("paper,orientation", [("A3", "landscape"), ("A4", "portrait"), ("A5", "landscape")])
def test_everything_stays_inside_the_print_safe_margin(demo, czechia, paper, orientation):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from coverage_app.maps.style import paper_margin_mm

    comp = pr.compose_map(demo.district, demo.services, paper=paper, orientation=orientation,
                          czechia_outline=czechia)
    fig = comp.figure
    fig.set_dpi(300)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    w_mm, h_mm = comp.size_mm
    px_per_mm = fig.bbox.width / w_mm
    margin = paper_margin_mm(paper) - 0.3
    for ax in fig.axes:
        for text in ax.texts:
            bb = text.get_window_extent(renderer)
            assert bb.x0 / px_per_mm >= margin and bb.x1 / px_per_mm <= w_mm - margin, text.get_text()
            assert bb.y0 / px_per_mm >= margin and bb.y1 / px_per_mm <= h_mm - margin, text.get_text()


def test_markers_coloured_by_kind(demo, out_dir):
    path = pr.render_map(demo.district, demo.services, out_dir / "by_kind.pdf", paper="A4", orientation="portrait",
                         colour_by="kind", style="cvd")
    text = pdf_text(path)
    assert "pečovatelská služba (§ 40)" in text and "domovy pro seniory (§ 49)" in text
    assert "Lidé s postižením" not in text  # no working-group headings in this legend
    assert pdf_numbers(path) == set(number_services(demo.services, demo.district))


def test_body_text_is_pure_black(composition):
    texts = [t for ax in composition.figure.axes for t in ax.texts
             if not (t.get_gid() or "").endswith("-halo") and not (t.get_gid() or "").startswith("number-")]
    assert texts
    from matplotlib.colors import to_hex
    assert {to_hex(t.get_color()) for t in texts} == {"#000000"}


def test_shading_bands_and_legend(demo, out_dir):
    assert [pr.shading_band(m) for m in (0, 14.9, 15, 29.9, 30, 44.9, 45, 120)] == [0, 0, 1, 1, 2, 2, 3, 3]
    assert pr.shading_band(float("nan")) is None
    minutes = straight_line_minutes(demo.district, demo.services, "DruhSocialniSluzby/13")
    assert minutes.notna().all() and (minutes >= 0).all()
    # a check by hand: Rajhrad hosts the home, so it is in the first band
    assert minutes["583758"] < 15
    path = pr.render_map(demo.district, demo.services, out_dir / "shading.pdf", paper="A4", orientation="portrait",
                         shading=minutes, shading_title="Dojezd k nejbližšímu domovu pro seniory",
                         shading_note="odhad vzdušnou čarou × 1,3 při 40 km/h")
    text = pdf_text(path)
    assert "Dojezd k nejbližšímu domovu pro seniory" in re.sub(r"\s+", " ", text)  # the heading may wrap
    assert "do 15 min" in text
    present = {pr.shading_band(m) for m in minutes}
    for band in range(4):
        label = ["do 15 min", "15–30 min", "30–45 min", "45 min a více"][band]
        assert (label in text) == (band in present)


def test_scale_bar_and_scale_are_consistent(composition):
    x0, y0, x1, y1 = composition.extent
    fx, fy, fw, fh = composition.frame_mm
    m_per_mm_x = (x1 - x0) / fw
    m_per_mm_y = (y1 - y0) / fh
    assert math.isclose(m_per_mm_x, m_per_mm_y, rel_tol=1e-6)  # equal aspect in EPSG:5514
    assert math.isclose(composition.scale_denominator, m_per_mm_x * 1000, rel_tol=1e-6)


def test_bad_arguments_raise(demo, out_dir):
    with pytest.raises(ValueError, match="formát"):
        pr.render_map(demo.district, demo.services, out_dir / "map.docx")
    with pytest.raises(ValueError, match="papíru"):
        pr.render_map(demo.district, demo.services, out_dir / "map.pdf", paper="B4")
    with pytest.raises(ValueError, match="orientace"):
        pr.render_map(demo.district, demo.services, out_dir / "map.pdf", orientation="sideways")
    with pytest.raises(ValueError, match="styl"):
        pr.render_map(demo.district, demo.services, out_dir / "map.pdf", style="sepia")
    with pytest.raises(ValueError):
        at.render_atlas(demo.district, demo.services, out_dir / "atlas.png")
    with pytest.raises(ValueError):
        cat.render_catalogue(demo.district, demo.services, out_dir / "katalog.pdf", group_by="colour")


def test_pou_map_and_catalogue_have_liptan(demo_pou, out_dir):
    map_path = pr.render_map(demo_pou.district, demo_pou.services, out_dir / "pou.pdf", paper="A4",
                             orientation="portrait")
    cat_path = cat.render_catalogue(demo_pou.district, demo_pou.services, out_dir / "pou_katalog.pdf")
    assert "Liptaň" in pdf_text(map_path)
    assert "Liptaň" in pdf_text(cat_path)  # index of obce
    assert pdf_numbers(map_path) == pdf_numbers(cat_path) == set(number_services(demo_pou.services, demo_pou.district))


def test_english_map(demo, out_dir):
    path = pr.render_map(demo.district, demo.services, out_dir / "en.pdf", paper="A4", orientation="landscape",
                         lang="en")
    text = pdf_text(path)
    assert "Social services – ORP Židlochovice" in text and "Kinds of service" in text


# ---------------------------------------------------------------------------------------------
# the atlas
# ---------------------------------------------------------------------------------------------
def test_atlas_has_one_page_per_obec_with_its_own_legend(demo, out_dir):
    path = at.render_atlas(demo.district, demo.services, out_dir / "atlas.pdf", by="obec", paper="A4",
                           orientation="portrait")
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) == len(demo.district) == 24
    for w, h in page_sizes_mm(path):
        assert abs(w - 210) < 0.5 and abs(h - 297) < 0.5
    units = at.atlas_units(demo.district, "obec")
    pages = [p.extract_text() for p in reader.pages]
    for (_code, name, _), text in zip(units, pages):
        # the demo gives no status: the title is the name, never "Obec" for a town
        assert text.splitlines()[0] == name, text.splitlines()[0]
    # Měnín's page: its own club (7) and the district-wide lines, not Rajhrad's home for seniors
    numbers = number_services(demo.services, demo.district)
    idx = [u[1] for u in units].index("Měnín")
    page_numbers = set()

    def visit(text, cm, tm, font_dict, font_size):  # noqa: ANN001
        if font_dict is not None and NUMBER_FONT in str(font_dict.get("/BaseFont", "")):
            page_numbers.update(int(n) for n in re.findall(r"\d+", text))
    reader.pages[idx].extract_text(visitor_text=visit)
    assert int(numbers["Z-SAS-02"]) in page_numbers  # club in Měnín
    assert int(numbers["Z-TP-01"]) in page_numbers  # serves the whole ORP from Brno
    assert int(numbers["Z-DS-01"]) not in page_numbers  # home in Rajhrad, no service area
    assert "Lipová" not in "".join(pages)


def test_atlas_by_pou_and_orp(demo, out_dir):
    for by in ("pou", "orp"):
        path = at.render_atlas(demo.district, demo.services, out_dir / f"atlas_{by}.pdf", by=by, paper="A3",
                               orientation="landscape")
        reader = pypdf.PdfReader(path)
        assert len(reader.pages) == 1
        assert pdf_numbers(path) == set(number_services(demo.services, demo.district))


# ---------------------------------------------------------------------------------------------
# the catalogue
# ---------------------------------------------------------------------------------------------
def test_catalogue_is_an_a5_booklet_with_embedded_fonts(catalogue_pdf):
    sizes = page_sizes_mm(catalogue_pdf)
    assert len(sizes) % 4 == 0 and len(sizes) >= 4
    for w, h in sizes:
        assert abs(w - 148) < 0.5 and abs(h - 210) < 0.5
    for name, kinds in font_report(catalogue_pdf).items():
        assert kinds == {"FontFile2"}, f"{name}: {kinds}"


def test_catalogue_cards_index_and_crisis_lines(catalogue_pdf, demo):
    text = pdf_text(catalogue_pdf)
    for word in ("Katalog sociálních služeb", "ORP Židlochovice", "Pečovatelská služba Židlochovicko",
                 "pečovatelská služba (§ 40)", "terénní: 60 klientů", "po–pá 7.00–15.30", "Rejstřík obcí",
                 "Senioři", "Osoby v krizi", "Působnost", "celé území ORP Židlochovice"):
        assert word in text, word
    reader = pypdf.PdfReader(catalogue_pdf)
    last = reader.pages[-1].extract_text()
    for line in ("116 111", "116 123", "800 200 007", "116 000", "112", "155", "158"):
        assert line in last
    # every obec of the district is in the index
    for name in demo.district.obce["nazev_obce"]:
        assert name in text


def test_catalogue_by_target_group_and_custom_crisis_lines(demo, out_dir):
    lines = [cat.CrisisLine("Krizové centrum Židlochovice (fiktivní)", "000 111 222", "nonstop")]
    path = cat.render_catalogue(demo.district, demo.services, out_dir / "katalog_tg.pdf", group_by="target_group",
                                crisis_lines=lines, style="grayscale", pad_to_multiple=1)
    text = pdf_text(path)
    assert "Senioři" in text and "Rodiny s dítětem/dětmi" in text
    assert "000 111 222" in text and "116 111" not in text
    assert pdf_numbers(path) == set(number_services(demo.services, demo.district))


def test_english_catalogue(demo, out_dir):
    path = cat.render_catalogue(demo.district, demo.services, out_dir / "catalogue_en.pdf", lang="en")
    text = pdf_text(path)
    assert "Catalogue of social services" in text and "Index of obce" in text
    assert "address withheld, call +420 000 000 112" in text
    assert "Crisis and emergency lines" in text


def test_demo_a3_map_and_catalogue_as_png_artifacts(map_png, catalogue_pdf):
    """Write the demo's A3 map and every catalogue page as PNG into tests/artifacts/ to look at."""
    with Image.open(map_png) as im:
        assert im.size[0] > 4900
        rgb = np.asarray(im.convert("RGB"))
    assert (rgb < 250).any()  # not blank
    pages = render_pdf_pages(catalogue_pdf, "demo_katalog", dpi=150)
    assert len(pages) == len(pypdf.PdfReader(catalogue_pdf).pages)
    for p in pages:
        with Image.open(p) as im:
            assert abs(im.size[0] - 148 / 25.4 * 150) <= 2


# ---------------------------------------------------------------------------------------------
# real polygons
# ---------------------------------------------------------------------------------------------
@pytest.mark.realdata
@pytest.mark.slow
def test_real_polygons_map(demo, czechia, out_dir, realdata):
    path = realdata("districts", "target_obce_polygony.gpkg")
    from coverage_app.io.municipalities import load_district, read_municipalities

    district = load_district(read_municipalities(path), "ORP:6221")
    assert district.has_polygons and len(district) == 24
    comp = pr.compose_map(district, demo.services, czechia_outline=czechia)
    assert comp.unlabelled == []
    assert comp.numbers == set(number_services(demo.services, district))
    out = pr.render_map(district, demo.services, ARTIFACTS / "real_polygons_a3.png", czechia_outline=czechia, dpi=150)
    assert out.exists()
    pdf = pr.render_map(district, demo.services, out_dir / "real.pdf", czechia_outline=czechia)
    assert "Holasice" in pdf_text(pdf)
