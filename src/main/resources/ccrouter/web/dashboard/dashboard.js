// The dashboard's only script: fetches /dashboard/data (same origin) every few seconds and draws it. Text goes in
// through textContent only, so a model name or session id can never become markup.
(function () {
  'use strict';
  var REFRESH_MS = 5000;
  var page = new URLSearchParams(location.search);
  var charts = {};

  function dollars(value) { return value == null ? '–' : '$' + Number(value).toFixed(4); }
  // A group none of whose requests has a computed cost (a model without prices): '–', not $0.0000 as if free.
  function cost(group) { return group.unpriced_requests && Number(group.cost_usd) === 0 ? '–' : dollars(group.cost_usd); }
  function percent(ratio) { return ratio == null ? '–' : (ratio * 100).toFixed(1) + '%'; }
  function count(value) { return Number(value).toLocaleString('en-US'); }
  function daySeconds(date) { return Date.parse(date + 'T00:00:00Z') / 1000; }

  function dataUrl() {
    var query = new URLSearchParams();
    ['since', 'tz'].forEach(function (name) { if (page.get(name)) { query.set(name, page.get(name)); } });
    ['model', 'status', 'key'].forEach(function (name) {
      var value = document.getElementById('filter-' + name).value || page.get(name) || '';
      if (value) { query.set(name, value); }
    });
    return '/dashboard/data?' + query.toString();
  }

  function row(table, cells, className) {
    var tr = document.createElement('tr');
    if (className) { tr.className = className; }
    cells.forEach(function (cell) {
      var td = document.createElement('td');
      if (cell instanceof Node) { td.className = 'bar'; td.appendChild(cell); } else { td.textContent = cell; }
      tr.appendChild(td);
    });
    table.tBodies[0].appendChild(tr);
  }

  function clear(table) { table.tBodies[0].replaceChildren(); }

  function options(id, values) {
    var select = document.getElementById(id);
    var chosen = select.value || page.get(id.replace('filter-', '')) || '';
    select.replaceChildren(new Option('all', ''));
    values.forEach(function (value) { select.add(new Option(String(value), String(value))); });
    select.value = chosen;
  }

  // Days are UTC midnights of the ledger's dates: ticks fall on them, labelled with the date, half a day of margin.
  var DAY = 86400;
  var dayAxis = { space: 70, incrs: [DAY, 7 * DAY, 30 * DAY],
                  values: function (u, ticks) { return ticks.map(function (t) { return new Date(t * 1000).toISOString().slice(0, 10); }); } };
  var dayScale = { time: true, range: function (u, min, max) { return [min - DAY / 2, max + DAY / 2]; } };

  function chart(id, options, data) {
    var box = document.getElementById(id);
    options.tzDate = function (ts) { return uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'); };
    options.scales.x = dayScale;
    options.axes[0] = dayAxis;
    options.width = Math.max(box.clientWidth, 300);
    options.height = 240;
    if (charts[id]) { charts[id].destroy(); }
    charts[id] = new uPlot(options, data, box);
  }

  function draw(data) {
    var days = data.days;
    var x = days.map(function (d) { return daySeconds(d.date); });
    chart('cost-per-day', {
      scales: { y: { range: function (u, min, max) { return [0, Math.max(max, 0.0001)]; } } },
      axes: [{}, { values: function (u, ticks) { return ticks.map(function (t) { return '$' + t.toFixed(4); }); }, size: 70 }],
      series: [{}, { label: 'Cost (USD)', fill: 'rgba(217,119,87,0.6)', stroke: '#d97757',
                     paths: uPlot.paths.bars({ size: [0.6, 60] }), points: { show: false },
                     value: function (u, v) { return dollars(v); } }]
    }, [x, days.map(function (d) { return Number(d.cost_usd); })]);
    chart('cache-per-day', {
      scales: { pct: { range: [0, 100] }, usd: { range: function (u, min, max) { return [0, Math.max(max, 0.0001)]; } } },
      axes: [{}, { scale: 'pct', values: function (u, t) { return t.map(function (v) { return v + '%'; }); } },
             { scale: 'usd', side: 1, size: 70, grid: { show: false },
               values: function (u, t) { return t.map(function (v) { return '$' + v.toFixed(4); }); } }],
      series: [{},
        { label: 'Cache hit', scale: 'pct', stroke: '#2a6f97', value: function (u, v) { return v == null ? '–' : v.toFixed(1) + '%'; } },
        { label: 'Saved (USD)', scale: 'usd', stroke: '#3a7d44', value: function (u, v) { return dollars(v); } }]
    }, [x, days.map(function (d) { return d.cache_hit_ratio == null ? null : d.cache_hit_ratio * 100; }),
        days.map(function (d) { return Number(d.cache_savings_usd); })]);
  }

  function render(data) {
    var totals = data.totals;
    document.getElementById('summary').textContent = 'Since ' + data.since + ' (' + data.timezone + '): '
      + count(totals.requests) + ' requests, ' + count(totals.total_tokens) + ' tokens, '
      + dollars(totals.cost_usd) + ', cache hit ' + percent(totals.cache_hit_ratio) + ', saved '
      + dollars(totals.cache_savings_usd)
      + (totals.unpriced_requests ? ' (' + totals.unpriced_requests + ' request(s) without a computed cost)' : '');
    options('filter-model', data.filters.models);
    options('filter-status', data.filters.statuses);
    options('filter-key', data.filters.keys);
    draw(data);

    var models = document.getElementById('models');
    clear(models);
    var top = data.models.length ? Number(data.models[0].cost_usd) : 0;
    data.models.forEach(function (m) {
      var bar = document.createElement('span');
      bar.style.width = (top > 0 ? Number(m.cost_usd) / top * 100 : 0) + '%';
      row(models, [m.model, count(m.requests), count(m.total_tokens), cost(m), bar]);
    });
    var sessions = document.getElementById('sessions');
    clear(sessions);
    data.sessions.forEach(function (s) {
      row(sessions, [s.session_id, count(s.requests), count(s.total_tokens), percent(s.cache_hit_ratio), cost(s)]);
    });
    var recent = document.getElementById('recent');
    clear(recent);
    data.recent.forEach(function (r) {
      row(recent, [r.time.slice(0, 23).replace('T', ' '), r.model, String(r.status) + (r.error_type ? ' ' + r.error_type : ''),
        r.key_id || '–', r.session_id || '–', count(r.total_tokens), dollars(r.cost_usd), count(r.duration_ms)],
        r.status >= 400 ? 'failed' : '');
    });
    var body = document.body.dataset;
    body.state = 'ready';
    body.days = String(data.days.length);
    body.totalCost = String(totals.cost_usd);
    body.charts = String(document.querySelectorAll('.uplot').length);
  }

  function refresh() {
    fetch(dataUrl()).then(function (res) {
      if (!res.ok) { throw new Error('HTTP ' + res.status); }
      return res.json();
    }).then(render).catch(function (e) {
      document.body.dataset.state = 'error';
      document.getElementById('summary').textContent = 'The ledger could not be read: ' + e.message;
    });
  }

  ['model', 'status', 'key'].forEach(function (name) {
    document.getElementById('filter-' + name).addEventListener('change', refresh);
  });
  refresh();
  setInterval(refresh, REFRESH_MS);
})();
