"""A realistic synthetic service set for a district (for benchmarks; every service is fictional).

Roughly what a Czech ORP of 25 obce has: 2–4 services of each common kind, sites in the larger
obce and in the regional centre outside the district, residential homes with beds, day centres
with clients, field services with declared areas of the 5–15 obce around their base, a few services
with two sites.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from coverage_app.codelists import KINDS
from coverage_app.model import CRS, District, Services

COMMON = ["DruhSocialniSluzby/1", "DruhSocialniSluzby/3", "DruhSocialniSluzby/4", "DruhSocialniSluzby/5",
          "DruhSocialniSluzby/8", "DruhSocialniSluzby/9", "DruhSocialniSluzby/10", "DruhSocialniSluzby/12",
          "DruhSocialniSluzby/13", "DruhSocialniSluzby/14", "DruhSocialniSluzby/15", "DruhSocialniSluzby/17",
          "DruhSocialniSluzby/20", "DruhSocialniSluzby/23", "DruhSocialniSluzby/25", "DruhSocialniSluzby/28",
          "DruhSocialniSluzby/29", "DruhSocialniSluzby/30", "DruhSocialniSluzby/32", "DruhSocialniSluzby/33"]
CAPACITY = {"luzka": (8, 90), "klient": (5, 80), "interv": (4, 20), "kontakt": (5, 30), "hovor": (2, 10)}


def synthetic_services(district: District, neighbours: gpd.GeoDataFrame | None = None, seed: int = 42,
                       per_kind: tuple[int, int] = (1, 4)) -> Services:
    """Fictional services for ``district`` (sites in its obce and in ``neighbours``, EPSG:5514)."""
    rng = np.random.default_rng(seed)
    obce = district.obce
    weights = obce["population"].to_numpy(dtype=float)
    weights = weights / weights.sum()
    outside = neighbours if neighbours is not None and len(neighbours) else None
    services, sites, caps = [], [], []
    n = 0
    for kind_id in COMMON:
        kind = KINDS[kind_id]
        for _ in range(int(rng.integers(per_kind[0], per_kind[1] + 1))):
            n += 1
            sid = f"SYN-{n:03d}"
            form = kind.forms[int(rng.integers(len(kind.forms)))]
            unit = kind.units[0] if form != "pob" or "luzka" not in kind.units else "luzka"
            lo, hi = CAPACITY[unit]
            n_sites = 2 if rng.random() < 0.12 else 1
            area: tuple[str, ...] = ()
            first_site = len(sites)
            for s in range(n_sites):
                if outside is not None and rng.random() < 0.25:
                    row = outside.iloc[int(rng.integers(len(outside)))]
                    x, y, kod = float(row["x"]), float(row["y"]), str(row["kod_obce"])
                else:
                    row = obce.iloc[int(rng.choice(len(obce), p=weights))]
                    x, y, kod = float(row["x"]), float(row["y"]), str(row["kod_obce"])
                sites.append({"service_id": sid, "site_id": f"{sid}-{s + 1}", "form": form, "kod_obce": kod,
                              "site_name": f"místo {s + 1}", "location_method": "coordinates",
                              "geometry": Point(x + rng.normal(0, 250), y + rng.normal(0, 250))})
            if form == "ter":  # the obce around the base, as a real service declares them
                k = int(rng.integers(min(5, len(obce)), min(15, len(obce)) + 1))
                base = sites[first_site]["geometry"]
                d = np.hypot(obce["x"].to_numpy() - base.x, obce["y"].to_numpy() - base.y)
                area = tuple(obce["kod_obce"].to_numpy()[np.argsort(d)[:k]])
            services.append({"service_id": sid, "service_name": f"{kind.name_cs} {n} (fiktivní)", "kind": kind_id,
                             "service_area": area, "fictional": True, "phone": "+420 000 000 000"})
            caps.append({"service_id": sid, "form": form, "unit": unit, "capacity": int(rng.integers(lo, hi + 1))})
    return Services(pd.DataFrame(services), gpd.GeoDataFrame(sites, geometry="geometry", crs=CRS),
                    pd.DataFrame(caps))
