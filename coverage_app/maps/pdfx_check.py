"""The rules of PDF/X-1a:2001 and PDF/X-3:2002 (ISO 15930-1 and -3) that a print-shop file made
here can break, checked with pypdf.

This is not a full PDF/X validator (none is available from the package registries); it checks what
the conversion in :mod:`coverage_app.maps.print_shop` is responsible for:

* the file: PDF version at most 1.3, no encryption, a document ID, the Info keys (the standard's
  version and conformance, a title, creation and modification dates, ``Trapped`` true or false);
* one output intent of subtype ``GTS_PDFX`` with an output condition identifier and, as the
  identifier is not a registered printing condition, the CMYK profile itself;
* every page: a TrimBox (or an ArtBox, not both) inside a BleedBox inside the MediaBox, and no
  annotations;
* colour (X-1a): only DeviceCMYK, DeviceGray, Separation and DeviceN, in the content streams, in
  forms, patterns, shadings and images (X-3 also allows ICC-based and CIE colour, never plain RGB);
* no transparency: constant alpha below 1, soft masks, blend modes other than Normal, transparency
  groups;
* every font embedded.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["PDFX_STANDARDS", "pdfx_problems", "transparency"]

#: The PDF/X flavours on offer and the Info keys each writes (version, conformance).
PDFX_STANDARDS: dict[str, tuple[str, str | None]] = {
    "X-1a": ("PDF/X-1:2001", "PDF/X-1a:2001"),
    "X-3": ("PDF/X-3:2002", None),
}

_DEVICE_OK = {"/DeviceCMYK", "/DeviceGray", "/CMYK", "/G", "/Pattern"}
_SPECIAL_OK = {"/Separation", "/DeviceN"}
_CIE = {"/ICCBased", "/CalGray", "/CalRGB", "/Lab"}
#: Colour-space names an inline image may give itself (any other name is a resource, checked there).
_INLINE_NAMES = {"/G", "/RGB", "/CMYK", "/I", "/DeviceGray", "/DeviceRGB", "/DeviceCMYK", "/Indexed"}


def _colour_space_problem(cs, standard: str) -> str | None:
    """Why a colour space is not allowed in ``standard`` (``None`` when it is)."""
    from pypdf.generic import ArrayObject

    cs = cs.get_object() if hasattr(cs, "get_object") else cs
    if isinstance(cs, ArrayObject) and len(cs):
        family = str(cs[0])
        if family in _SPECIAL_OK:
            return _colour_space_problem(cs[2], standard) if len(cs) > 2 else None
        if family in ("/Indexed", "/I"):
            return _colour_space_problem(cs[1], standard)
        if family == "/Pattern":
            return _colour_space_problem(cs[1], standard) if len(cs) > 1 else None
        if family in _CIE:
            return None if standard == "X-3" else f"barevný prostor {family[1:]}"
        return f"barevný prostor {family[1:]}"
    name = str(cs)
    if name in _DEVICE_OK:
        return None
    if name in _CIE and standard == "X-3":
        return None
    return f"barevný prostor {name[1:]}"


class _Walker:
    """Visits a page's resources (forms, patterns, shadings, Type 3 fonts, images) once each."""

    def __init__(self, standard: str) -> None:
        self.standard = standard
        self.problems: list[str] = []
        self.transparency: list[str] = []
        self._seen: set[int] = set()

    def add(self, where: str, text: str, transparency: bool = False) -> None:
        item = f"{where}: {text}"
        if item not in self.problems:
            self.problems.append(item)
            if transparency:
                self.transparency.append(text)

    def resources(self, res, where: str) -> None:
        if res is None:
            return
        res = res.get_object()
        key = id(res)
        if key in self._seen:
            return
        self._seen.add(key)
        for cs in (res.get("/ColorSpace") or {}).values():
            bad = _colour_space_problem(cs, self.standard)
            if bad:
                self.add(where, bad)
        for gs in (res.get("/ExtGState") or {}).values():
            self.ext_gstate(gs.get_object(), where)
        for sh in (res.get("/Shading") or {}).values():
            bad = _colour_space_problem(sh.get_object().get("/ColorSpace"), self.standard)
            if bad:
                self.add(where, bad)
        for pat in (res.get("/Pattern") or {}).values():
            pat = pat.get_object()
            if "/Shading" in pat:
                bad = _colour_space_problem(pat["/Shading"].get_object().get("/ColorSpace"), self.standard)
                if bad:
                    self.add(where, bad)
            if "/ExtGState" in pat:
                self.ext_gstate(pat["/ExtGState"].get_object(), where)
            self.resources(pat.get("/Resources"), where)
            if int(pat.get("/PatternType", 0)) == 1:  # a tiling pattern paints with its own content
                self.content(pat, where)
        for xo in (res.get("/XObject") or {}).values():
            self.xobject(xo.get_object(), where)
        for font in (res.get("/Font") or {}).values():
            self.font(font.get_object(), where)

    def ext_gstate(self, gs, where: str) -> None:
        if float(gs.get("/CA", 1)) < 1 or float(gs.get("/ca", 1)) < 1:
            self.add(where, "průhlednost (alfa pod 1)", transparency=True)
        smask = gs.get("/SMask")
        if smask is not None and str(smask) != "/None":
            self.add(where, "průhlednost (měkká maska)", transparency=True)
        from pypdf.generic import ArrayObject

        bm = gs.get("/BM")
        first = bm[0] if isinstance(bm, ArrayObject) and len(bm) else bm
        if bm is not None and str(first) not in ("/Normal", "/Compatible"):
            self.add(where, f"režim prolnutí {first}", transparency=True)

    def xobject(self, xo, where: str) -> None:
        subtype = str(xo.get("/Subtype"))
        if "/SMask" in xo or int(xo.get("/SMaskInData", 0)):
            self.add(where, "obrázek s průhledností", transparency=True)
        if subtype == "/Image":
            if not xo.get("/ImageMask", False):
                bad = _colour_space_problem(xo.get("/ColorSpace", "/DeviceRGB"), self.standard)
                if bad:
                    self.add(where, f"obrázek: {bad}")
        elif subtype == "/Form":
            group = xo.get("/Group")
            if group is not None and str(group.get_object().get("/S")) == "/Transparency":
                self.add(where, "skupina průhlednosti", transparency=True)
            self.resources(xo.get("/Resources"), where)
            self.content(xo, where)
        elif subtype == "/PS":
            self.add(where, "PostScriptový objekt")

    def font(self, font, where: str) -> None:
        subtype = str(font.get("/Subtype"))
        if subtype == "/Type3":
            self.resources(font.get("/Resources"), where)
            for proc in (font.get("/CharProcs") or {}).values():  # each glyph is a content stream
                self.content(proc.get_object(), where)
            return
        if subtype == "/Type0":
            for desc in font.get("/DescendantFonts") or []:
                self.font(desc.get_object(), where)
            return
        fd = font.get("/FontDescriptor")
        fd = fd.get_object() if fd is not None else None
        if fd is None or not any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            self.add(where, f"písmo {font.get('/BaseFont', '?')} není vložené")

    def content(self, owner, where: str) -> None:
        """Colour operators of a content stream: no RGB, no named space outside the standard."""
        from pypdf.generic import ArrayObject, ContentStream

        data = owner.get_contents() if hasattr(owner, "get_contents") else owner
        if data is None:
            return
        stream = data if isinstance(data, ContentStream) else ContentStream(data, None)
        for operands, op in stream.operations:
            if op in (b"rg", b"RG"):
                self.add(where, "barva RGB")
            elif op in (b"cs", b"CS") and operands and str(operands[0]) in ("/DeviceRGB", "/RGB"):
                self.add(where, "barevný prostor DeviceRGB")
            elif op == b"INLINE IMAGE":
                settings = operands.get("settings", {}) if isinstance(operands, dict) else {}
                cs = settings.get("/CS", settings.get("/ColorSpace"))
                if settings.get("/IM", settings.get("/ImageMask", False)) or cs is None:
                    continue
                # a name of the resources is checked with them; a device name or an array here
                inline = isinstance(cs, ArrayObject) or str(cs) in _INLINE_NAMES
                bad = _colour_space_problem(cs, self.standard) if inline else None
                if bad:
                    self.add(where, f"obrázek: {bad}")


def pdfx_problems(path: str | Path, standard: str = "X-1a") -> list[str]:
    """Every broken rule of ``standard`` (``"X-1a"`` or ``"X-3"``) found in the PDF at ``path``,
    in Czech, each naming the page where it applies; an empty list when none is found."""
    from pypdf import PdfReader

    version, conformance = PDFX_STANDARDS[standard]
    reader = PdfReader(path)
    out: list[str] = []
    header = reader.pdf_header.replace("%PDF-", "")
    try:
        if float(header) > 1.3:
            out.append(f"verze PDF {header} (nejvýš 1.3)")
    except ValueError:
        out.append(f"neznámá verze PDF {header!r}")
    if reader.is_encrypted:
        out.append("soubor je šifrovaný")
    if not reader.trailer.get("/ID"):
        out.append("chybí identifikátor dokumentu (ID)")
    info = reader.metadata or {}
    if info.get("/GTS_PDFXVersion") != version:
        out.append(f"GTS_PDFXVersion je {info.get('/GTS_PDFXVersion')!r}, má být {version!r}")
    if conformance and info.get("/GTS_PDFXConformance") != conformance:
        out.append(f"GTS_PDFXConformance je {info.get('/GTS_PDFXConformance')!r}, má být {conformance!r}")
    for key in ("/Title", "/CreationDate", "/ModDate"):
        if not info.get(key):
            out.append(f"chybí údaj {key[1:]}")
    if str(info.get("/Trapped")) not in ("/True", "/False"):
        out.append("Trapped není True ani False")
    root = reader.trailer["/Root"]
    intents = [o.get_object() for o in root.get("/OutputIntents") or []]
    pdfx = [o for o in intents if str(o.get("/S")) == "/GTS_PDFX"]
    if len(pdfx) != 1:
        out.append(f"výstupních záměrů GTS_PDFX je {len(pdfx)}, má být 1")
    else:
        intent = pdfx[0]
        if not intent.get("/OutputConditionIdentifier"):
            out.append("výstupní záměr nemá OutputConditionIdentifier")
        profile = intent.get("/DestOutputProfile")
        if profile is None or int(profile.get_object().get("/N", 0)) != 4:
            out.append("výstupní záměr nemá profil CMYK (DestOutputProfile, N = 4)")
    if "/JavaScript" in (root.get("/Names") or {}) or "/AA" in root:
        out.append("dokument obsahuje skripty")
    for number, page in enumerate(reader.pages, start=1):
        out += [f"strana {number}: {p}" for p in _page_problems(page, standard)]
    return out


def transparency(path: str | Path) -> list[str]:
    """What is transparent in the PDF at ``path`` (alpha, soft masks, blend modes, transparency
    groups), each with its page; empty when nothing is.  Ghostscript would flatten such a page
    into one picture for PDF/X-1a, type and lines included, so the print shop is not given one."""
    from pypdf import PdfReader

    return [f"strana {number}: {text}" for number, page in enumerate(PdfReader(path).pages, start=1)
            for text in _walk_page(page, "X-3", content=False).transparency]


def _walk_page(page, standard: str, content: bool = True) -> _Walker:
    """A page's resources (and, with ``content``, its content stream) walked for ``standard``."""
    walker = _Walker(standard)
    group = page.get("/Group")
    if group is not None and str(group.get_object().get("/S")) == "/Transparency":
        walker.add("obsah", "skupina průhlednosti", transparency=True)
    walker.resources(page.get("/Resources"), "obsah")
    if content:
        walker.content(page, "obsah")
    return walker


def _page_problems(page, standard: str) -> list[str]:
    """The boxes, annotations, colour, transparency and fonts of one page."""
    found: list[str] = []
    media = [float(v) for v in page.mediabox]
    trim, art, bleed = page.get("/TrimBox"), page.get("/ArtBox"), page.get("/BleedBox")
    if (trim is None) == (art is None):
        found.append("má mít TrimBox, nebo ArtBox (ne obojí)")
    inner = [float(v) for v in (trim if trim is not None else art or media)]
    outer = [float(v) for v in bleed] if bleed is not None else media

    def within(a: list[float], b: list[float]) -> bool:
        return a[0] >= b[0] - 1e-3 and a[1] >= b[1] - 1e-3 and a[2] <= b[2] + 1e-3 and a[3] <= b[3] + 1e-3

    if not within(inner, outer) or not within(outer, media):
        found.append("ořezový rámeček musí ležet ve spadávce a ta v rozměru strany")
    if page.get("/Annots"):
        found.append("strana má anotace")
    return found + [p.split(": ", 1)[1] for p in _walk_page(page, standard).problems]
