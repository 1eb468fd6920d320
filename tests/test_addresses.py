"""RÚIAN address points: per-obec CSV files (Windows-1250, ``;``) and the national zip."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from coverage_app.errors import DataError, Report
from coverage_app.io.addresses import RUIAN_HEADER, member_obec, read_address_points

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ZIDLOCHOVICE = FIXTURES / "20260831_OB_584282_ADR.csv"
HOLASICE = FIXTURES / "20260831_OB_583031_ADR.csv"  # older header (Kód MOP; Název MOP)
HEADER = ";".join(RUIAN_HEADER)


def _write(path: Path, lines: list[str]) -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1250"))
    return path


def test_fixture_files_are_windows_1250() -> None:
    raw = ZIDLOCHOVICE.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert raw.decode("cp1250").startswith("Kód ADM;Kód obce;Název obce;")


def test_reads_coordinates_and_attributes() -> None:
    warnings = Report()
    pts = read_address_points([ZIDLOCHOVICE, HOLASICE], warnings=warnings)
    assert pts.index.name == "kod_adm"
    assert all(isinstance(i, str) for i in pts.index)
    a = pts.loc["90000001"]
    # positive Y/X in the file; EPSG:5514 x = -Y, y = -X
    assert (a["x"], a["y"]) == pytest.approx((-599242.76, -1178029.78))
    assert (a["kod_obce"], a["nazev_obce"], a["street"], a["house_number"], a["orientation_number"], a["psc"]) == (
        "584282", "Židlochovice", "Náměstí Míru", "11", "2", "66701")
    assert pts.loc["90000007", "orientation_number"] == "5a"
    assert pts.loc["90000003", "nazev_obce"] == "Holasice"  # old header accepted
    # a row without coordinates is kept, counted and reported once
    assert np.isnan(pts.loc["90000009", "x"]) and pts.attrs["without_coordinates"] == 1
    assert [p.code for p in warnings.problems] == ["warn.ruian_without_coordinates"]
    assert len(pts) == 8


def test_codes_filter_and_folder_input(tmp_path: Path) -> None:
    pts = read_address_points(FIXTURES, codes=[90000001, "90000003"])
    assert sorted(pts.index) == ["90000001", "90000003"]


def test_national_zip_reads_only_the_obce_asked_for(tmp_path: Path) -> None:
    archive = tmp_path / "20260831_OB_ADR_csv.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.write(ZIDLOCHOVICE, f"CSV/{ZIDLOCHOVICE.name}")
        zf.write(HOLASICE, f"CSV/{HOLASICE.name}")
        # a member that would fail if it were read
        zf.writestr("CSV/20260831_OB_500011_ADR.csv", "this is not an address file".encode("cp1250"))
    pts = read_address_points(archive, obce={"584282"})
    assert set(pts["kod_obce"]) == {"584282"}
    assert pts.attrs["files"] == [f"{archive.name}/CSV/{ZIDLOCHOVICE.name}"]
    with pytest.raises(DataError) as info:
        read_address_points(archive)
    p = info.value.problems[0]
    assert p.code == "err.ruian_header" and p.file.endswith("20260831_OB_500011_ADR.csv") and p.row == 1


def test_member_obec() -> None:
    assert member_obec("CSV/20260831_OB_584282_ADR.csv") == "584282"
    assert member_obec("readme.txt") is None


def test_wrong_header_and_bad_numbers(tmp_path: Path) -> None:
    bad_header = _write(tmp_path / "20260831_OB_584282_ADR.csv",
                        [HEADER.replace("Souřadnice Y", "Y"), "1;584282;Obec;;;;;1;Obec;;;č.p.;1;;;66701;1;2;x"])
    with pytest.raises(DataError) as info:
        read_address_points(bad_header)
    p = info.value.problems[0]
    assert (p.code, p.row, p.column) == ("err.ruian_header", 1, "Y")
    assert "sloupec 17 má být „Souřadnice Y“" in info.value.format("cs")
    bad_numbers = _write(tmp_path / "20260831_OB_583031_ADR.csv", [
        HEADER,
        "90000020;583031;Holasice;;;;;1;Holasice;;;č.p.;1;;;66401;599700,5;1174200,25;2020-01-01T00:00:00",
        "90000021;583031;Holasice;;;;;1;Holasice;;;č.p.;2;;;66401;59970x;1174200;2020-01-01T00:00:00",
        "9000002A;583031;Holasice;;;;;1;Holasice;;;č.p.;3;;;66401;599700;1174200;2020-01-01T00:00:00",
        "90000023;58303;Holasice;;;;;1;Holasice;;;č.p.;4;;;66401;99700;174200;2020-01-01T00:00:00",
    ])
    with pytest.raises(DataError) as info2:
        read_address_points(bad_numbers)
    found = {(p.row, p.column, p.code) for p in info2.value.problems}
    assert (3, "Souřadnice Y", "err.not_a_number") in found
    assert (4, "Kód ADM", "err.not_an_integer") in found
    assert (5, "Kód obce", "err.bad_obec_code") in found
    assert (5, "Souřadnice Y", "err.outside_czechia") in found
    assert (2, "Souřadnice Y", "err.not_a_number") not in found  # a decimal comma is fine


def test_duplicate_address_code_across_files(tmp_path: Path) -> None:
    copy = tmp_path / "20260901_OB_584282_ADR.csv"
    copy.write_bytes(ZIDLOCHOVICE.read_bytes())
    with pytest.raises(DataError) as info:
        read_address_points([ZIDLOCHOVICE, copy])
    assert info.value.problems[0].code == "err.duplicate_code"


def test_missing_file() -> None:
    with pytest.raises(DataError) as info:
        read_address_points(FIXTURES / "neni.csv")
    assert info.value.problems[0].code == "err.file_not_found"
