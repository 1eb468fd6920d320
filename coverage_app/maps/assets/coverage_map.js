/*
 * coverage-app: Leaflet layers of the planner map and of the public service map.
 *
 * Own code of the coverage-app project (MIT).  Needs Leaflet 1.9 (window.L) and nothing else:
 * no tile server, no plugin, no CDN.  Used by the Streamlit app (through folium) and inlined
 * into the standalone HTML export of the public map.
 *
 * Layers are added to ``map``, which may also be a layer group (e.g. a folium FeatureGroup that
 * the app replaces as a whole when the layers change, without reloading the map).
 *
 *   CoverageMap.obce(map, featureCollection, opts)    obce as polygons or proportional circles
 *   CoverageMap.sites(map, sites, opts)               service sites: colour = kind, shape = form
 *   CoverageMap.areas(map, featureCollection, opts)   isochrones (largest first)
 *   CoverageMap.legend(map, html, opts)               a legend control
 *   CoverageMap.clusters(map, sites, opts)            thousands of sites, clustered on a grid
 *   CoverageMap.home(map, point, opts)                the obec the user searched for
 *   CoverageMap.publicPage(data)                      the standalone public page (HTML export)
 */
(function (root) {
  'use strict';

  var L = root.L;

  function esc(value) {
    return String(value === undefined || value === null ? '' : value)
      .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  }

  /* Outline of a symbol around (0, 0) for a radius r (pixels); null = circle. */
  function shapePoints(shape, r) {
    var s;
    if (shape === 'square') {
      s = r * 0.9;
      return [[-s, -s], [s, -s], [s, s], [-s, s]];
    }
    if (shape === 'triangle') {
      return [[0, -r * 1.2], [r * 1.1, r * 0.8], [-r * 1.1, r * 0.8]];
    }
    if (shape === 'diamond') {
      s = r * 1.25;
      return [[0, -s], [s, 0], [0, s], [-s, 0]];
    }
    return null;
  }

  /* A circle marker that can also be a square, a triangle or a diamond (SVG and canvas). */
  var ShapeMarker = L.CircleMarker.extend({
    options: { shape: 'circle' },
    _updatePath: function () {
      var pts = shapePoints(this.options.shape, this._radius);
      if (!pts) {
        L.CircleMarker.prototype._updatePath.call(this);
        return;
      }
      var renderer = this._renderer;
      var p = this._point;
      var i;
      if (L.Canvas && renderer instanceof L.Canvas) {
        if (!renderer._drawing || this._empty()) { return; }
        var ctx = renderer._ctx;
        ctx.beginPath();
        for (i = 0; i < pts.length; i++) {
          if (i) { ctx.lineTo(p.x + pts[i][0], p.y + pts[i][1]); } else { ctx.moveTo(p.x + pts[i][0], p.y + pts[i][1]); }
        }
        ctx.closePath();
        renderer._fillStroke(ctx, this);
      } else {
        var d = '';
        for (i = 0; i < pts.length; i++) {
          d += (i ? 'L' : 'M') + (p.x + pts[i][0]).toFixed(1) + ' ' + (p.y + pts[i][1]).toFixed(1);
        }
        renderer._setPath(this, this._empty() ? 'M0 0' : d + 'z');
      }
    }
  });

  /* The same symbols as inline SVG (for marker icons and legends). */
  function symbolSvg(shape, fill, size, stroke, dashed) {
    var r = size / 2 - 2;
    var c = size / 2;
    var line = stroke || '#000000';
    var dash = dashed ? ' stroke-dasharray="3 2"' : '';
    var pts = shapePoints(shape, r * 0.85);
    var body;
    if (!pts) {
      body = '<circle cx="' + c + '" cy="' + c + '" r="' + r.toFixed(1) + '"';
    } else {
      body = '<polygon points="' + pts.map(function (q) {
        return (c + q[0]).toFixed(1) + ',' + (c + q[1] + (shape === 'triangle' ? r * 0.15 : 0)).toFixed(1);
      }).join(' ') + '"';
    }
    return '<svg xmlns="http://www.w3.org/2000/svg" width="' + size + '" height="' + size + '" viewBox="0 0 ' +
      size + ' ' + size + '" aria-hidden="true" focusable="false">' + body + ' fill="' + esc(fill) +
      '" stroke="' + esc(line) + '" stroke-width="1.5"' + dash + '/></svg>';
  }

  function fitTo(map, bounds, opts) {
    if (bounds && bounds.isValid && bounds.isValid()) {
      map.fitBounds(bounds, { padding: [20, 20], maxZoom: (opts && opts.maxZoom) || 14 });
    }
  }

  /* Obce: polygons filled by class, or (points only) circles sized by population. */
  function obce(map, fc, opts) {
    opts = opts || {};
    var layer = L.geoJSON(fc, {
      className: 'cm-obec',
      style: function (f) {
        var p = f.properties || {};
        return {
          color: p.sel ? '#000000' : (opts.edge || '#4d4d4d'),
          weight: p.sel ? 3 : (opts.weight || 1),
          fillColor: p.fill || '#ffffff',
          fillOpacity: p.fill ? (opts.fillOpacity || 0.72) : 0.15,
          opacity: 1
        };
      },
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, { radius: (f.properties && f.properties.r) || 6, className: 'cm-obec' });
      },
      onEachFeature: function (f, l) {
        var p = f.properties || {};
        if (opts.labels && p.name && map instanceof L.Map) {
          /* the obec's name just below its point, under the sites (its own pane below the markers);
             shown from zoom opts.labelZoom (a CSS class on the map) */
          if (!map.getPane('cmNames')) { map.createPane('cmNames').style.zIndex = 450; }
          l.bindTooltip(esc(p.name), { permanent: true, direction: 'bottom', offset: [0, 4],
            className: 'cm-obec-name', interactive: false, pane: 'cmNames' });
        } else if (p.tip) {
          l.bindTooltip(p.tip, { sticky: true, direction: 'top' });
        }
        l.on('add', function () {
          var el = l.getElement && l.getElement();
          if (el && p.kod) {
            el.setAttribute('data-kod', p.kod);
            el.setAttribute('aria-label', p.name || p.kod);
          }
        });
      }
    });
    layer.addTo(map);
    if (opts.labels) {
      var real = map instanceof L.Map ? map : (map._map || null);
      var toggle = function () {
        if (!real) { return; }
        var on = real.getZoom() >= (opts.labelZoom || 11);
        real.getContainer().classList.toggle('cm-show-names', on);
        /* names follow their obce when the map is resized or moved (an iframe laid out late) */
        layer.eachLayer(function (l) { var tip = l.getTooltip && l.getTooltip(); if (tip && tip.update) { tip.update(); } });
      };
      if (real) { real.on('zoomend moveend resize viewreset', toggle); toggle(); }
    }
    if (opts.fit) { fitTo(map, layer.getBounds(), opts); }
    return layer;
  }

  /* Service sites: one ShapeMarker each (a district has tens to hundreds of sites). */
  function sites(map, list, opts) {
    opts = opts || {};
    var group = L.featureGroup();
    for (var i = 0; i < list.length; i++) {
      var s = list[i];
      var m = new ShapeMarker([s.la, s.lo], {
        shape: s.s || 'circle',
        radius: s.r || opts.radius || 7,
        color: s.e || '#000000',
        weight: s.w || 1.5,
        dashArray: s.d ? '3 2' : null,
        fillColor: s.c || '#0072b2',
        fillOpacity: s.o === undefined ? 0.95 : s.o,
        className: 'cm-site-mark'
      });
      if (s.tip) { m.bindTooltip(s.tip, { direction: 'top' }); }
      if (s.pop) { m.bindPopup(s.pop, { maxWidth: 320 }); }
      group.addLayer(m);
    }
    group.addTo(map);
    if (opts.fit && list.length) { fitTo(map, group.getBounds(), opts); }
    return group;
  }

  /* Travel-time areas (isochrones), drawn largest first so that smaller ones stay visible. */
  function areas(map, fc, opts) {
    opts = opts || {};
    var feats = (fc.features || []).slice().sort(function (a, b) {
      return (b.properties.minutes || 0) - (a.properties.minutes || 0);
    });
    var layer = L.geoJSON({ type: 'FeatureCollection', features: feats }, {
      interactive: false,
      style: function (f) {
        return { color: f.properties.line || '#333333', weight: 1.5, dashArray: '4 3',
                 fillColor: f.properties.fill || '#999999', fillOpacity: opts.fillOpacity || 0.18 };
      }
    });
    layer.addTo(map);
    return layer;
  }

  /* Shown on the map while it is part of a layer group (a control is not a layer). */
  var ControlLayer = L.Layer.extend({
    initialize: function (control) { this._control = control; },
    onAdd: function (map) { this._control.addTo(map); },
    onRemove: function () { this._control.remove(); }
  });

  /*
   * A legend control in a corner of the map.  Given a layer group instead of a map, the legend
   * comes and goes with the group (the app replaces the group when the layers change).
   */
  function legend(map, html, opts) {
    opts = opts || {};
    var control = L.control({ position: opts.position || 'bottomright' });
    control.onAdd = function () {
      var div = L.DomUtil.create('div', 'cm-legend');
      /* collapsible: a reader folds it away to see the obce under it; folded at first on a small map */
      var open = (map._container || (map._map && map._map._container) || { offsetWidth: 9999 }).offsetWidth > 420;
      div.innerHTML = '<details class="cm-legend-box"' + (open ? ' open' : '') + '><summary>' +
        esc(opts.title || 'Legenda') + '</summary>' + html + '</details>';
      div.setAttribute('role', 'note');
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    if (map instanceof L.Map) {
      control.addTo(map);
      return control;
    }
    var layer = new ControlLayer(control);
    map.addLayer(layer);
    return layer;
  }

  /* The obec the user searched for: a ring with a permanent label. */
  function home(map, point, opts) {
    opts = opts || {};
    var m = L.circleMarker([point.la, point.lo], {
      radius: 11, color: '#000000', weight: 3, fill: false, interactive: false
    }).addTo(map);
    m.bindTooltip(esc(point.name), { permanent: true, direction: 'right', className: 'cm-home-label', offset: [10, 0] });
    if (opts.zoom) { map.setView([point.la, point.lo], opts.zoom); }
    return m;
  }

  function safeUrl(u) {
    var v = String(u || '').trim();
    if (/^https?:\/\/[^\s"'<>]+$/i.test(v)) { return v; }
    if (/^www\.[^\s"'<>:]+$/i.test(v)) { return 'https://' + v; }
    return '';
  }

  function popupHtml(s, texts) {
    var parts = ['<div class="cm-pop"><strong>' + esc(s.n) + '</strong>'];
    if (s.k) { parts.push('<div>' + esc(s.k) + (s.f ? ' · ' + esc(s.f) : '') + '</div>'); }
    if (s.a) { parts.push('<div>' + esc(s.a) + '</div>'); }
    if (s.p) { parts.push('<div>' + esc(texts.phone || 'tel.') + ' <a href="tel:' + esc(String(s.p).replace(/\s+/g, '')) + '">' + esc(s.p) + '</a></div>'); }
    if (s.w) {
      var href = safeUrl(s.w);  // only web addresses become links; anything else stays text
      parts.push('<div>' + (href ? '<a href="' + esc(href) + '" target="_blank" rel="noopener">' + esc(s.w) + '</a>'
                                 : esc(s.w)) + '</div>');
    }
    if (s.h) { parts.push('<div>' + esc(s.h) + '</div>'); }
    parts.push('</div>');
    return parts.join('');
  }

  /*
   * Clustered sites for the public map: on every move the sites in view are binned into a grid of
   * cells (opts.cell pixels); a cell with one site shows the site's symbol, a cell with more shows
   * their number.  Only the markers in view exist, so 7 000 sites stay fluid.  Markers are
   * keyboard-focusable (Tab, Enter opens the popup); a cluster zooms in, or at the largest zoom
   * (or when its sites share one place) lists them in a popup.
   */
  function clusters(map, list, opts) {
    opts = opts || {};
    var texts = opts.texts || {};
    var cell = opts.cell || 60;
    var size = opts.size || 24;
    var layer = L.layerGroup().addTo(map);
    var origin = [];
    var i;
    for (i = 0; i < list.length; i++) {
      origin.push(map.options.crs.latLngToPoint(L.latLng(list[i].la, list[i].lo), 0));
    }

    function single(s) {
      var icon = L.divIcon({
        className: 'cm-site',
        html: symbolSvg(s.s || 'circle', s.c || '#0072b2', size),
        iconSize: [size, size],
        iconAnchor: [size / 2, size / 2],
        popupAnchor: [0, -size / 2]
      });
      return L.marker([s.la, s.lo], { icon: icon, title: s.n, alt: s.n, keyboard: true, riseOnHover: true })
        .bindPopup(popupHtml(s, texts), { maxWidth: 300 });
    }

    function group(members) {
      var lat = 0, lon = 0, same = true, j;
      for (j = 0; j < members.length; j++) {
        lat += list[members[j]].la;
        lon += list[members[j]].lo;
        if (list[members[j]].la !== list[members[0]].la || list[members[j]].lo !== list[members[0]].lo) { same = false; }
      }
      lat /= members.length;
      lon /= members.length;
      var n = members.length;
      var d = n < 10 ? 30 : (n < 100 ? 36 : (n < 1000 ? 44 : 52));
      var label = n + ' ' + (texts.services || 'services');
      var icon = L.divIcon({
        className: 'cm-cluster',
        html: '<span>' + n + '</span>',
        iconSize: [d, d],
        iconAnchor: [d / 2, d / 2]
      });
      /* a cluster stays above single sites, so its count is never covered by an icon */
      var m = L.marker([lat, lon], { icon: icon, title: label, alt: label, keyboard: true, riseOnHover: true,
        zIndexOffset: 1000 });
      if (same || map.getZoom() >= map.getMaxZoom()) {
        var rows = members.slice(0, 50).map(function (k) { return '<li>' + popupHtml(list[k], texts) + '</li>'; });
        if (members.length > 50) { rows.push('<li>…</li>'); }
        m.bindPopup('<ul class="cm-pop-list">' + rows.join('') + '</ul>', { maxWidth: 320, maxHeight: 320 });
      } else {
        m.on('click', function () {
          var b = L.latLngBounds(members.map(function (k) { return [list[k].la, list[k].lo]; }));
          map.fitBounds(b, { padding: [40, 40], maxZoom: map.getMaxZoom() });
        });
      }
      return m;
    }

    function redraw() {
      layer.clearLayers();
      var zoom = map.getZoom();
      var scale = Math.pow(2, zoom);
      var view = map.getPixelBounds();
      var minX = view.min.x - cell, minY = view.min.y - cell, maxX = view.max.x + cell, maxY = view.max.y + cell;
      var cells = {};
      var keys = [];
      for (var k = 0; k < origin.length; k++) {
        var x = origin[k].x * scale, y = origin[k].y * scale;
        if (x < minX || x > maxX || y < minY || y > maxY) { continue; }
        var key = Math.floor(x / cell) + ':' + Math.floor(y / cell);
        if (!cells[key]) { cells[key] = []; keys.push(key); }
        cells[key].push(k);
      }
      for (var q = 0; q < keys.length; q++) {
        var members = cells[keys[q]];
        layer.addLayer(members.length === 1 ? single(list[members[0]]) : group(members));
      }
      if (opts.onRedraw) { opts.onRedraw(keys.length); }
    }

    map.on('zoomend moveend', redraw);
    redraw();
    return layer;
  }

  /*
   * Fit the map to bounds now and again whenever its container changes size (an iframe or a
   * column that is laid out after the map was made), until the user moves the map.
   */
  function fit(map, bounds, opts) {
    opts = opts || {};
    var b = L.latLngBounds(bounds);
    var touched = false;
    var el = map.getContainer();
    function mark() { touched = true; }
    ['mousedown', 'touchstart', 'wheel', 'keydown'].forEach(function (ev) {
      el.addEventListener(ev, mark, { passive: true });
    });
    function refit() {
      map.invalidateSize(false);
      if (touched) { return; }
      if (opts.center) {
        map.setView(opts.center, opts.zoom || 12, { animate: false });
      } else {
        map.fitBounds(b, { padding: [12, 12], animate: false });
      }
    }
    refit();
    if (root.ResizeObserver) {
      new root.ResizeObserver(function () { refit(); }).observe(el);
    }
    return b;
  }

  /* Map without tiles: a plain background; OSM tiles only when asked for (and online). */
  function baseMap(el, data) {
    var map = L.map(el, { zoomControl: true, preferCanvas: false, maxZoom: 18, minZoom: 5 });
    if (data.tiles) {
      L.tileLayer(data.tiles.url, { attribution: data.tiles.attribution, maxZoom: 19 }).addTo(map);
    } else {
      el.classList.add('cm-plain');
      map.attributionControl.addAttribution(data.attribution || '');
    }
    return map;
  }

  /*
   * The standalone public page (HTML export): map with clustered sites, obec search that filters
   * the list (the text alternative of the map), legend.  Without JavaScript the whole list stays.
   */
  function publicPage(data) {
    var el = document.getElementById('cm-map');
    var map = baseMap(el, data);
    if (data.obce && data.obce.features && data.obce.features.length) {
      obce(map, data.obce, { fit: true, fillOpacity: 0.08, edge: '#6b6b6b', labels: true });
    }
    clusters(map, data.sites, { texts: data.texts, cell: 60, size: 24 });
    if (data.bounds) { fit(map, data.bounds); }
    var select = document.getElementById('cm-obec');
    var items = document.querySelectorAll('[data-obce]');
    var count = document.getElementById('cm-count');
    var homeMarker = null;
    function apply() {
      var code = select ? select.value : '';
      var shown = 0;
      for (var i = 0; i < items.length; i++) {
        var codes = items[i].getAttribute('data-obce').split(' ');
        var ok = !code || codes.indexOf(code) >= 0 || items[i].getAttribute('data-all') === '1';
        items[i].hidden = !ok;
        if (ok && items[i].tagName === 'LI') { shown += 1; }
      }
      if (count) { count.textContent = String(shown); }
      if (homeMarker) { map.removeLayer(homeMarker); homeMarker = null; }
      if (code && data.points && data.points[code]) {
        homeMarker = home(map, data.points[code], { zoom: 12 });
      }
    }
    if (select) { select.addEventListener('change', apply); }
    apply();
    return map;
  }

  root.CoverageMap = {
    esc: esc,
    ShapeMarker: ShapeMarker,
    symbolSvg: symbolSvg,
    obce: obce,
    sites: sites,
    areas: areas,
    legend: legend,
    fit: fit,
    home: home,
    clusters: clusters,
    baseMap: baseMap,
    publicPage: publicPage
  };
}(window));
