/* orderflow dashboard page script.
 * Reads the figures embedded in #of-model, draws tiles, charts and tables for
 * the active filters and period, and lists the order lines behind a clicked
 * point. Every ERP text goes into the page through textContent (or is drawn
 * on a canvas); the only HTML built here is the tooltip, whose texts are
 * escaped. */
(function () {
  'use strict';

  var t0 = performance.now();
  var M = JSON.parse(document.getElementById('of-model').textContent);
  var tParsed = performance.now();
  var T = M.text;
  var ST = M.style;
  var N = M.weeks.length;
  var COLORS = { green: '#1a7f4b', amber: '#e0a030', red: '#c0392b', none: '#1f6fb2', grey: '#9aa7b8' };
  var PALETTE = ['#1f6fb2', '#2a9d8f', '#e9a23b', '#c0392b', '#7b6fb0', '#5c6b7a', '#6aa84f', '#c45b8a'];
  var SYMBOLS = { EUR: '€', USD: '$', GBP: '£', JPY: '¥' };

  var state = { from: M.from, to: M.to, filters: {}, by: {} };

  // Ratios come as numerators and denominators only when the value is
  // exactly scale x n / d: put the values back.
  Object.keys(M.series).forEach(function (kpi) {
    var scale = M.kpis[kpi].scale;
    Object.keys(M.series[kpi] || {}).forEach(function (cut) {
      var s = M.series[kpi][cut];
      if (s.v) return;
      s.v = s.n.map(function (n, i) { var d = s.d[i]; return n === null || d === null || d === 0 ? null : scale * n / d; });
    });
  });
  var views = []; // {block, el, chart, rows}
  var sparks = [];

  // ---------------------------------------------------------------- text
  function tr(key) {
    var s = T[key] !== undefined ? T[key] : key;
    var args = Array.prototype.slice.call(arguments, 1);
    var next = 0;
    return s.replace(/%(?:\[(\d+)\])?(0?\d*)([dsv])/g, function (_, idx, width, verb) {
      var v = idx ? args[Number(idx) - 1] : args[next++];
      var out = String(v);
      if (width && width.charAt(0) === '0') {
        while (out.length < Number(width)) out = '0' + out;
      }
      return out;
    });
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  // ---------------------------------------------------------------- numbers
  // Mirrors i18n.Number: grouping and decimal mark of the page's language.
  function fmtNum(v, dec) {
    if (v === null || v === undefined || !isFinite(v)) return '–';
    var s = Math.abs(v).toFixed(dec);
    var parts = s.split('.');
    var ip = parts[0];
    var out = '';
    for (var i = 0; i < ip.length; i++) {
      if (i > 0 && (ip.length - i) % 3 === 0) out += ST.group;
      out += ip.charAt(i);
    }
    if (parts[1]) out += ST.decimal + parts[1];
    if (v < 0 && /[1-9]/.test(s)) out = ST.minus + out;
    return out;
  }
  function fmtMoney(v, dec) {
    if (v === null || v === undefined || !isFinite(v)) return '–';
    var code = (M.currency || '').toUpperCase();
    var sym = SYMBOLS[code];
    var n = fmtNum(v, dec);
    if (!code) return n;
    if (ST.currencyPre) {
      if (sym) return n.charAt(0) === ST.minus ? ST.minus + sym + n.slice(1) : sym + n;
      return code + ' ' + n;
    }
    return n + ST.unitSep + (sym || code);
  }
  function fmtValue(kpi, v, dec) {
    var k = M.kpis[kpi] || { unit: 'count', dec: 0 };
    if (dec === undefined) dec = k.dec;
    if (v === null || v === undefined || !isFinite(v)) return '–';
    switch (k.unit) {
      case 'ratio': return fmtNum(v * 100, dec) + ST.percentSep + '%';
      case 'percent': return fmtNum(v, dec) + ST.percentSep + '%';
      case 'days': return fmtNum(v, dec) + ST.unitSep + T['unit.days_short'];
      case 'money': return fmtMoney(v, dec);
      case 'money_per_kg': return fmtMoney(v, dec) + '/kg';
      default: return fmtNum(v, dec);
    }
  }
  // Axis ticks are round numbers: show the decimals they have, no more.
  function decimalsOf(x) {
    for (var d = 0; d < 3; d++) {
      var y = x * Math.pow(10, d);
      if (Math.abs(y - Math.round(y)) < 1e-6 * Math.max(1, Math.abs(y))) return d;
    }
    return 3;
  }
  // Axis labels: compact (k, M) for large money and counts.
  function fmtAxis(kpi, v) {
    var k = M.kpis[kpi] || { unit: 'count' };
    if ((k.unit === 'money' || k.unit === 'count') && Math.abs(v) >= 10000) {
      var big = Math.abs(v) >= 1e6;
      var x = v / (big ? 1e6 : 1e3);
      var n = fmtNum(x, decimalsOf(x)) + (ST.currencyPre ? '' : ST.unitSep) + (big ? 'M' : 'k');
      if (k.unit !== 'money') return n;
      var sym = SYMBOLS[(M.currency || '').toUpperCase()] || M.currency || '';
      return ST.currencyPre ? sym + n : n + ST.unitSep + sym;
    }
    if (k.unit === 'ratio') return fmtNum(v * 100, decimalsOf(v * 100)) + ST.percentSep + '%';
    return fmtValue(kpi, v, k.unit === 'money_per_kg' ? Math.max(2, decimalsOf(v)) : decimalsOf(v));
  }
  function fmtDelta(kpi, dv) {
    var k = M.kpis[kpi];
    if (dv === null || !isFinite(dv)) return '–';
    var sign = dv > 0 ? '+' : (dv < 0 ? ST.minus : '±');
    var a = Math.abs(dv);
    var s;
    if (k.unit === 'ratio') s = fmtNum(a * 100, 1) + ST.unitSep + T['unit.points'];
    else if (k.unit === 'percent') s = fmtNum(a, 2) + ST.unitSep + T['unit.points'];
    else s = fmtValue(kpi, a);
    return sign + s;
  }

  // ---------------------------------------------------------------- cuts
  function cutKey(dims) {
    return Object.keys(dims).filter(function (k) { return dims[k] !== undefined && dims[k] !== ''; })
      .sort().map(function (k) { return k + '\u001f' + dims[k]; }).join('\u001e');
  }
  var parsed = {};
  function parseCut(key) {
    if (parsed[key]) return parsed[key];
    var d = {};
    if (key) key.split('\u001e').forEach(function (p) { var i = p.indexOf('\u001f'); d[p.slice(0, i)] = p.slice(i + 1); });
    parsed[key] = d;
    return d;
  }
  function series(kpi, dims) {
    var c = M.series[kpi];
    return c ? c[cutKey(dims)] : undefined;
  }
  function label(dim, value) {
    return (M.labels[dim] && M.labels[dim][value]) || value;
  }
  function activeFilters() {
    var f = {};
    Object.keys(state.filters).forEach(function (k) { if (state.filters[k]) f[k] = state.filters[k]; });
    return f;
  }

  // A KPI over the period: ratios from their summed parts, counts and money
  // summed, the rest (medians, percentiles, stock levels) at the last week.
  function aggregate(kpi, s, from, to) {
    if (!s) return null;
    var k = M.kpis[kpi];
    var i;
    if (k.agg === 'ratio' && s.n) {
      var n = 0, d = 0;
      for (i = from; i <= to; i++) if (s.n[i] !== null && s.d[i] !== null) { n += s.n[i]; d += s.d[i]; }
      return d > 0 ? k.scale * n / d : null;
    }
    if (k.agg === 'sum') {
      var t = 0, any = false;
      for (i = from; i <= to; i++) if (s.v[i] !== null) { t += s.v[i]; any = true; }
      return any ? t : null;
    }
    for (i = to; i >= from; i--) if (s.v[i] !== null) return s.v[i];
    return null;
  }
  // A target is set for the company: it applies to any cut of a rate, a
  // delay or a unit cost, but a cut's money or count is a part of the total.
  function status(kpi, v, isCut) {
    var k = M.kpis[kpi];
    if (!k || k.target === null || k.target === undefined || v === null || v === undefined || !isFinite(v)) return 'none';
    if (isCut && (k.unit === 'money' || k.unit === 'count')) return 'none';
    var good = k.higher ? v >= k.target : v <= k.target;
    if (good) return 'green';
    return Math.abs(v - k.target) <= k.amber ? 'amber' : 'red';
  }
  function worse(kpi, a, b) { return M.kpis[kpi].higher ? a - b : b - a; }

  // The values of dim for kpi under the active filters (the filter on dim
  // itself keeps only its value), aggregated over the period.
  function breakdown(kpi, dim, largestFirst) {
    var f = activeFilters();
    var base = {};
    Object.keys(f).forEach(function (k) { if (k !== dim) base[k] = f[k]; });
    var baseKey = cutKey(base);
    var cuts = M.series[kpi] || {};
    var rows = [];
    Object.keys(cuts).forEach(function (key) {
      var d = parseCut(key);
      if (!(dim in d)) return;
      if (f[dim] && d[dim] !== f[dim]) return;
      var rest = {};
      Object.keys(d).forEach(function (k) { if (k !== dim) rest[k] = d[k]; });
      if (cutKey(rest) !== baseKey) return;
      var v = aggregate(kpi, cuts[key], state.from, state.to);
      if (v === null) return;
      rows.push({ value: d[dim], label: label(dim, d[dim]), v: v, dims: d });
    });
    rows.sort(function (a, b) { return largestFirst ? b.v - a.v : worse(kpi, a.v, b.v); });
    return rows;
  }

  // ---------------------------------------------------------------- charts
  function themed(option) {
    var o = JSON.parse(JSON.stringify(option));
    o.color = PALETTE;
    o.textStyle = { fontFamily: getComputedStyle(document.body).fontFamily, color: '#4a5a70' };
    o.tooltip = Object.assign(o.tooltip || {}, {
      confine: true, backgroundColor: '#ffffff', borderColor: '#d7dee8', borderWidth: 1,
      textStyle: { color: '#14233a', fontSize: 12 }, extraCssText: 'box-shadow:0 6px 18px rgba(15,39,68,.14);border-radius:8px;'
    });
    if (o.legend && o.legend.show !== false) {
      Object.assign(o.legend, { itemWidth: 14, itemHeight: 8, textStyle: { color: '#4a5a70' }, inactiveColor: '#c3cbd6' });
    }
    ['xAxis', 'yAxis'].forEach(function (ax) {
      (o[ax] || []).forEach(function (a) {
        a.axisLine = Object.assign({ lineStyle: { color: '#c9d2de' } }, a.axisLine || {});
        a.axisTick = Object.assign({ show: false }, a.axisTick || {});
        a.splitLine = Object.assign({ lineStyle: { color: '#edf0f5' } }, a.splitLine || {});
        a.axisLabel = Object.assign({ color: '#5b6675', hideOverlap: true }, a.axisLabel || {});
        a.nameTextStyle = { color: '#7a889b' };
      });
    });
    (o.dataZoom || []).forEach(function (z) {
      if (z.type === 'slider') Object.assign(z, { height: 18, bottom: 8, borderColor: '#dde3eb', fillerColor: 'rgba(31,111,178,.12)', handleSize: '110%', brushSelect: false });
    });
    return o;
  }

  function tooltipAxis(kpisOfSeries, headerOf) {
    return function (params) {
      if (!Array.isArray(params)) params = [params];
      if (!params.length) return '';
      var html = '<div style="font-weight:600;margin-bottom:4px">' + esc(headerOf(params[0])) + '</div>';
      params.forEach(function (p) {
        var kpi = kpisOfSeries[p.seriesIndex];
        if (!kpi) return;
        var v = Array.isArray(p.value) ? p.value[1] : p.value;
        if (v === null || v === undefined || v === '-') return;
        html += '<div style="display:flex;justify-content:space-between;gap:16px"><span>' + p.marker + esc(p.seriesName) +
          '</span><b>' + esc(typeof kpi === 'function' ? kpi(v) : fmtValue(kpi, v)) + '</b></div>';
      });
      return html;
    };
  }

  function setNote(view, text) {
    var note = view.el.querySelector('[data-note]');
    if (!note) return;
    note.hidden = !text;
    note.textContent = text || '';
  }
  function setSub(view, text) {
    var sub = view.el.querySelector('[data-sub]');
    if (sub) sub.textContent = text || '';
  }

  function renderTrend(view) {
    var b = view.block;
    var f = activeFilters();
    var o = themed(b.option);
    var from = state.from, to = state.to;
    o.xAxis[0].data = M.weekShort.slice(from, to + 1);
    o.xAxis[0].boundaryGap = b.bars && b.bars.length ? true : false;
    var missing = 0;
    var axisKpi = [];
    b.kpis.forEach(function (kpi, i) {
      var s = series(kpi, f);
      if (!s) missing++;
      var sr = o.series[i];
      sr.data = s ? s.v.slice(from, to + 1) : [];
      sr.emphasis = { focus: 'series' };
      if (sr.type === 'line') { sr.symbolSize = 5; sr.lineStyle = Object.assign({ width: 2.2 }, sr.lineStyle || {}); }
      if (sr.type === 'bar') { sr.barMaxWidth = 22; sr.itemStyle = { borderRadius: [3, 3, 0, 0] }; }
      if (sr.markLine) {
        sr.markLine.silent = true;
        sr.markLine.lineStyle = { type: 'dashed', color: PALETTE[i % PALETTE.length], width: 1.2, opacity: 0.75 };
        sr.markLine.label = { position: 'insideEndTop', color: PALETTE[i % PALETTE.length], formatter: function () { return T['chart.target'] + ' ' + fmtValue(kpi, M.kpis[kpi].target); } };
      }
      var axis = sr.yAxisIndex || 0;
      if (!axisKpi[axis]) axisKpi[axis] = kpi;
    });
    capPercentAxes(o, function (i) { return axisKpi[i] || b.kpis[0]; });
    o.yAxis.forEach(function (a, i) {
      var kpi = axisKpi[i] || b.kpis[0];
      a.axisLabel = Object.assign(a.axisLabel || {}, { formatter: function (v) { return fmtAxis(kpi, v); } });
      if (i > 0) a.splitLine = { show: false };
      if (M.kpis[kpi].unit === 'ratio' || M.kpis[kpi].unit === 'count' || M.kpis[kpi].unit === 'money') a.scale = M.kpis[kpi].unit === 'ratio';
    });
    o.tooltip.formatter = tooltipAxis(b.kpis, function (p) { return M.weekLong[from + p.dataIndex]; });
    view.meta = { kind: 'week' };
    setNote(view, missing === b.kpis.length ? T['chart.not_computed'] : '');
    view.chart.setOption(o, true);
  }

  // A share near 100% would get an axis up to 102%: stop it at 100%.
  function capPercentAxes(o, kpiOfAxis) {
    o.yAxis.forEach(function (a, i) {
      if (M.kpis[kpiOfAxis(i)].unit !== 'ratio') return;
      var top = -Infinity;
      o.series.forEach(function (sr) {
        if ((sr.yAxisIndex || 0) !== i) return;
        (sr.data || []).forEach(function (v) { if (typeof v === 'number' && v > top) top = v; });
      });
      if (top > 0.95 && top <= 1) a.max = 1;
    });
  }

  function renderControl(view) {
    var b = view.block;
    var kpi = b.kpis[0];
    var f = activeFilters();
    var o = themed(b.option);
    var from = state.from, to = state.to;
    var s = series(kpi, f);
    var c = M.controls[kpi + '\u001d' + cutKey(f)];
    o.xAxis[0].data = M.weekShort.slice(from, to + 1);
    o.xAxis[0].boundaryGap = false;
    var v = s ? s.v.slice(from, to + 1) : [];
    o.series[0].data = v;
    o.series[0].lineStyle = { width: 2.2 };
    o.series[1].data = c ? c.c.slice(from, to + 1) : [];
    o.series[1].lineStyle = { color: '#5c6b7a', width: 1.2 };
    o.series[1].itemStyle = { color: '#5c6b7a' };
    [2, 3].forEach(function (i) {
      o.series[i].data = c ? (i === 2 ? c.u : c.l).slice(from, to + 1) : [];
      o.series[i].lineStyle = { color: '#c0392b', type: 'dashed', width: 1.2 };
      o.series[i].itemStyle = { color: '#c0392b' };
    });
    var sig = [];
    var rules = {};
    if (c && s) c.s.forEach(function (p) {
      if (p[0] >= from && p[0] <= to && s.v[p[0]] !== null) {
        sig.push([p[0] - from, s.v[p[0]]]);
        rules[p[0] - from] = (rules[p[0] - from] ? rules[p[0] - from] + ', ' : '') + p[1];
      }
    });
    o.series[4].data = sig;
    o.series[4].itemStyle = { color: 'rgba(192,57,43,.85)', borderColor: '#fff', borderWidth: 1.5 };
    o.series[4].z = 5;
    o.yAxis[0].axisLabel = Object.assign(o.yAxis[0].axisLabel || {}, { formatter: function (x) { return fmtAxis(kpi, x); } });
    capPercentAxes(o, function () { return kpi; });
    var fmt = function (x) { return fmtValue(kpi, x); };
    o.tooltip.formatter = function (params) {
      var html = tooltipAxis([fmt, fmt, fmt, fmt, fmt], function (p) { return M.weekLong[from + p.dataIndex]; })(params);
      var idx = (Array.isArray(params) ? params[0] : params).dataIndex;
      if (rules[idx]) html += '<div style="color:#c0392b;margin-top:4px">' + esc(T['chart.signal'] + ': ' + rules[idx]) + '</div>';
      return html;
    };
    view.meta = { kind: 'week' };
    setNote(view, !s ? T['chart.not_computed'] : '');
    view.chart.setOption(o, true);
  }

  function renderBreakdown(view, pareto) {
    var b = view.block;
    var kpi = b.kpis[0];
    var dim = state.by[b.id];
    var rows = breakdown(kpi, dim, pareto);
    var all = rows;
    rows = rows.slice(0, b.top || 12);
    view.rows = rows;
    var o = themed(b.option);
    var fmt = function (v) { return fmtValue(kpi, v); };
    if (pareto) {
      var total = all.reduce(function (t, r) { return t + r.v; }, 0);
      var cum = 0;
      o.xAxis[0].data = rows.map(function (r) { return r.label; });
      o.xAxis[0].axisLabel = Object.assign(o.xAxis[0].axisLabel || {}, { width: 120, overflow: 'truncate', hideOverlap: false });
      o.series[0].data = rows.map(function (r) { return r.v; });
      o.series[0].itemStyle = { color: PALETTE[0], borderRadius: [3, 3, 0, 0] };
      o.series[0].barMaxWidth = 36;
      o.series[1].data = rows.map(function (r) { cum += r.v; return total > 0 ? cum / total : null; });
      o.series[1].itemStyle = { color: '#e9a23b' };
      o.series[1].lineStyle = { color: '#e9a23b', width: 2 };
      o.yAxis[0].axisLabel = Object.assign(o.yAxis[0].axisLabel || {}, { formatter: function (v) { return fmtAxis(kpi, v); } });
      o.yAxis[1].axisLabel = Object.assign(o.yAxis[1].axisLabel || {}, { formatter: function (v) { return fmtNum(v * 100, 0) + ST.percentSep + '%'; } });
      o.yAxis[1].splitLine = { show: false };
      o.tooltip.axisPointer = { type: 'shadow' };
      o.tooltip.formatter = tooltipAxis([kpi, function (v) { return fmtNum(v * 100, 1) + ST.percentSep + '%'; }],
        function (p) { return rows[p.dataIndex] ? rows[p.dataIndex].label : ''; });
    } else {
      o.yAxis[0].data = rows.map(function (r) { return r.label; });
      o.yAxis[0].axisLabel = Object.assign(o.yAxis[0].axisLabel || {}, { width: 150, overflow: 'truncate' });
      o.series[0].data = rows.map(function (r) {
        var st = status(kpi, r.v, true);
        return { value: r.v, itemStyle: { color: st === 'none' ? PALETTE[0] : COLORS[st], borderRadius: [0, 3, 3, 0] } };
      });
      o.series[0].barMaxWidth = 20;
      o.series[0].label = { show: true, position: 'right', color: '#4a5a70', fontSize: 11, formatter: function (p) { return fmt(p.value); } };
      o.xAxis[0].axisLabel = Object.assign(o.xAxis[0].axisLabel || {}, { formatter: function (v) { return fmtAxis(kpi, v); } });
      o.tooltip.axisPointer = { type: 'shadow' };
      o.tooltip.formatter = tooltipAxis([kpi], function (p) { return rows[p.dataIndex] ? rows[p.dataIndex].label : ''; });
      var k = M.kpis[kpi];
      var targetNote = '';
      if (k.target !== null && k.target !== undefined && k.unit !== 'money' && k.unit !== 'count') {
        o.series[0].markLine = {
          silent: true, symbol: ['none', 'none'], data: [{ xAxis: k.target }],
          lineStyle: { type: 'dashed', color: '#7a889b' }, label: { show: false }
        };
        targetNote = tr('tile.target', fmt(k.target)) + ' · ';
      }
    }
    view.meta = { kind: 'cut', dim: dim };
    var computed = hasSeries(kpi);
    setSub(view, (pareto ? '' : targetNote) + periodLabel(kpi) + (all.length > rows.length ? ' · ' + tr('chart.top', rows.length) + ' / ' + all.length : ''));
    setNote(view, rows.length ? '' : (computed ? T['chart.no_data'] : T['chart.not_computed']));
    view.chart.setOption(o, true);
  }
  function hasSeries(kpi) { return !!M.series[kpi] && Object.keys(M.series[kpi]).length > 0; }
  function periodLabel(kpi) { return M.kpis[kpi].agg === 'last' ? T['chart.last_week'] : T['chart.period_total']; }

  // ---------------------------------------------------------------- tiles
  function renderTiles(view) {
    var f = activeFilters();
    var to = state.to;
    view.el.querySelectorAll('.tile').forEach(function (tile) {
      var kpi = tile.getAttribute('data-kpi');
      var k = M.kpis[kpi];
      var s = series(kpi, f);
      // a state at the as-of date (the late backlog, the open order book) is
      // shown whole, not its part due in one week; it has no last week
      var state = !!(s && s.a !== undefined && s.a !== null);
      var v = state ? s.a : (s ? s.v[to] : null);
      var prev = !state && s && to > 0 ? s.v[to - 1] : null;
      var st = status(kpi, v, Object.keys(f).length > 0);
      tile.classList.remove('green', 'amber', 'red', 'none');
      tile.classList.add(st);
      tile.querySelector('[data-value]').textContent = s ? fmtValue(kpi, v) : '–';
      tile.querySelector('[data-status]').textContent = st === 'none' ? '' : T['status.' + st];
      var dw = tile.querySelector('[data-dw]');
      var dt = tile.querySelector('[data-dt]');
      dw.textContent = '';
      dt.textContent = '';
      if (v !== null && prev !== null && v !== undefined && prev !== undefined) deltaInto(dw, kpi, v - prev, T['tile.vs_last_week']);
      if (st !== 'none') deltaInto(dt, kpi, v - k.target, T['tile.vs_target']);
      var when = state ? T['tile.as_of'] : M.weekShort[to];
      tile.querySelector('[data-foot]').textContent = st !== 'none'
        ? tr('tile.target', fmtValue(kpi, k.target)) + ' · ' + when
        : when;
      var spark = sparks.filter(function (x) { return x.tile === tile; })[0];
      if (spark) {
        var from = Math.max(0, to - 12);
        var o = themed(M.spark);
        o.xAxis[0].data = M.weekShort.slice(from, to + 1);
        o.series[0].data = s ? s.v.slice(from, to + 1) : [];
        o.series[0].name = k.label;
        var col = st === 'none' ? COLORS.none : COLORS[st];
        o.series[0].itemStyle = { color: col };
        o.series[0].lineStyle = { color: col, width: 2 };
        o.series[0].areaStyle = { color: col, opacity: 0.1 };
        o.tooltip.formatter = tooltipAxis([kpi], function (p) { return M.weekLong[from + p.dataIndex]; });
        o.tooltip.position = function (pt, params, dom, rect, size) { return [Math.max(0, pt[0] - size.contentSize[0] - 10), -size.contentSize[1] + 10]; };
        spark.chart.setOption(o, true);
      }
    });
  }
  function deltaInto(node, kpi, dv, suffix) {
    var k = M.kpis[kpi];
    var shown = k.unit === 'ratio' ? dv * 100 : dv;
    var dec = k.unit === 'ratio' ? 1 : (k.unit === 'percent' ? 2 : k.dec);
    if (Math.abs(shown) < 0.5 * Math.pow(10, -dec)) dv = 0;
    var cls = dv === 0 ? 'flat' : (((dv > 0) === k.higher) ? 'good' : 'bad');
    var arrow = dv > 0 ? '▲ ' : (dv < 0 ? '▼ ' : '');
    var b = el('b', cls, arrow + fmtDelta(kpi, dv));
    node.appendChild(b);
    node.appendChild(document.createTextNode(' ' + suffix));
  }

  // ---------------------------------------------------------------- tables
  function renderRanking(view) {
    var b = view.block;
    var dim = state.by[b.id];
    var rows = breakdown(b.kpis[0], dim, M.kpis[b.kpis[0]].unit === 'money' || M.kpis[b.kpis[0]].unit === 'count').slice(0, b.top || 10);
    var thead = view.el.querySelector('thead tr');
    var tbody = view.el.querySelector('tbody');
    thead.textContent = '';
    tbody.textContent = '';
    thead.appendChild(el('th', '', M.dimLabels[dim] || dim));
    b.kpis.forEach(function (k) { thead.appendChild(el('th', 'num', M.kpis[k].label)); });
    rows.forEach(function (r) {
      var tr_ = el('tr', 'clickable');
      tr_.appendChild(el('td', '', r.label));
      b.kpis.forEach(function (k, i) {
        var v = i === 0 ? r.v : aggregate(k, series(k, r.dims), state.from, state.to);
        var td = el('td', 'num');
        var st = status(k, v, true);
        if (st !== 'none') td.appendChild(el('span', 'dot ' + st));
        td.appendChild(document.createTextNode(fmtValue(k, v)));
        tr_.appendChild(td);
      });
      tr_.addEventListener('click', function () { openDrill(b.kpis[0], null, r.dims); });
      tbody.appendChild(tr_);
    });
    setSub(view, periodLabel(b.kpis[0]));
    setNote(view, rows.length ? '' : T['chart.not_computed']);
  }

  // ---------------------------------------------------------------- drill
  var drill = document.getElementById('drill');
  // order, customer, country, site, SKU, carrier, due, delivered, qty, value, days late, reason
  var DRILL_CLASS = ['nowrap', 'name', '', '', 'nowrap', '', 'nowrap', 'nowrap', 'num', 'num', 'num', ''];
  function openDrill(kpi, weekIdx, dims) {
    var cut = cutKey(dims);
    var week = weekIdx === null ? '' : M.weeks[weekIdx];
    var inPeriod = function (w) { var i = M.weeks.indexOf(w); return i >= state.from && i <= state.to; };
    var d = M.drill[kpi + '\u001d' + week + '\u001d' + cut];
    var rows = null;
    var note = '';
    var lines = function (d) { return d.rows.map(function (i) { return M.lines[i]; }); };
    if (d) {
      rows = weekIdx === null ? lines(d).filter(function (r) { return !r[0] || inPeriod(r[0]); }) : lines(d);
      note = rows.length < d.total ? tr('drill.sample_note', rows.length, d.total) : tr('drill.all_note', rows.length);
    } else if ((d = M.drill[kpi + '\u001d\u001d' + cut])) {
      rows = lines(d).filter(function (r) { return weekIdx === null ? inPeriod(r[0]) : r[0] === week; });
      note = rows.length < d.total ? tr('drill.filtered_note', rows.length) : tr('drill.all_note', rows.length);
    }
    var ctx = [M.kpis[kpi].label, weekIdx === null ? M.weekShort[state.from] + ' → ' + M.weekShort[state.to] : M.weekLong[weekIdx]];
    Object.keys(dims).sort().forEach(function (k) { ctx.push((M.dimLabels[k] || k) + ': ' + label(k, dims[k])); });
    document.getElementById('drill-context').textContent = ctx.join(' · ');
    var tbody = drill.querySelector('tbody');
    tbody.textContent = '';
    var cmd = document.getElementById('drill-cmd');
    if (rows) {
      rows.forEach(function (r) {
        var tr_ = el('tr');
        r.slice(1).forEach(function (c, i) { tr_.appendChild(el('td', DRILL_CLASS[i] || '', c)); });
        tbody.appendChild(tr_);
      });
      cmd.hidden = true;
    } else {
      note = T['drill.none'];
      var by = Object.keys(dims).sort().map(function (k) { return k + '=' + dims[k]; }).join(',');
      cmd.textContent = 'orderflow kpi --explain ' + kpi + ' --week ' + (week || M.weeks[state.to]) + (by ? ' --by ' + JSON.stringify(by) : '');
      cmd.hidden = false;
    }
    document.getElementById('drill-note').textContent = note;
    views.concat(sparks).forEach(function (v) { if (v.chart) v.chart.dispatchAction({ type: 'hideTip' }); });
    drill.hidden = false;
    drill.setAttribute('data-kpi', kpi);
    drill.setAttribute('data-rows', rows ? String(rows.length) : '0');
  }
  document.getElementById('drill-close').addEventListener('click', function () { drill.hidden = true; });
  document.addEventListener('keydown', function (e) { if (e.key === 'Escape') drill.hidden = true; });

  function onChartClick(view, p) {
    var b = view.block;
    if (p.componentType !== 'series') return;
    if (view.meta.kind === 'week') {
      var kpi = b.kind === 'control' ? b.kpis[0] : b.kpis[p.seriesIndex];
      if (!kpi) return;
      openDrill(kpi, state.from + p.dataIndex, activeFilters());
    } else {
      var r = view.rows && view.rows[p.dataIndex];
      if (r) openDrill(b.kpis[0], null, r.dims);
    }
  }

  // ---------------------------------------------------------------- filters
  var allCuts = {};
  Object.keys(M.series).forEach(function (k) { Object.keys(M.series[k] || {}).forEach(function (c) { allCuts[c] = true; }); });

  function updateFilterBar() {
    var f = activeFilters();
    var blocked = false;
    M.filterDims.forEach(function (dim) {
      var sel = document.getElementById('f-' + dim);
      if (!sel) return;
      sel.value = f[dim] || '';
      sel.classList.toggle('set', !!f[dim]);
      Array.prototype.forEach.call(sel.options, function (opt) {
        if (!opt.value) return;
        var cand = Object.assign({}, f);
        cand[dim] = opt.value;
        var ok = !!allCuts[cutKey(cand)];
        opt.disabled = !ok;
        if (!ok) blocked = true;
      });
    });
    document.getElementById('unavailable').hidden = !(blocked && Object.keys(f).length > 0);
    document.getElementById('f-from').value = M.weeks[state.from];
    document.getElementById('f-to').value = M.weeks[state.to];
    document.getElementById('period-label').textContent = M.weekLong[state.from] + ' → ' + M.weekLong[state.to];
  }

  function writeHash() {
    var parts = ['from=' + M.weeks[state.from], 'to=' + M.weeks[state.to]];
    var f = activeFilters();
    Object.keys(f).sort().forEach(function (k) { parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(f[k])); });
    var h = '#' + parts.join('&');
    if (location.hash !== h) history.replaceState(null, '', h);
    document.querySelectorAll('.tabs a').forEach(function (a) { a.setAttribute('href', a.getAttribute('data-page') + '.html' + h); });
  }
  function readHash() {
    var h = location.hash.replace(/^#/, '');
    if (!h) return;
    h.split('&').forEach(function (p) {
      var i = p.indexOf('=');
      if (i < 0) return;
      var k = decodeURIComponent(p.slice(0, i)), v = decodeURIComponent(p.slice(i + 1));
      var w = M.weeks.indexOf(v);
      if (k === 'from' && w >= 0) state.from = w;
      else if (k === 'to' && w >= 0) state.to = w;
      else if (M.filterDims.indexOf(k) >= 0) state.filters[k] = v;
    });
    if (state.from > state.to) state.from = state.to;
  }

  function renderAll() {
    updateFilterBar();
    views.forEach(function (v) {
      switch (v.block.kind) {
        case 'tiles': renderTiles(v); break;
        case 'trend': renderTrend(v); break;
        case 'control': renderControl(v); break;
        case 'breakdown': renderBreakdown(v, false); break;
        case 'pareto': renderBreakdown(v, true); break;
        case 'ranking': renderRanking(v); break;
      }
    });
    writeHash();
    document.body.setAttribute('data-rendered', String(Number(document.body.getAttribute('data-rendered') || 0) + 1));
  }

  // ---------------------------------------------------------------- start
  readHash();
  M.blocks.forEach(function (b) {
    var node = document.getElementById(b.id);
    var view = { block: b, el: node, chart: null, rows: [], meta: {} };
    var by = node.querySelector('select.by');
    if (by) {
      state.by[b.id] = by.value;
      by.addEventListener('change', function () { state.by[b.id] = by.value; renderAll(); });
    }
    var box = node.querySelector('[data-chart]');
    if (box) {
      view.chart = echarts.init(box, null, { renderer: 'canvas' });
      view.chart.on('click', function (p) { onChartClick(view, p); });
    }
    if (b.kind === 'tiles') {
      node.querySelectorAll('.tile').forEach(function (tile) {
        var kpi = tile.getAttribute('data-kpi');
        sparks.push({ tile: tile, chart: echarts.init(tile.querySelector('[data-spark]'), null, { renderer: 'canvas' }) });
        var open = function () { openDrill(kpi, state.to, activeFilters()); };
        tile.addEventListener('click', open);
        tile.addEventListener('keydown', function (e) { if (e.key === 'Enter') open(); });
      });
    }
    views.push(view);
  });

  M.filterDims.forEach(function (dim) {
    var sel = document.getElementById('f-' + dim);
    if (sel) sel.addEventListener('change', function () { state.filters[dim] = sel.value; renderAll(); });
  });
  document.getElementById('f-from').addEventListener('change', function (e) {
    state.from = M.weeks.indexOf(e.target.value);
    if (state.from > state.to) state.to = state.from;
    renderAll();
  });
  document.getElementById('f-to').addEventListener('change', function (e) {
    state.to = M.weeks.indexOf(e.target.value);
    if (state.to < state.from) state.from = state.to;
    renderAll();
  });
  document.getElementById('f-reset').addEventListener('click', function () {
    state.filters = {};
    state.from = M.from;
    state.to = M.to;
    renderAll();
  });

  var all = function () { return views.map(function (v) { return v.chart; }).concat(sparks.map(function (s) { return s.chart; })).filter(Boolean); };
  var pending = 0;
  function resize() {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(function () { all().forEach(function (c) { c.resize(); }); });
  }
  window.addEventListener('resize', resize);
  if (window.ResizeObserver) {
    var ro = new ResizeObserver(resize);
    document.querySelectorAll('[data-chart],[data-spark]').forEach(function (n) { ro.observe(n); });
  }

  var tInit = performance.now();
  renderAll();
  var tDone = performance.now();
  // For the browser tests: the charts of the page, by block id.
  window.orderflow = {
    charts: function () { var o = {}; views.forEach(function (v) { if (v.chart) o[v.block.id] = v.chart; }); return o; },
    state: state,
    openDrill: openDrill,
    timing: { start: t0, parse: tParsed - t0, init: tInit - tParsed, render: tDone - tInit }
  };
})();
