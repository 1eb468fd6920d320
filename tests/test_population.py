"""Population readers: ČSÚ long format (census and demographic sets) and wide tables."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coverage_app.codelists import DEFAULT_AGE_SHARES
from coverage_app.errors import DataError, Report
from coverage_app.io.municipalities import load_district
from coverage_app.io.population import (
    BAND_COLUMNS,
    groups_to_bands,
    parse_age_code,
    parse_age_label,
    read_age_shares,
    read_population,
)

DEMO_OBCE = Path(__file__).resolve().parents[1] / "geodata" / "obce_seed_districts.csv"

CENSUS_HEADER = ["idhod", "hodnota", "ukaz_kod", "vek_cis", "vek_kod", "pohlavi_cis", "pohlavi_kod", "uzemi_cis",
                 "uzemi_kod", "sldb_rok", "sldb_datum", "ukaz_txt", "vek_txt", "pohlavi_txt", "uzemi_txt",
                 "uzemi_typ"]
DEMO_HEADER = ["idhod", "hodnota", "stapro_kod", "pohlavi_cis", "pohlavi_kod", "vek_cis", "vek_kod", "vuzemi_cis",
               "vuzemi_kod", "casref_do", "pohlavi_txt", "vek_txt", "vuzemi_txt"]


def _vek5_label(lo: int, hi: int | None) -> str:
    if hi is None:
        return f"{lo} a více let"
    return f"{lo} - {hi} {'roky' if lo == 0 else 'let'}"


def _census(path: Path, groups: list[tuple[int, int | None]], values: dict[str, list[int]], *,
            sexes: bool = True, totals: bool = True, encoding: str = "utf-8", extra_orp: bool = True) -> Path:
    """A census-style file (like sldb2021_vek5_pohlavi.csv) with made-up numbers.

    ``values[obec]`` holds both sexes per group; men get half (rounded down), women the rest.
    """
    rows = []
    n = 1
    places = [("43", code, "obec") for code in values]
    if extra_orp:
        places.append(("65", "6221", "správní obvod ORP"))
        values = {**values, "6221": [v * 10 for v in next(iter(values.values()))]}
    for cis, code, typ in places:
        vals = values[code]
        per_sex = {"": vals, "1": [v // 2 for v in vals], "2": [v - v // 2 for v in vals]}
        for sex in (["", "1", "2"] if sexes else ["1", "2"]):
            stxt = {"": "", "1": "muž", "2": "žena"}[sex]
            for (lo, hi), v in zip(groups, per_sex[sex]):
                rows.append([n, v, "3162", "1035", f"{lo:03d}", "102", sex, cis, code, "2021", "2021-03-26",
                             "Počet obyvatel", _vek5_label(lo, hi), stxt, f"Území {code}", typ])
                n += 1
            if totals:
                rows.append([n, sum(per_sex[sex]), "3162", "", "", "102", sex, cis, code, "2021", "2021-03-26",
                             "Počet obyvatel", "", stxt, f"Území {code}", typ])
                n += 1
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_NONNUMERIC)
        w.writerow(CENSUS_HEADER)
        w.writerows(rows)
    return path


VEK5 = [(a, a + 4) for a in range(0, 100, 5)] + [(100, None)]
VEK10 = [(a, a + 9) for a in range(0, 100, 10)] + [(100, None)]


def test_census_vek5_gives_exact_bands(tmp_path: Path) -> None:
    vals = {"584282": list(range(10, 31)), "583031": [2] * 21}
    pop = read_population(_census(tmp_path / "sldb2021_vek5_pohlavi.csv", VEK5, vals))
    assert list(pop.index) == ["583031", "584282"]  # ORP rows (uzemi_cis 65) left out
    assert pop.index.name == "kod_obce"
    row = pop.loc["584282"]
    v = vals["584282"]
    assert row["population"] == sum(v)
    assert row["pop_0_4"] == v[0]
    assert row["pop_5_14"] == v[1] + v[2]
    assert row["pop_25_64"] == sum(v[5:13])
    assert row["pop_65_79"] == sum(v[13:16])
    assert row["pop_80p"] == sum(v[16:])
    assert not pop["age_estimated"].any()
    assert pop.attrs["reference_date"] == "2021-03-26"
    assert pop.attrs["estimated_bands"] == [] and pop.attrs["age_shares"] is None
    assert "ČSÚ" in pop.attrs["source"]
    np.testing.assert_allclose(pop[list(BAND_COLUMNS)].sum(axis=1), pop["population"])


def test_census_in_windows_1250_with_only_men_and_women(tmp_path: Path) -> None:
    vals = {"584282": list(range(1, 22))}
    path = _census(tmp_path / "vek5.csv", VEK5, vals, sexes=False, encoding="cp1250")
    pop = read_population(path)
    assert pop.loc["584282", "population"] == sum(vals["584282"])
    assert pop.loc["584282", "pop_80p"] == sum(vals["584282"][16:])


def test_census_vek10_splits_straddling_groups_and_flags_them(tmp_path: Path) -> None:
    vals = {"584282": [100, 110, 120, 130, 140, 150, 160, 170, 80, 20, 1]}
    pop = read_population(_census(tmp_path / "sldb2021_vek10_pohlavi.csv", VEK10, vals))
    row = pop.loc["584282"]
    assert row["age_estimated"]
    assert row["population"] == pytest.approx(sum(vals["584282"]))
    assert row[list(BAND_COLUMNS)].sum() == pytest.approx(row["population"])
    assert row["pop_80p"] == 80 + 20 + 1  # 80–89, 90–99, 100+ lie inside 80+
    # 70–79 is inside 65–79; 60–69 is split, so 65–79 lies between 170 and 170 + 160
    assert 170 < row["pop_65_79"] < 170 + 160
    assert set(pop.attrs["estimated_bands"]) == {"0_4", "5_14", "15_24", "25_64", "65_79"}
    assert pop.attrs["age_shares"] == pytest.approx(DEFAULT_AGE_SHARES, rel=1e-6)


def test_demographic_set_with_codelist_7700_and_several_dates(tmp_path: Path) -> None:
    codes = {(0, 4): "400000600005000", (5, 9): "400005610010000", (10, 14): "410010610015000",
             (15, 64): None, (65, 84): None, (85, None): "410085799999000"}
    rows = []
    n = 1
    for date, factor in (("2019-12-31", 1), ("2020-12-31", 2)):
        for (lo, hi), code in codes.items():
            if code is None:
                continue
            txt = (f"Od {lo} (více nebo rovno {lo})" if hi is None
                   else f"{lo} až {hi + 1} (více nebo rovno {lo} a méně než {hi + 1})")
            rows.append([n, 10 * factor, "2406", "", "", "7700", code, "43", "584282", date, "", txt,
                         "Židlochovice"])
            n += 1
        rows.append([n, 100 * factor, "2406", "", "", "", "", "43", "584282", date, "", "", "Židlochovice"])
        n += 1
    path = tmp_path / "130142.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(DEMO_HEADER)
        w.writerows(rows)
    pop = read_population(path)
    row = pop.loc["584282"]
    assert pop.attrs["reference_date"] == "2020-12-31"
    assert row["population"] == 200
    assert row["pop_0_4"] == 20 and row["pop_5_14"] == 40
    # 85+ is inside 80+; the rest (200 - 80 = 120 people of 15–84) is spread by the shares
    assert row["pop_80p"] > 20
    assert row[list(BAND_COLUMNS)].sum() == pytest.approx(200)
    assert row["age_estimated"]


@pytest.mark.parametrize("label, expected", [
    ("0 - 4 roky", (0, 4)),
    ("5 - 9 let", (5, 9)),
    ("100 a více let", (100, None)),
    ("85 a více let", (85, None)),
    ("0 až 4 roky", (0, 4)),
    ("0 až 5 (více nebo rovno 0 a méně než 5)", (0, 4)),
    ("Od 95 (více nebo rovno 95)", (95, None)),
    ("<0 - 5)", (0, 4)),
    ("<85 - N)", (85, None)),
    ("65+", (65, None)),
    ("80+", (80, None)),
    ("pop_0_4", (0, 4)),
    ("pop_80p", (80, None)),
    ("0–14", (0, 14)),
    ("15–64", (15, 64)),
    ("65 a více", (65, None)),
    ("65-79", (65, 79)),
    ("obyvatel", None),
    ("2020", None),
    ("kod_obce", None),
])
def test_parse_age_label(label: str, expected: tuple | None) -> None:
    assert parse_age_label(label) == expected


def test_parse_age_code() -> None:
    assert parse_age_code("400000600005000") == (0, 4)
    assert parse_age_code("410080610085000") == (80, 84)
    assert parse_age_code("410095799999000") == (95, None)
    assert parse_age_code("1035") is None


def test_wide_three_groups_keeps_65_plus_and_estimates_80_plus(tmp_path: Path) -> None:
    path = tmp_path / "obce.csv"
    path.write_text("KOD_OBEC;NAZ_OBEC;POCET_OBYVATEL;0–14;15–64;65 a více\n"
                    "584282;Židlochovice;1000;160;640;200\n583031;Holasice;500;80;320;100\n", encoding="utf-8")
    pop = read_population(path)
    row = pop.loc["584282"]
    assert row["pop_65_79"] + row["pop_80p"] == pytest.approx(200)
    sh = DEFAULT_AGE_SHARES
    assert row["pop_80p"] == pytest.approx(200 * sh["80p"] / (sh["65_79"] + sh["80p"]))
    assert row["pop_0_4"] + row["pop_5_14"] == pytest.approx(160)
    assert pop["age_estimated"].all()


def test_wide_nested_65_and_80_with_blank_cells_and_user_shares(tmp_path: Path) -> None:
    path = tmp_path / "obce.csv"
    path.write_text("kod_obce,obyvatel,65+,80+\n584282,1000,200,50\n583031,500,,\n", encoding="utf-8")
    shares = {"0_4": 0.1, "5_14": 0.1, "15_24": 0.1, "25_64": 0.5, "65_79": 0.1, "80p": 0.1}
    pop = read_population(path, age_shares=shares)
    a = pop.loc["584282"]
    assert a["pop_65_79"] == pytest.approx(150) and a["pop_80p"] == pytest.approx(50)
    assert a["pop_0_4"] == pytest.approx(800 * 0.1 / 0.8)
    b = pop.loc["583031"]  # no age data: all from the shares
    assert b["pop_80p"] == pytest.approx(50) and b["pop_25_64"] == pytest.approx(250)
    assert pop.attrs["age_shares"] == pytest.approx(shares)


def test_wide_exact_bands_are_not_estimated_and_xlsx_works(tmp_path: Path) -> None:
    frame = pd.DataFrame({"kod": ["584282"], "pocet_obyvatel": [1000], "pop_0_4": [50], "pop_5_14": [100],
                          "pop_15_24": [100], "pop_25_64": [550], "pop_65_79": [150], "pop_80p": [50]})
    path = tmp_path / "obce.xlsx"
    frame.to_excel(path, index=False)
    pop = read_population(path)
    assert not pop["age_estimated"].any()
    assert pop.loc["584282", "pop_80p"] == 50


def test_rest_inside_one_band_is_exact(tmp_path: Path) -> None:
    path = tmp_path / "obce.csv"
    path.write_text("kod_obce;obyvatel;0-4;5-14;15-24;25-64;65-79\n584282;1000;50;100;100;550;150\n",
                    encoding="utf-8")
    pop = read_population(path)
    assert pop.loc["584282", "pop_80p"] == 50
    assert not pop.loc["584282", "age_estimated"]


def test_sum_mismatch_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "obce.csv"
    path.write_text("kod_obce;obyvatel;0-14;15-64;65+\n584282;1000;100;600;200\n", encoding="utf-8")
    warnings = Report()
    read_population(path, warnings=warnings)
    assert [p.code for p in warnings.problems] == ["warn.population_sum_mismatch"]
    assert warnings.problems[0].row == 2


def test_totals_only_file_and_obce_filter(tmp_path: Path) -> None:
    path = tmp_path / "obce_pocet_obyvatel_2020-01-01.csv"
    path.write_text("KOD_OBEC,NAZ_OBEC,POCET_OBYVATEL\n584282,Židlochovice,3 879\n583031,Holasice,1000\n",
                    encoding="utf-8")
    pop = read_population(path, obce={"584282"})
    assert list(pop.columns) == ["population"]
    assert pop.loc["584282", "population"] == 3879
    assert pop.attrs["reference_date"] == "2020-01-01"


def test_validation_errors_name_file_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "spatne.csv"
    path.write_text("kod_obce;obyvatel;65+\n584282;abc;10\n58428;100;10\n583031;-5;1\n583031;10;1\n",
                    encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_population(path)
    found = {(p.row, p.column, p.code) for p in info.value.problems}
    assert (2, "obyvatel", "err.not_a_number") in found
    assert (3, "kod_obce", "err.bad_obec_code") in found
    assert (4, "obyvatel", "err.negative") in found
    assert (5, "kod_obce", "err.duplicate_code") in found
    text = info.value.format("cs")
    assert "soubor spatne.csv, řádek 2, sloupec „obyvatel“" in text and "není číslo" in text
    assert "is not a number" in info.value.format("en")


def test_long_format_errors(tmp_path: Path) -> None:
    path = _census(tmp_path / "vek5.csv", VEK5, {"584282": [1] * 21}, extra_orp=False)
    text = path.read_text(encoding="utf-8").replace('"10 - 14 let"', '"deset až čtrnáct"', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_population(path)
    assert info.value.problems[0].code == "err.bad_age_group"
    assert info.value.problems[0].column == "vek_txt"
    # a repeated row of the same obec, date, age and sex
    path2 = _census(tmp_path / "dup.csv", VEK5, {"584282": [1] * 21}, extra_orp=False)
    lines = path2.read_text(encoding="utf-8").splitlines()
    path2.write_text("\n".join(lines + [lines[1]]) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as info2:
        read_population(path2)
    assert info2.value.problems[0].code == "err.duplicate_code"
    assert info2.value.problems[0].row == len(lines) + 1
    # no obce at all
    path3 = tmp_path / "jen_orp.csv"
    path3.write_text("idhod,hodnota,uzemi_cis,uzemi_kod\n1,5,65,6221\n", encoding="utf-8")
    with pytest.raises(DataError) as info3:
        read_population(path3)
    assert info3.value.problems[0].code == "err.population_no_obce"


def test_several_indicators_need_a_choice(tmp_path: Path) -> None:
    path = tmp_path / "ukazatele.csv"
    path.write_text("idhod,hodnota,ukaz_kod,uzemi_cis,uzemi_kod\n1,5,1111,43,584282\n2,6,2222,43,584282\n",
                    encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_population(path)
    assert info.value.problems[0].code == "err.population_indicators"
    pop = read_population(path, indicator="2222")
    assert pop.loc["584282", "population"] == 6


def test_groups_to_bands_splits_by_shares() -> None:
    bands, est = groups_to_bands({(65, None): [100.0]}, total=[1000.0])
    sh = DEFAULT_AGE_SHARES
    assert bands["pop_80p"].iloc[0] == pytest.approx(100 * sh["80p"] / (sh["65_79"] + sh["80p"]))
    assert bands.sum(axis=1).iloc[0] == pytest.approx(1000)
    assert est.all()


def test_read_age_shares(tmp_path: Path) -> None:
    path = tmp_path / "podily.csv"
    path.write_text("skupina;podil\n0–4;5,0 %\n5–14;10 %\n15–24;10 %\n25–64;50 %\n65–79;15 %\n80+;10 %\n",
                    encoding="utf-8")
    shares = read_age_shares(path)
    assert shares["80p"] == pytest.approx(0.10) and sum(shares.values()) == pytest.approx(1)
    path2 = tmp_path / "podily2.csv"
    path2.write_text("band,share\n0_4,0.05\n5_14,0.1\n15_24,0.1\n25_64,0.5\n65_79,0.15\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_age_shares(path2)
    assert info.value.problems[0].code == "err.age_shares_missing_band"
    path3 = tmp_path / "podily3.csv"
    path3.write_text("band,share\n0_4,0.05\n5_14,0.1\n15_24,0.1\n25_64,0.5\n65_79,0.15\n80p,0.5\n",
                     encoding="utf-8")
    with pytest.raises(DataError) as info3:
        read_age_shares(path3)
    assert info3.value.problems[0].code == "err.age_shares_sum"


def test_district_takes_bands_source_and_shares(tmp_path: Path) -> None:
    vals = {"584282": list(range(10, 31)), "583031": [2] * 21}
    pop = read_population(_census(tmp_path / "sldb2021_vek5_pohlavi.csv", VEK5, vals))
    district = load_district(DEMO_OBCE, "ORP:6221", population=pop)
    obce = district.obce.set_index("kod_obce")
    assert obce.loc["584282", "pop_80p"] == sum(vals["584282"][16:])
    assert not obce.loc["584282", "age_estimated"]
    assert obce.loc["582859", "age_estimated"]  # not in the file: estimated from its total
    assert "sldb2021_vek5_pohlavi.csv" in district.population_source
    # shares used for the estimate travel with the table
    shares = {"0_4": 0.1, "5_14": 0.1, "15_24": 0.1, "25_64": 0.5, "65_79": 0.1, "80p": 0.1}
    wide = tmp_path / "w.csv"
    wide.write_text("kod_obce,obyvatel,65+\n584282,1000,200\n", encoding="utf-8")
    pop2 = read_population(wide, age_shares=shares)
    d2 = load_district(DEMO_OBCE, "ORP:6221", population=pop2)
    assert d2.age_shares == pytest.approx(shares)
    assert d2.obce.set_index("kod_obce").loc["584282", "pop_80p"] == pytest.approx(100)


@pytest.mark.realdata
def test_real_population_table_loads(realdata) -> None:  # noqa: ANN001
    path = realdata("covidvobcich", "obce_pocet_obyvatel_2020-01-01.csv")
    pop = read_population(path)
    assert len(pop) == 6258
    assert pop["population"].sum() == 10_693_939
    district = load_district(DEMO_OBCE, "ORP:6221", population=pop)
    assert district.total_population == 33_816
    assert district.age_is_estimated
