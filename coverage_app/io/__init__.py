"""Readers and writers for the real data formats (one module per format).

* :mod:`~coverage_app.io.municipalities` — obce from GeoPackage, GeoJSON, Shapefile (also zipped)
  and CSV; choosing a district by ORP/POÚ code (ČSÚ or RÚIAN) or name;
* :mod:`~coverage_app.io.population` — ČSÚ population (long format) and simple wide tables;
* :mod:`~coverage_app.io.services` — the project's service template (CSV/XLSX);
* :mod:`~coverage_app.io.rpss` — the MPSV registry ``rpss.json`` and its codelists;
* :mod:`~coverage_app.io.addresses` — RÚIAN address points;
* :mod:`~coverage_app.io.roads` — OSM and road-line files into a routable graph;
* :mod:`~coverage_app.io.download` — official sources into a local cache;
* :mod:`~coverage_app.io.project` — the project GeoPackage.
"""
