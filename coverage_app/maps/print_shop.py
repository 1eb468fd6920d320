"""The print shop's PDF of a map, an atlas or the catalogue: 3 mm bleed, crop marks, trim and
bleed boxes, CMYK with an output intent (PDF/X-1a:2001 by default, or PDF/X-3:2002), black text and
lines as 100 % K.

The office PDF (RGB, trimmed to the paper) stays the default; :func:`print_shop_pdf` turns it into
the file a print shop asks for:

1. the sheet is placed on a larger page with a slug of :data:`SLUG_MM` around the trim, its
   TrimBox (the paper) and BleedBox (paper + :data:`BLEED_MM`) set, and crop marks drawn in the
   slug at the four corners (0.25 pt, registration black on all four plates);
2. Ghostscript (``gs``, Debian's ``ghostscript`` package) converts every colour to CMYK through its
   own CMYK profile (``default_cmyk.icc``, Artifex's SWOP-like profile shipped with Ghostscript)
   and writes PDF 1.3 with that profile as the output intent.  Black and grey type and lines print
   on the K plate only: matplotlib writes neutral greys as DeviceGray and the catalogue as CMYK
   0/0/0/K (:func:`~coverage_app.maps.catalogue.ink`), and Ghostscript keeps both as black ink
   (Ghostscript's ``-dBlackText`` is not used: it turns every text black or white, the grey names
   of neighbouring districts too);
3. :func:`pdfx_problems` checks the result against the rules of PDF/X-1a:2001 (ISO 15930-1) that
   a file can break here: PDF version, the Info keys, the output intent, the page boxes, colour
   spaces (device CMYK and gray only, no ICC, Lab or RGB), transparency and embedded fonts.  A file
   that breaks one is refused, never labelled PDF/X.

No full PDF/X validator is available from the package registries (veraPDF checks PDF/A only), so
these checks are the tool's own, and are what the tests run.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from coverage_app.i18n import register, t
from coverage_app.maps.pdfx_check import PDFX_STANDARDS, pdfx_problems, transparency

__all__ = ["BLEED_MM", "PDFX_STANDARDS", "SLUG_MM", "ghostscript", "pdfx_problems", "print_shop_pdf"]

#: Bleed around the trimmed sheet (mm).
BLEED_MM = 3.0
#: Space around the trim for the bleed and the crop marks (mm).
SLUG_MM = 12.0
_PT_PER_MM = 72.0 / 25.4
#: The longest Ghostscript may take over one file (seconds).
GS_TIMEOUT_S = 600

register({
    "ps.err.no_gs": {
        "cs": "pro tiskový PDF (CMYK, PDF/X) je třeba Ghostscript (program gs); nainstalujte balík ghostscript "
              "(Debian/Ubuntu: apt-get install ghostscript)",
        "en": "the print-shop PDF (CMYK, PDF/X) needs Ghostscript (the gs program); install the ghostscript "
              "package (Debian/Ubuntu: apt-get install ghostscript)"},
    "ps.err.gs_failed": {"cs": "Ghostscript nevytvořil tiskový PDF (technicky: {detail})",
                         "en": "Ghostscript did not make the print-shop PDF (technically: {detail})"},
    "ps.err.pdfx_alone": {"cs": "--pdfx patří k --print-shop (norma tiskového PDF)",
                          "en": "--pdfx goes with --print-shop (the print-shop PDF's standard)"},
    "ps.err.gs_timeout": {"cs": "Ghostscript nedokončil tiskový PDF do {seconds} s",
                          "en": "Ghostscript did not finish the print-shop PDF within {seconds} s"},
    "ps.err.transparent": {"cs": "podklad obsahuje průhlednost ({problems}); Ghostscript by stranu převedl na "
                                 "obrázek i s písmem, proto tiskový PDF nevznikl",
                           "en": "the source has transparency ({problems}); Ghostscript would turn the page into "
                                 "one picture, type included, so no print-shop PDF was made"},
    "ps.err.not_pdfx": {"cs": "tiskový PDF nesplňuje PDF/{standard}: {problems}",
                        "en": "the print-shop PDF does not meet PDF/{standard}: {problems}"},
})


def ghostscript() -> str | None:
    """The Ghostscript program, or ``None`` when it is not installed."""
    return shutil.which("gs")


def _cmyk_profile(gs: str) -> Path | None:
    """Ghostscript's own CMYK profile (``iccprofiles/default_cmyk.icc`` beside its ``lib``)."""
    out = subprocess.run([gs, "-q", "-dNODISPLAY", "-dNOSAFER", "-c", "(default_cmyk.icc) findlibfile "
                          "{pop pop ==} {pop} ifelse quit"], capture_output=True, text=True, timeout=60)
    name = out.stdout.strip().strip("()")
    if name and Path(name).exists():
        return Path(name)
    for root in (Path("/usr/share/ghostscript"), Path("/usr/local/share/ghostscript")):
        for hit in sorted(root.glob("*/iccprofiles/default_cmyk.icc")):
            return hit
    return None


def _with_bleed_and_marks(src: Path, dst: Path) -> None:
    """The sheet on a page with a slug: trim and bleed boxes set, crop marks in the slug."""
    from pypdf import PdfReader, PdfWriter, Transformation
    from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject, RectangleObject

    reader = PdfReader(src)
    writer = PdfWriter()
    slug, bleed = SLUG_MM * _PT_PER_MM, BLEED_MM * _PT_PER_MM
    for page in reader.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        out = writer.add_blank_page(w + 2 * slug, h + 2 * slug)
        out.merge_transformed_page(page, Transformation().translate(slug, slug))
        marks = []
        for x in (slug, slug + w):
            for y in (slug, slug + h):
                dx = -1 if x == slug else 1
                dy = -1 if y == slug else 1
                # a horizontal and a vertical mark at each corner, starting outside the bleed
                marks.append(f"{x + dx * (bleed + 2):.2f} {y:.2f} m {x + dx * (slug - 1):.2f} {y:.2f} l S")
                marks.append(f"{x:.2f} {y + dy * (bleed + 2):.2f} m {x:.2f} {y + dy * (slug - 1):.2f} l S")
        stream = DecodedStreamObject()
        stream.set_data(("q 1 1 1 1 K 0.25 w " + " ".join(marks) + " Q").encode("ascii"))  # registration: every plate
        contents = out.get_contents()
        writer_stream = writer._add_object(stream)
        out[NameObject("/Contents")] = ArrayObject([writer._add_object(contents), writer_stream])
        trim = RectangleObject([slug, slug, slug + w, slug + h])
        out[NameObject("/TrimBox")] = trim
        out[NameObject("/BleedBox")] = RectangleObject([slug - bleed, slug - bleed, slug + w + bleed,
                                                        slug + h + bleed])
    writer.add_metadata(dict(reader.metadata or {}))
    with open(dst, "wb") as fh:
        writer.write(fh)


def _set_boxes(src: Path, dst: Path, like: Path) -> None:
    """Copy the trim and bleed boxes of ``like``'s pages onto ``src``'s (Ghostscript may drop them)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, RectangleObject

    boxes = [(p.get("/TrimBox"), p.get("/BleedBox")) for p in PdfReader(like).pages]
    writer = PdfWriter(clone_from=src)
    for page, (trim, bleed) in zip(writer.pages, boxes):
        if trim is not None:
            page[NameObject("/TrimBox")] = RectangleObject(trim)
        if bleed is not None:
            page[NameObject("/BleedBox")] = RectangleObject(bleed)
    with open(dst, "wb") as fh:
        writer.write(fh)


def print_shop_pdf(office_pdf: str | Path, out: str | Path, title: str = "", standard: str = "X-1a") -> Path:
    """Turn an office PDF (every page) into the print shop's: bleed, crop marks, CMYK, PDF/X,
    titled ``title`` or as the office PDF is.

    ``standard`` is a key of :data:`PDFX_STANDARDS`.  Raises ``RuntimeError`` (Czech message)
    when Ghostscript is missing or fails, when the office PDF has transparency (it would be
    flattened into a picture), or when the result breaks a rule of the standard
    (:func:`pdfx_problems`); nothing is written then.
    """
    from pypdf import PdfReader

    if standard not in PDFX_STANDARDS:
        raise ValueError(f"unknown PDF/X standard {standard!r}; one of {sorted(PDFX_STANDARDS)}")
    gs = ghostscript()
    if gs is None:
        raise RuntimeError(t("ps.err.no_gs", "cs"))
    see_through = transparency(office_pdf)
    if see_through:
        raise RuntimeError(t("ps.err.transparent", "cs", problems="; ".join(see_through[:5])))
    out = Path(out)
    profile = _cmyk_profile(gs)
    with tempfile.TemporaryDirectory(prefix="coverage-app-pdfx-") as tmp:
        tmpdir = Path(tmp)
        marked = tmpdir / "marked.pdf"
        _with_bleed_and_marks(Path(office_pdf), marked)
        pdfx_def = tmpdir / "PDFX_def.ps"
        title = title or str((PdfReader(office_pdf).metadata or {}).get("/Title") or "") or "Sociální služby"
        pdfx_def.write_text(_pdfx_def(title, profile, standard), encoding="ascii")
        converted = tmpdir / "pdfx.pdf"
        cmd = [gs, "-q", "-dPDFX", "-dBATCH", "-dNOPAUSE", "-dNOOUTERSAVE", "-dNOSAFER", "-sDEVICE=pdfwrite",
               "-sColorConversionStrategy=CMYK", "-sProcessColorModel=DeviceCMYK",
               "-dPDFSETTINGS=/prepress", "-dEmbedAllFonts=true", "-dSubsetFonts=true",
               f"-sOutputFile={converted}", str(pdfx_def), str(marked)]
        if profile is not None:
            cmd.insert(-2, f"-sOutputICCProfile={profile}")
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=GS_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise RuntimeError(t("ps.err.gs_timeout", "cs", seconds=GS_TIMEOUT_S)) from None
        if run.returncode != 0 or not converted.exists():
            raise RuntimeError(t("ps.err.gs_failed", "cs", detail=(run.stderr or run.stdout).strip()[:300]))
        final = tmpdir / "final.pdf"
        _set_boxes(converted, final, marked)
        problems = pdfx_problems(final, standard)
        if problems:
            raise RuntimeError(t("ps.err.not_pdfx", "cs", standard=standard, problems="; ".join(problems[:5])))
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(final), out)
    return out


def _pdfx_def(title: str, profile: Path | None, standard: str = "X-1a") -> str:
    """Ghostscript's PDFX_def.ps for this file: the standard's keys, the title, the CMYK profile
    as the output intent."""
    version, conformance = PDFX_STANDARDS[standard]
    keys = f"/GTS_PDFXVersion ({version}) " + (f"/GTS_PDFXConformance ({conformance}) " if conformance else "")
    title_hex = "<FEFF" + title.encode("utf-16-be").hex().upper() + ">"  # any Czech letter, as PDF text
    icc = ""
    if profile is not None:
        path = str(profile).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        icc = (f"/ICCProfile ({path}) def\n"
               "[/_objdef {icc_PDFX} /type /stream /OBJ pdfmark\n"
               "[{icc_PDFX} << /N 4 >> /PUT pdfmark\n"
               "[{icc_PDFX} ICCProfile (r) file /PUT pdfmark\n")
    dest = "/DestOutputProfile {icc_PDFX}\n" if profile is not None else ""
    return ("%!\n"
            f"[ {keys}/Title {title_hex} /Trapped /False /DOCINFO pdfmark\n"
            f"{icc}"
            "[/_objdef {OutputIntent_PDFX} /type /dict /OBJ pdfmark\n"
            "[{OutputIntent_PDFX} << /Type /OutputIntent /S /GTS_PDFX\n"
            "  /OutputCondition (Commercial and specialty printing) /Info (Ghostscript default_cmyk.icc)\n"
            "  /OutputConditionIdentifier (Custom) /RegistryName (http://www.color.org)\n"
            f"  {dest}>> /PUT pdfmark\n"
            "[{Catalog} << /OutputIntents [ {OutputIntent_PDFX} ] >> /PUT pdfmark\n")
