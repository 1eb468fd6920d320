"""Zip archives opened safely: a bomb or a path outside the archive is refused before anything is
expanded.

Every reader that opens a zip (address points, zipped shapefiles, downloaded official data) calls
:func:`open_zip`, which checks the archive's own table of contents: the number of members, the
total size once expanded, each member's compression ratio and its path.  The limits are far above
the real national files (RÚIAN address points: about 6 300 CSV files, under 1 GB expanded, ratios
around 10) and far below what exhausts a municipal laptop.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path, PurePosixPath

from coverage_app.errors import DataError
from coverage_app.i18n import register

__all__ = ["MAX_MEMBERS", "MAX_MEMBER_BYTES", "MAX_RATIO", "MAX_TOTAL_BYTES", "open_zip", "read_member"]

#: Members an archive may hold.
MAX_MEMBERS = 20_000
#: Bytes all members may hold once expanded (3 GB).
MAX_TOTAL_BYTES = 3 * 1024**3
#: Expanded / compressed size of one member above which it is taken for a bomb (members over 1 MB).
MAX_RATIO = 200
#: Bytes one member read into memory may hold (256 MB; RÚIAN's largest file, Prague's, has ~20 MB).
MAX_MEMBER_BYTES = 256 * 1024**2
_CHUNK = 1024**2

register({
    "err.zip_too_many": {"cs": "archiv má {n} souborů (nejvýš {limit})", "en": "the archive holds {n} files (at most {limit})"},
    "err.zip_too_big": {"cs": "archiv by po rozbalení měl {gb} GB (nejvýš {limit} GB); nerozbaluje se",
                        "en": "the archive would expand to {gb} GB (at most {limit} GB); it is not expanded"},
    "err.zip_bomb": {"cs": "soubor {member} v archivu by se rozbalil {ratio}× (nejvýš {limit}×): archiv vypadá jako "
                           "„zip bomba“ a nerozbaluje se",
                     "en": "the member {member} would expand {ratio}× (at most {limit}×): the archive looks like a "
                           "zip bomb and is not expanded"},
    "err.zip_path": {"cs": "soubor {member} v archivu míří mimo archiv (../ nebo absolutní cesta); archiv se nepoužije",
                     "en": "the member {member} points outside the archive (../ or an absolute path); the archive is "
                           "not used"},
    "err.zip_encrypted": {"cs": "soubor {member} v\u00a0archivu je chráněn heslem; uložte archiv bez hesla",
                          "en": "the member {member} is protected by a password; save the archive without one"},
    "err.zip_member_too_big": {
        "cs": "soubor {member} v\u00a0archivu má po rozbalení přes {mb} MB (nejvýš {mb} MB na soubor); nerozbaluje se",
        "en": "the member {member} expands to more than {mb} MB (at most {mb} MB per file); it is not expanded"},
    "err.zip_member_lies": {
        "cs": "soubor {member} v\u00a0archivu se rozbaluje na víc dat, než archiv uvádí ({size} B); archiv je "
              "poškozený nebo podvržený",
        "en": "the member {member} expands to more data than the archive states ({size} B); the archive is damaged "
              "or forged"},
    "err.zip_member_broken": {"cs": "soubor {member} v\u00a0archivu je poškozený a nejde rozbalit (technicky: {detail})",
                              "en": "the member {member} is damaged and cannot be expanded (technically: {detail})"},
})


def open_zip(path: str | Path, name: str | None = None) -> zipfile.ZipFile:
    """Open ``path`` after checking its table of contents (raises :class:`DataError` naming the
    file and, where it is one member's fault, the member)."""
    path = Path(path)
    name = name or path.name
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataError.single(name, None, None, "err.unreadable", detail=str(exc)) from None
    infos = zf.infolist()
    try:
        if len(infos) > MAX_MEMBERS:
            raise DataError.single(name, None, None, "err.zip_too_many", n=len(infos), limit=MAX_MEMBERS)
        total = sum(i.file_size for i in infos)
        if total > MAX_TOTAL_BYTES:
            raise DataError.single(name, None, None, "err.zip_too_big", gb=f"{total / 1024**3:.1f}".replace(".", ","),
                                   limit=f"{MAX_TOTAL_BYTES / 1024**3:.0f}")
        for i in infos:
            p = PurePosixPath(i.filename.replace("\\", "/"))
            if p.is_absolute() or ".." in p.parts:
                raise DataError.single(name, None, None, "err.zip_path", member=i.filename)
            if i.flag_bits & 0x1:
                raise DataError.single(name, None, None, "err.zip_encrypted", member=i.filename)
            if i.file_size > 1024**2 and i.file_size > MAX_RATIO * max(i.compress_size, 1):
                raise DataError.single(name, None, None, "err.zip_bomb", member=i.filename,
                                       ratio=i.file_size // max(i.compress_size, 1), limit=MAX_RATIO)
    except DataError:
        zf.close()
        raise
    return zf


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str,
                max_bytes: int = MAX_MEMBER_BYTES) -> bytes:
    """The bytes of one member of an archive opened with :func:`open_zip`, read in 1 MB pieces so
    that memory never exceeds what the member may hold: a member over ``max_bytes`` (declared or
    found while expanding), one that expands beyond its declared size, and a damaged member (bad
    CRC, broken compressed data) raise :class:`DataError` naming the archive and the member."""
    mb = max_bytes // 1024**2
    if info.file_size > max_bytes:
        raise DataError.single(name, None, None, "err.zip_member_too_big", member=info.filename, mb=mb)
    parts: list[bytes] = []
    size = 0
    try:
        with zf.open(info) as fh:
            while True:
                piece = fh.read(_CHUNK)
                if not piece:
                    break
                size += len(piece)
                if size > max_bytes:
                    raise DataError.single(name, None, None, "err.zip_member_too_big", member=info.filename, mb=mb)
                if size > info.file_size:
                    raise DataError.single(name, None, None, "err.zip_member_lies", member=info.filename,
                                           size=info.file_size)
                parts.append(piece)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise DataError.single(name, None, None, "err.zip_member_broken", member=info.filename,
                               detail=str(exc)) from None
    return b"".join(parts)
