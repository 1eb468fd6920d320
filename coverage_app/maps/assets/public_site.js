/*
 * coverage-app: the static public website "Kde najdu pomoc?" (coverage-app export public-site).
 *
 * Own code of the coverage-app project (MIT).  Reads window.COVERAGE_DATA (data/sluzby.js),
 * needs Leaflet and coverage_map.js; no request leaves the site.  The search ignores diacritics
 * and case and also finds parts of obce; the cards are the app's (their fixed parts come as HTML
 * from the data, the how-and-how-long line is made here from numbers and the page's texts).
 */
(function (root) {
  'use strict';

  var D = root.COVERAGE_DATA;
  var CM = root.CoverageMap;
  var T = D.texts;

  function norm(s) {
    return String(s || '').normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
      .replace(/\s+/g, ' ').trim();
  }
  function fill(text, params) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return params[k] !== undefined ? params[k] : m; });
  }
  function num(v, digits) {
    var s = Number(v).toFixed(digits);
    return D.lang === 'cs' ? s.replace('.', ',') : s;
  }
  function plural(n, word) {
    var f = D.plurals[word];
    var form = D.lang === 'cs' ? (n === 1 ? f[0] : (n >= 2 && n <= 4 ? f[1] : f[2])) : (n === 1 ? f[0] : f[1]);
    return n + '\u00a0' + form;
  }
  function cap(s) { return s ? s.charAt(0).toUpperCase() + s.slice(1) : s; }

  /* Obce matching what was typed: exact name, name start, word start, inside the name, a part. */
  function find(q) {
    q = norm(q);
    if (!q) { return []; }
    var scored = [];
    D.obce.forEach(function (o, i) {
      var n = o.key, s = -1;
      if (n === q) { s = 0; } else if (n.indexOf(q) === 0) { s = 1; }
      else if (n.split(/[\s-]+/).some(function (w) { return w.indexOf(q) === 0; })) { s = 2; }
      else if (n.indexOf(q) >= 0) { s = 3; }
      else if (o.parts.some(function (p) { return p.indexOf(q) >= 0; })) { s = 4; }
      if (s >= 0) { scored.push([s, i, o]); }
    });
    scored.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    return scored.slice(0, 8).map(function (x) { return x[2]; });
  }

  function timesLine(r) {
    var parts = [];
    if (r[2] !== null) {
      parts.push(fill(D.mode === 'walk' ? T['pub.travel_walk'] : T['pub.travel'],
        { minutes: num(Math.max(1, r[2]), 0), km: num(r[3] || 0, 1) }));
    }
    if (r[4] !== null) {
      var bus;
      if (r[5] !== null && r[5] < 0) { bus = fill(T['pt.walk_only'], { minutes: num(Math.max(1, r[4]), 0) }); }
      else {
        bus = fill(T['pt.there'], { minutes: num(Math.max(1, r[4]), 0) }) +
          (r[5] > 0 ? ' (' + plural(r[5], 'transfer') + ')' : T['pt.direct']);
      }
      parts.push(cap(bus));
    }
    if (r[6] !== null && D.mode !== 'walk') { parts.push(cap(fill(T['pub.walk'], { minutes: num(Math.max(1, r[6]), 0) }))); }
    if (!parts.length) { return ''; }
    return '<div class="cm-times">' + parts.map(function (p) {
      return '<span>' + CM.esc(p.replace(/(\d) (\d)/g, '$1\u00a0$2')) + '</span>';
    }).join(' · ') + '</div>';
  }

  function card(r) {
    var s = D.services[r[0]];
    var how = '<div class="cm-how cm-how-' + CM.esc(r[1]) + '">' + CM.esc(T['pub.how.' + r[1]]) + '</div>';
    var times = (r[1] === 'visit' || r[1] === 'live') ? timesLine(r) : '';
    return '<li class="cm-item">' + s.head + how + times + s.rest + '</li>';
  }

  function secretHtml() {
    if (!D.secret.length) { return ''; }
    var items = D.secret.map(function (x) {
      var tel = x.phone.replace(/[^\d+]/g, '');
      return '<li class="cm-item"><h3>' + CM.esc(x.name) + '</h3><div class="cm-kind">' + CM.esc(x.kind) +
        '</div><div>' + CM.esc(x.address) + '</div>' + (x.phone ? '<a class="cm-call" href="tel:' + CM.esc(tel) +
        '">\u260e ' + CM.esc(x.phone.replace(/(\d) (\d)/g, '$1\u00a0$2')) + '</a>' : '') + '</li>';
    }).join('');
    return '<div class="cm-secret"><h2>' + CM.esc(T['pub.secret_title']) + '</h2><p>' +
      CM.esc(T['pub.secret_note']) + '</p><ul>' + items + '</ul></div>';
  }

  var input = document.getElementById('cm-query');
  var picks = document.getElementById('cm-picks');
  var count = document.getElementById('cm-count');
  var results = document.getElementById('cm-results');
  var map = CM.baseMap(document.getElementById('cm-map'), D);
  if (D.map_obce && D.map_obce.features.length) { CM.obce(map, D.map_obce, { fit: true, fillOpacity: 0.08, edge: '#6b6b6b', labels: true }); }
  CM.clusters(map, D.sites, { texts: { services: T['map.services'], phone: T['map.phone'] }, cell: 60, size: 24 });
  if (D.bounds) { CM.fit(map, D.bounds); }
  var homeMarker = null;

  function show(o) {
    var rows = o ? (D.reach[o.code] || []) : [];
    var n = rows.length + D.secret.length;
    count.textContent = o ? fill(T['app.pub.count_obec'], { obec: o.name, n: plural(n, 'service_acc') }) : '';
    var html = '';
    if (o) {
      var groups = {}, order = [];
      rows.forEach(function (r) {
        var g = D.services[r[0]].situation || 'ostatni';
        if (!groups[g]) { groups[g] = []; order.push(g); }
        groups[g].push(r);
      });
      order.forEach(function (g) {
        html += '<div class="cm-group"><h2>' + CM.esc(fill(T['pub.group_count'], { name: D.situations[g] || g,
          n: groups[g].length })) + '</h2><ul>' + groups[g].map(card).join('') + '</ul></div>';
      });
      if (!rows.length) { html = '<p>' + CM.esc(T['pub.none']) + '</p>'; }
      html += secretHtml();
    }
    results.innerHTML = html;
    if (homeMarker) { map.removeLayer(homeMarker); homeMarker = null; }
    if (o && D.points[o.code]) { homeMarker = CM.home(map, D.points[o.code], { zoom: 12 }); }
  }

  function choose(o) {
    input.value = o.name;
    picks.innerHTML = '';
    show(o);
  }

  function onInput() {
    var found = find(input.value);
    var q = norm(input.value);
    var exact = found.filter(function (o) { return o.key === q; });
    picks.innerHTML = '';
    if (exact.length === 1 || (found.length === 1 && !exact.length)) { show(exact[0] || found[0]); return; }
    show(null);
    if (!q) { return; }
    if (!found.length) {
      picks.textContent = fill(T['app.pub.not_found'], { query: input.value.trim(), example: D.obce[0] ? D.obce[0].name : '' });
      return;
    }
    var label = document.createElement('p');
    label.className = 'cm-pick-label';
    label.textContent = T['app.pub.pick'];
    picks.appendChild(label);
    found.forEach(function (o) {
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'cm-pick';
      b.textContent = o.name;
      b.addEventListener('click', function () { choose(o); });
      picks.appendChild(b);
    });
  }

  input.addEventListener('input', onInput);
  var fromHash = decodeURIComponent((root.location.hash || '').replace(/^#obec=/, ''));
  if (fromHash && fromHash !== root.location.hash) { input.value = fromHash; }
  onInput();
}(window));
