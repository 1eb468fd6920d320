"""What a printed map or catalogue says about its data: the date of the data, the sources actually
loaded (with their licences) and who publishes which edition.

``coverage-app import`` records these facts in the project (``meta``): the data date
(``--data-date``, else the date of the services files), the services files and the roads' credit;
``print`` may override the date and add the publisher and the edition.  :class:`Edition` turns them
into the subtitle ("údaje k 1. 9. 2026") and the source line, naming only what was loaded: obec
boundaries of ČÚZK (RÚIAN, CC BY 4.0) only when boundaries are drawn, the MPSV registry only when
a registry file was read, the roads' credit (OpenStreetMap, ODbL) when its roads are drawn or gave
the travel times shown.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from coverage_app.i18n import register, t

__all__ = ["Edition", "files_date", "format_data_date", "parse_data_date"]

register({
    "ed.source": {"cs": "Zdroje: {parts}", "en": "Sources: {parts}"},
    "ed.boundaries": {"cs": "hranice obcí © ČÚZK, RÚIAN (CC BY 4.0)",
                      "en": "obec boundaries © ČÚZK, RÚIAN (CC BY 4.0)"},
    "ed.points": {"cs": "obce jako body (definiční body © ČÚZK, RÚIAN, CC BY 4.0; hranice nenačteny)",
                  "en": "obce as points (definition points © ČÚZK, RÚIAN, CC BY 4.0; no boundaries loaded)"},
    "ed.registry": {"cs": "služby: registr poskytovatelů sociálních služeb MPSV",
                    "en": "services: MPSV register of social service providers"},
    "ed.template": {"cs": "služby: podklady zpracovatele plánu ({files})",
                    "en": "services: the plan's own records ({files})"},
    "ed.fictional": {"cs": "fiktivní služby (ukázková data)", "en": "fictional services (demo data)"},
    "ed.roads": {"cs": "dojezdové doby po silnicích: {credit}", "en": "travel times along roads: {credit}"},
    "ed.roads_drawn": {"cs": "silnice: {credit}", "en": "roads: {credit}"},
    "ed.roads_both": {"cs": "silnice a dojezdové doby po nich: {credit}", "en": "roads and travel times along them: {credit}"},
    "ed.travel": {"cs": "dojezdové doby: {note}", "en": "travel times: {note}"},
    "ed.area": {"cs": "působnost terénních služeb: {note}", "en": "field services' areas: {note}"},
    "ed.publisher": {"cs": "Vydal: {publisher}", "en": "Published by {publisher}"},
    "ed.tool": {"cs": "zpracováno nástrojem coverage-app", "en": "made with coverage-app"},
    "ed.err.date": {"cs": "datum dat „{value}“ není datum (zadejte např. 2026-09-01 nebo 1. 9. 2026)",
                    "en": "the data date \"{value}\" is not a date (give e.g. 2026-09-01 or 1. 9. 2026)"},
})


def format_data_date(value: object, lang: str = "cs") -> str:
    """A data date for print: ``date`` → ``4. 9. 2026`` (cs, non-breaking spaces) or ``2026-09-04``
    (en); text as is; ``""`` for none."""
    if value is None:
        return ""
    if isinstance(value, pd.Timestamp):
        value = value.date()
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value.day}.\u00a0{value.month}.\u00a0{value.year}" if lang == "cs" else value.isoformat()
    return str(value).strip()


def parse_data_date(value: str | dt.date | None) -> dt.date | None:
    """``2026-09-01``, ``1. 9. 2026`` or ``1.9.2026`` → a date; ``None``/``""`` → ``None``.

    Raises ``ValueError`` with a Czech message for anything else.
    """
    if value is None or isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("\u00a0", " ")
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    parts = [p for p in text.replace(" ", "").split(".") if p]
    try:
        if len(parts) == 3:
            return dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        pass
    raise ValueError(t("ed.err.date", "cs", value=text))


def files_date(paths: Sequence[str | Path]) -> dt.date | None:
    """The date of the data in files without a date of their own: the day the oldest of them was
    last written (a registry export, a filled-in template); ``None`` when none exists."""
    days = [dt.date.fromtimestamp(Path(p).stat().st_mtime) for p in paths if Path(p).exists()]
    return min(days) if days else None


@dataclass(frozen=True)
class Edition:
    """The facts a printed output states about its data and its publisher.

    Attributes
    ----------
    data_date : date or None
        The day the services data describe ("údaje k …"); ``None`` when unknown.
    services_files : tuple of str
        Names of the services files loaded (registry ``*.json``, templates ``*.csv``/``*.xlsx``).
    fictional : bool
        The services are made up (the embedded demo).
    roads_credit : str
        Credit and licence of the road network, e.g. "© přispěvatelé OpenStreetMap (ODbL 1.0)".
    publisher, edition : str
        Who publishes it ("Město Židlochovice") and which edition ("1. vydání, září 2026").
    """

    data_date: dt.date | None = None
    services_files: tuple[str, ...] = ()
    fictional: bool = False
    roads_credit: str = ""
    publisher: str = ""
    edition: str = ""

    @classmethod
    def from_meta(cls, meta: Mapping[str, str], **overrides: object) -> "Edition":
        """From a project's ``meta`` (see :func:`to_meta`); ``overrides`` that are not ``None`` win."""
        files = tuple(json.loads(meta["services_files"])) if meta.get("services_files") else ()
        values: dict[str, object] = dict(
            data_date=parse_data_date(meta.get("data_date") or None), services_files=files,
            roads_credit=str(meta.get("roads_attribution", "")), publisher=str(meta.get("publisher", "")),
            edition=str(meta.get("edition", "")))
        values.update({k: v for k, v in overrides.items() if v is not None})
        if isinstance(values.get("data_date"), str):
            values["data_date"] = parse_data_date(str(values["data_date"]))
        return cls(**values)  # type: ignore[arg-type]

    def to_meta(self) -> dict[str, str]:
        """The project ``meta`` entries that keep this edition's data facts."""
        out = {"data_date": self.data_date.isoformat() if self.data_date else "",
               "services_files": json.dumps(list(self.services_files), ensure_ascii=False)}
        if self.publisher:
            out["publisher"] = self.publisher
        if self.edition:
            out["edition"] = self.edition
        return out

    def date_text(self, lang: str = "cs") -> str:
        """``1. 9. 2026`` (with non-breaking spaces) or ``""``."""
        return format_data_date(self.data_date, lang)

    def source_parts(self, lang: str, *, boundaries: bool, fictional: bool = False,
                     travel_note: str | None = None, area_note: str | None = None,
                     roads_drawn: bool = False) -> list[str]:
        """The credits of what this output shows: the obce, the services, the roads drawn
        (``roads_drawn``) and the travel times of a shading (``travel_note``: how they were
        computed); the roads' credit whenever either shows them."""
        parts = [t("ed.boundaries" if boundaries else "ed.points", lang)]
        if fictional or self.fictional:
            parts.append(t("ed.fictional", lang))
        else:
            registry = [f for f in self.services_files if f.lower().endswith(".json")]
            own = [f for f in self.services_files if not f.lower().endswith(".json")]
            if registry:
                parts.append(t("ed.registry", lang))
            if own:
                parts.append(t("ed.template", lang, files=", ".join(own)))
        if self.roads_credit and (roads_drawn or travel_note):
            key = "ed.roads_both" if roads_drawn and travel_note else "ed.roads_drawn" if roads_drawn else "ed.roads"
            parts.append(t(key, lang, credit=self.roads_credit))
        if travel_note:
            parts.append(t("ed.travel", lang, note=travel_note))
        if area_note:
            parts.append(t("ed.area", lang, note=area_note))
        return parts

    def source_line(self, lang: str, *, boundaries: bool, fictional: bool = False,
                    travel_note: str | None = None, area_note: str | None = None, roads_drawn: bool = False) -> str:
        """One line for the foot of a map: sources, publisher and edition, the tool."""
        parts = [t("ed.source", lang, parts="; ".join(self.source_parts(
            lang, boundaries=boundaries, fictional=fictional, travel_note=travel_note, area_note=area_note,
            roads_drawn=roads_drawn)))]
        if self.publisher:
            parts.append(t("ed.publisher", lang, publisher=self.publisher))
        if self.edition:
            parts.append(self.edition)
        parts.append(t("ed.tool", lang))
        return " · ".join(parts)
