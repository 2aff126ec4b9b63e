// Charts page: draws the JSON of /console/charts/data with uPlot and refreshes it every 10 s.
(function () {
  'use strict';
  var palette = ['#0969da', '#1a7f37', '#cf222e', '#9a6700', '#8250df', '#bf3989', '#1b7c83', '#57606a', '#999'];
  var plots = {};

  function width(el) { return Math.max(300, el.clientWidth - 8); }

  function draw(id, x, named, unit) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var names = Object.keys(named);
    var data = [x].concat(names.map(function (n) { return named[n]; }));
    var key = id + ':' + names.join('|');
    if (plots[id] && plots[id].key === key) { plots[id].plot.setData(data); return; }
    if (plots[id]) { plots[id].plot.destroy(); }
    var opts = {
      width: width(el), height: 220,
      series: [{}].concat(names.map(function (n, i) {
        return { label: n, stroke: palette[i % palette.length], width: 2, spanGaps: false,
                 value: function (u, v) { return v == null ? '—' : (Math.round(v * 100) / 100) + (unit || ''); } };
      })),
      axes: [{}, { size: 60 }]
    };
    plots[id] = { key: key, plot: new uPlot(opts, data, el) };
  }

  function refresh() {
    var el = document.getElementById('chart-decisions');
    if (!el || typeof uPlot === 'undefined') { return; }
    fetch(el.getAttribute('data-src'), { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (d) {
        var doors = d.decisionsPerDoor;
        if (Object.keys(doors).length === 0) { doors = { 'no decisions yet': d.minutes.map(function () { return 0; }) }; }
        draw('chart-decisions', d.minutes, doors, '/min');
        draw('chart-refusals', d.minutes, { 'refused %': d.refusalRate }, ' %');
        draw('chart-latency', d.latencyAt.length ? d.latencyAt : [Date.now() / 1000],
             { 'p99 ms': d.latencyAt.length ? d.p99Millis : [null] }, ' ms');
      })
      .catch(function () { /* next refresh tries again */ });
  }

  document.addEventListener('DOMContentLoaded', function () { refresh(); setInterval(refresh, 10000); });
})();
