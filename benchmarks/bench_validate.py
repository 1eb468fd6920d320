"""Benchmark: ``coverage-app validate`` on service templates of growing size (linear time).

Prints seconds and peak memory per file size (no asserts).  The rows are fictional.

    python benchmarks/bench_validate.py            # 1, 6 and 50 MB
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = "id_sluzby,nazev_sluzby,druh,forma,kapacita,jednotka_kapacity,kod_obce,lat,lon\n"


def template(path: Path, megabytes: float) -> int:
    rng = random.Random(1)
    rows = []
    size = len(HEADER)
    i = 0
    while size < megabytes * 1_000_000:
        row = (f"S{i},Domov pro seniory číslo {i} (fiktivní),DruhSocialniSluzby/13,pob,{rng.randint(5, 90)},"
               f"luzka,584282,{49.0 + rng.random() / 10:.5f},{16.6 + rng.random() / 10:.5f}\n")
        rows.append(row)
        size += len(row.encode("utf-8"))
        i += 1
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return i


def main(sizes: list[float]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for mb in sizes:
            path = Path(tmp) / f"sluzby_{mb:g}MB.csv"
            n = template(path, mb)
            t = time.perf_counter()
            proc = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-m", "coverage_app.cli", "validate",
                                   str(path)], capture_output=True, text=True)
            sec = time.perf_counter() - t
            peak_mb = int(proc.stderr.strip().splitlines()[-1]) / 1024 if proc.stderr.strip() else float("nan")
            print(f"{path.stat().st_size / 1e6:6.1f} MB, {n:7,} rows: validate {sec:6.1f} s, peak {peak_mb:6.0f} MB, "
                  f"exit {proc.returncode}")


if __name__ == "__main__":
    main([float(a) for a in sys.argv[1:]] or [1, 6, 50])
