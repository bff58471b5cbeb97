// The timeline's code, run by the browser from inside the report (no file, no network). Plain
// JavaScript in a raw string: it is never executed by Node, so it is tested where it runs, in a
// real headless Chromium (test/report/html-browser.test.ts). No backticks or dollar-brace in it.
//
// One canvas, drawn on demand: per job a header row (its findings over time) and one row per
// scheduler instance. Zoomed out a row shows run density per pixel column; zoomed in, where the
// report kept the runs, every run is a bar. Marks differ in shape and colour (Okabe–Ito palette).

export const VIEWER_SCRIPT = String.raw`
(function () {
  'use strict';
  var started = performance.now();
  var D = JSON.parse(document.getElementById('timeline-data').textContent);
  var parsed = performance.now();
  var F = D.flags;
  var COLORS = { run: '#56B4E9', runEdge: '#0072B2', duplicate: '#E69F00', overlap: '#CC79A7', failed: '#D55E00',
    unfinished: '#000000', noEnd: '#555555', misfire: '#0072B2', skip: '#009E73', missed: '#F0E442', other: '#000000', down: '#999999' };
  var RULE_SHAPE = { 'duplicate-run': 'duplicate', 'overlapping-runs': 'overlap', 'job-error': 'failed', 'unfinished-run': 'unfinished',
    'misfire': 'misfire', 'max-instances-skip': 'skip', 'missed-run': 'missed' };
  var LABEL_W = 250, AXIS_H = 30, JOB_H = 22, LANE_H = 20, MIN_SPAN = 1000;

  // ---- decode ------------------------------------------------------------------------------
  var lanes = D.lanes.map(function (l, i) {
    var n = l.r.length / 7, S = new Float64Array(n), E = new Float64Array(n), L = new Float64Array(n), FL = new Int32Array(n),
      SRC = new Int32Array(n), LN = new Int32Array(n), C = new Int32Array(n), LV = new Int8Array(n), s = 0, ln = 0, maxDur = 0, levels = [], maxLevel = 0;
    for (var k = 0; k < n; k++) {
      var b = k * 7;
      s += l.r[b]; S[k] = s; E[k] = l.r[b + 1] < 0 ? NaN : s + l.r[b + 1]; L[k] = l.r[b + 2]; FL[k] = l.r[b + 3];
      SRC[k] = l.r[b + 4]; ln += l.r[b + 5]; LN[k] = ln; C[k] = l.r[b + 6] - 1;
      if (l.r[b + 1] > maxDur) maxDur = l.r[b + 1];
      // Runs that overlap in one lane are drawn on staggered levels, so neither hides the other.
      var lv = 0; while (lv < levels.length && levels[lv] > s) lv++;
      if (lv > 2) lv = 2;
      levels[lv] = isNaN(E[k]) ? s : E[k]; LV[k] = lv; if (lv > maxLevel) maxLevel = lv;
    }
    var pts = [], t = 0;
    for (var m = 0; m < l.m.length; m += 5) { t += l.m[m + 1]; pts.push({ kind: l.m[m] === 0 ? 'misfire' : 'skip', t: t, late: l.m[m + 2], src: l.m[m + 3], line: l.m[m + 4] }); }
    var q = [], qb = 0;
    for (var j = 0; j < l.q.length; j += 2) { qb += l.q[j]; q.push([qb, l.q[j + 1]]); }
    return { i: i, job: D.jobs[l.j], label: l.l, host: l.h, pid: l.p, total: l.n, S: S, E: E, L: L, F: FL, SRC: SRC, LN: LN, C: C, LV: LV, levels: maxLevel + 1, n: n, maxDur: maxDur, pts: pts, d0: l.d0, d: l.d, q: q };
  });

  // Rows: the scheduler-wide row, then per job a header and its lanes.
  var rows = [{ type: 'all', y: 0, h: JOB_H }];
  var y = JOB_H;
  D.jobs.forEach(function (j, ji) {
    rows.push({ type: 'job', job: j, ji: ji, y: y, h: JOB_H }); y += JOB_H;
    j.lanes.forEach(function (li) { rows.push({ type: 'lane', lane: lanes[li], y: y, h: LANE_H }); y += LANE_H; });
  });
  var contentH = y;

  // Counts per kind over the whole report, for the lane list (and the tests).
  var marks = { runs: 0, duplicate: 0, overlap: 0, failed: 0, unfinished: 0, noEnd: 0, misfire: 0, skip: 0, downtime: D.down.length };
  var laneCounts = lanes.map(function (l) {
    var c = { runs: l.total, duplicate: 0, overlap: 0, failed: 0, unfinished: 0, noEnd: 0, misfire: 0, skip: 0 };
    for (var k = 0; k < l.n; k++) {
      var f = l.F[k];
      if (f & F.duplicate) c.duplicate++;
      if (f & F.overlap) c.overlap++;
      if (f & F.failed) c.failed++;
      if (f & F.unfinished) c.unfinished++;
      if (f & F.noEnd) c.noEnd++;
    }
    l.pts.forEach(function (p) { c[p.kind]++; });
    Object.keys(c).forEach(function (k) { marks[k] += c[k]; });
    return c;
  });

  // ---- view state ----------------------------------------------------------------------------
  var full = { from: Math.min(0, D.t1) - 1, to: Math.max(D.t1, 1000) + 1 };
  var pad0 = (full.to - full.from) * 0.02;
  full.from -= pad0; full.to += pad0;
  var view = { from: full.from, to: full.to, scroll: 0, lane: -1, run: -1 };
  var canvas = document.getElementById('timeline');
  var ctx = canvas.getContext('2d');
  var tip = document.getElementById('tooltip');
  var status = document.getElementById('status');
  var cssW = 800, cssH = 400, drawn = {};

  function plotW() { return cssW - LABEL_W; }
  function X(t) { return LABEL_W + (t - view.from) / (view.to - view.from) * plotW(); }
  function T(x) { return view.from + (x - LABEL_W) / plotW() * (view.to - view.from); }

  function resize() {
    var dpr = window.devicePixelRatio || 1;
    cssW = Math.max(400, canvas.parentElement.clientWidth);
    cssH = Math.min(contentH + AXIS_H, Math.max(240, window.innerHeight - 120));
    canvas.style.width = cssW + 'px'; canvas.style.height = cssH + 'px';
    canvas.width = Math.round(cssW * dpr); canvas.height = Math.round(cssH * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    clampScroll(); draw();
  }
  function clampScroll() { view.scroll = Math.max(0, Math.min(view.scroll, contentH - (cssH - AXIS_H))); }

  // ---- time text -------------------------------------------------------------------------------
  function pad(n, w) { n = String(n); while (n.length < w) n = '0' + n; return n; }
  function wall(ms, withDate, digits) {
    var d = new Date(D.origin + ms + D.offset * 60000);
    var s = pad(d.getUTCHours(), 2) + ':' + pad(d.getUTCMinutes(), 2) + ':' + pad(d.getUTCSeconds(), 2);
    if (digits) s += '.' + pad(d.getUTCMilliseconds(), 3);
    if (withDate) s = d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1, 2) + '-' + pad(d.getUTCDate(), 2) + ' ' + s;
    return s;
  }
  function wallMicros(us) {
    var ms = Math.floor(us / 1000), rest = Math.round(us - ms * 1000);
    return wall(ms, true, true) + pad(rest, 3);
  }
  function offsetName() {
    if (!D.offset) return 'UTC';
    var m = Math.abs(D.offset);
    return 'UTC' + (D.offset < 0 ? '-' : '+') + pad(Math.floor(m / 60), 2) + ':' + pad(m % 60, 2);
  }
  function dur(ms) {
    if (ms < 1000) return ms + ' ms';
    if (ms < 60000) return (ms / 1000).toFixed(3) + ' s';
    if (ms < 3600000) return Math.floor(ms / 60000) + ' min ' + Math.round(ms % 60000 / 1000) + ' s';
    if (ms < 86400000) return Math.floor(ms / 3600000) + ' h ' + Math.round(ms % 3600000 / 60000) + ' min';
    return (ms / 86400000).toFixed(1) + ' d';
  }
  function iso(ms) { return new Date(D.origin + ms).toISOString(); }

  // ---- shapes (also drawn in the legend, so they match) ----------------------------------------
  function shape(c, kind, x, y, r) {
    c.save(); c.lineWidth = 1.5; c.strokeStyle = '#000';
    c.fillStyle = COLORS[kind] || COLORS.other;
    c.beginPath();
    if (kind === 'duplicate') { c.moveTo(x, y - r); c.lineTo(x + r, y + r * 0.8); c.lineTo(x - r, y + r * 0.8); c.closePath(); c.fill(); c.stroke(); }
    else if (kind === 'overlap') { c.moveTo(x, y - r); c.lineTo(x + r, y); c.lineTo(x, y + r); c.lineTo(x - r, y); c.closePath(); c.fill(); c.stroke(); }
    else if (kind === 'failed') { c.rect(x - r * 0.8, y - r * 0.8, r * 1.6, r * 1.6); c.fill(); c.stroke(); }
    else if (kind === 'unfinished') { c.moveTo(x - r * 0.7, y - r); c.lineTo(x + r, y); c.lineTo(x - r * 0.7, y + r); c.closePath(); c.fillStyle = '#fff'; c.fill(); c.lineWidth = 2; c.stroke(); }
    else if (kind === 'misfire') { c.strokeStyle = COLORS.misfire; c.lineWidth = 3; c.moveTo(x - r, y - r); c.lineTo(x + r, y + r); c.moveTo(x + r, y - r); c.lineTo(x - r, y + r); c.stroke(); }
    else if (kind === 'skip') { c.strokeStyle = COLORS.skip; c.lineWidth = 3; c.arc(x, y, r * 0.85, 0, Math.PI * 2); c.stroke(); }
    else if (kind === 'missed') { c.moveTo(x - r, y - r * 0.8); c.lineTo(x + r, y - r * 0.8); c.lineTo(x, y + r); c.closePath(); c.fill(); c.stroke(); }
    else if (kind === 'noEnd') { c.strokeStyle = COLORS.noEnd; c.lineWidth = 2; c.moveTo(x, y - r * 1.2); c.lineTo(x, y + r * 1.2); c.stroke(); }
    else if (kind === 'run') { c.fillStyle = COLORS.run; c.strokeStyle = COLORS.runEdge; c.rect(x - r * 1.4, y - r * 0.6, r * 2.8, r * 1.2); c.fill(); c.stroke(); }
    else if (kind === 'downtime') { c.rect(x - r * 1.4, y - r, r * 2.8, r * 2); c.fillStyle = hatch(c); c.fill(); c.strokeStyle = COLORS.down; c.stroke(); }
    else if (kind === 'density') { c.fillStyle = COLORS.run; c.rect(x - r * 1.4, y + r * 0.2, r * 0.6, r * 0.8); c.rect(x - r * 0.6, y - r * 0.4, r * 0.6, r * 1.4); c.rect(x + r * 0.2, y - r, r * 0.6, r * 2); c.fill(); }
    else if (kind === 'problems') { c.fillStyle = COLORS.failed; c.rect(x - r, y - r * 0.9, r * 2, r * 0.7); c.fill(); }
    else { c.moveTo(x, y - r); for (var k = 1; k < 10; k++) { var a = -Math.PI / 2 + k * Math.PI / 5, rr = k % 2 ? r * 0.45 : r; c.lineTo(x + Math.cos(a) * rr, y + Math.sin(a) * rr); } c.closePath(); c.fillStyle = '#fff'; c.fill(); c.stroke(); }
    c.restore();
  }
  var hatchPattern = null;
  function hatch(c) {
    if (hatchPattern) return hatchPattern;
    var p = document.createElement('canvas'); p.width = 8; p.height = 8;
    var g = p.getContext('2d'); g.strokeStyle = COLORS.down; g.lineWidth = 1.5;
    g.beginPath(); g.moveTo(0, 8); g.lineTo(8, 0); g.moveTo(-2, 2); g.lineTo(2, -2); g.moveTo(6, 10); g.lineTo(10, 6); g.stroke();
    hatchPattern = c.createPattern(p, 'repeat');
    return hatchPattern;
  }

  // ---- drawing -----------------------------------------------------------------------------------
  function lower(a, n, t) { var lo = 0, hi = n; while (lo < hi) { var m = (lo + hi) >> 1; if (a[m] < t) lo = m + 1; else hi = m; } return lo; }
  function isKept(t) {
    for (var k = 0; k < D.dropped.length; k++) if (t >= D.dropped[k][0] && t < D.dropped[k][1]) return false;
    return true;
  }
  function exactMode(l) {
    var a = lower(l.S, l.n, view.from - l.maxDur), b = lower(l.S, l.n, view.to);
    var visibleTotal = densityIn(l, view.from, view.to);
    return (b - a) <= plotW() / 3 && visibleTotal <= plotW() / 3 + (b - a);
  }
  function densityIn(l, from, to) {
    var b0 = Math.max(0, Math.floor((from - D.b0) / D.bucket) - l.d0), b1 = Math.min(l.d.length - 1, Math.floor((to - D.b0) / D.bucket) - l.d0), s = 0;
    for (var b = b0; b <= b1; b++) s += l.d[b];
    return s;
  }
  function tick(span) {
    var steps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 15000, 30000, 60000, 120000, 300000, 600000, 900000, 1800000, 3600000,
      7200000, 10800000, 21600000, 43200000, 86400000, 172800000, 604800000, 2592000000, 31536000000];
    for (var k = 0; k < steps.length; k++) if (span / steps[k] <= plotW() / 110) return steps[k];
    return steps[steps.length - 1];
  }

  function draw() {
    drawn = { runs: 0, duplicate: 0, overlap: 0, failed: 0, unfinished: 0, noEnd: 0, misfire: 0, skip: 0, downtime: 0, density: 0, findings: 0 };
    ctx.clearRect(0, 0, cssW, cssH);
    ctx.font = '12px system-ui, sans-serif'; ctx.textBaseline = 'middle';
    var top = AXIS_H - view.scroll;
    ctx.save(); ctx.beginPath(); ctx.rect(0, AXIS_H, cssW, cssH - AXIS_H); ctx.clip();
    for (var r = 0; r < rows.length; r++) {
      var row = rows[r], ry = top + row.y;
      if (ry + row.h < AXIS_H || ry > cssH) continue;
      drawRow(row, ry);
    }
    ctx.restore();
    drawAxis();
    var span = view.to - view.from;
    status.textContent = 'Showing ' + wall(view.from, true, true) + ' to ' + wall(view.to, true, true) + ' (' + dur(Math.round(span)) + ', times in ' + offsetName() + ')';
    canvas.dataset.from = iso(view.from); canvas.dataset.to = iso(view.to);
  }

  function drawRow(row, ry) {
    var sel = row.type === 'lane' && row.lane.i === view.lane;
    ctx.fillStyle = row.type === 'lane' ? (sel ? '#fff6d5' : '#ffffff') : '#eef1f5';
    ctx.fillRect(0, ry, cssW, row.h);
    ctx.strokeStyle = '#dde2e8'; ctx.beginPath(); ctx.moveTo(0, ry + row.h - 0.5); ctx.lineTo(cssW, ry + row.h - 0.5); ctx.stroke();
    ctx.save(); ctx.beginPath(); ctx.rect(LABEL_W, ry, plotW(), row.h); ctx.clip();
    D.down.forEach(function (g) {
      var x0 = Math.max(LABEL_W, X(g[0])), x1 = Math.min(cssW, X(g[1]));
      if (x1 > x0) { ctx.fillStyle = hatch(ctx); ctx.fillRect(x0, ry, Math.max(1, x1 - x0), row.h); if (row.type === 'all') drawn.downtime++; }
    });
    if (row.type === 'lane') drawLane(row.lane, ry);
    else drawFindings(row.type === 'all' ? null : row.job, ry + row.h / 2);
    ctx.restore();
    ctx.fillStyle = '#1b1f24';
    ctx.font = row.type === 'lane' ? '12px system-ui, sans-serif' : 'bold 12px system-ui, sans-serif';
    var text = row.type === 'all' ? 'All jobs (scheduler-wide)' : row.type === 'job' ? row.job.n + '  ' + row.job.t : '  ' + row.lane.label;
    ctx.fillText(clip(text, LABEL_W - 10, row.type !== 'lane'), 6, ry + row.h / 2);
  }
  // A job's name is read from its start; an instance (a path, then the pid) from its end.
  function clip(text, w, keepStart) {
    if (ctx.measureText(text).width <= w) return text;
    if (keepStart) {
      var a = 0, z = text.length;
      while (a < z) { var mm = (a + z + 1) >> 1; if (ctx.measureText(text.slice(0, mm) + '…').width <= w) a = mm; else z = mm - 1; }
      return text.slice(0, a) + '…';
    }
    var lo = 0, hi = text.length;
    while (lo < hi) { var m = (lo + hi + 1) >> 1; if (ctx.measureText('…' + text.slice(text.length - m)).width <= w) lo = m; else hi = m - 1; }
    return '…' + text.slice(text.length - lo);
  }

  function drawLane(l, ry) {
    var mid = ry + LANE_H / 2;
    if (!exactMode(l)) { drawDensity(l, ry, view.from, view.to); drawPoints(l, mid); return; }
    // Exact runs where the report kept them; density (hatched) where it kept counts only.
    var x = LABEL_W, t0 = view.from;
    while (x < cssW) {
      var t = T(x), kept = isKept(t), x2 = x;
      while (x2 < cssW && isKept(T(x2)) === kept) x2 += 2;
      if (!kept) drawDensity(l, ry, T(x), T(x2), true);
      x = x2;
    }
    var a = lower(l.S, l.n, view.from - l.maxDur - 1), b = lower(l.S, l.n, view.to + 1);
    for (var k = a; k < b; k++) {
      var xs = X(l.S[k]), f = l.F[k], failed = f & F.failed;
      if (isNaN(l.E[k])) { shape(ctx, 'noEnd', xs, mid, 6); if (f & F.noEnd) drawn.noEnd++; }
      else {
        var xe = Math.max(xs + 2, X(l.E[k])), bh = l.levels === 1 ? 8 : l.levels === 2 ? 6 : 4;
        var by = mid - (l.levels * bh + l.levels - 1) / 2 + l.LV[k] * (bh + 1);
        ctx.fillStyle = failed ? COLORS.failed : (f & F.duplicate) ? COLORS.duplicate : COLORS.run;
        ctx.strokeStyle = failed ? '#7a2c00' : COLORS.runEdge; ctx.lineWidth = 1;
        ctx.fillRect(xs, by, xe - xs, bh); ctx.strokeRect(xs + 0.5, by + 0.5, xe - xs - 1, bh - 1);
      }
      drawn.runs++;
      var mk = 0;
      if (f & F.failed) { shape(ctx, 'failed', xs + 2 + mk, mid - 1, 4.5); drawn.failed++; mk += 9; }
      if (f & F.unfinished) { shape(ctx, 'unfinished', xs + 2 + mk, mid, 5); drawn.unfinished++; mk += 9; }
      if (f & F.duplicate) { shape(ctx, 'duplicate', xs + mk, mid - 2, 5); drawn.duplicate++; mk += 10; }
      if (f & F.overlap) { shape(ctx, 'overlap', xs + mk + 2, mid, 5); drawn.overlap++; }
      if (k === view.run && l.i === view.lane) { ctx.strokeStyle = '#000'; ctx.lineWidth = 2; ctx.strokeRect(xs - 3, ry + 1, Math.max(8, (isNaN(l.E[k]) ? xs : X(l.E[k])) - xs + 6), LANE_H - 2); }
    }
    drawPoints(l, mid);
  }
  function drawPoints(l, mid) {
    l.pts.forEach(function (p) {
      if (p.t < view.from || p.t > view.to) return;
      shape(ctx, p.kind, X(p.t), mid, 5); drawn[p.kind]++;
    });
  }
  function drawDensity(l, ry, from, to, hatched) {
    var W = Math.ceil(X(to) - X(from)); if (W <= 0) return;
    var cols = new Float64Array(W), probs = new Float64Array(W), base = X(from);
    var b0 = Math.max(0, Math.floor((from - D.b0) / D.bucket) - l.d0), b1 = Math.min(l.d.length - 1, Math.floor((to - D.b0) / D.bucket) - l.d0);
    for (var b = b0; b <= b1; b++) {
      if (!l.d[b]) continue;
      var bt0 = D.b0 + (b + l.d0) * D.bucket, bt1 = bt0 + D.bucket;
      var c0 = Math.max(0, Math.floor(X(bt0) - base)), c1 = Math.min(W - 1, Math.max(c0, Math.ceil(X(bt1) - base) - 1));
      var per = l.d[b] / (c1 - c0 + 1);
      for (var c = c0; c <= c1; c++) cols[c] += per;
    }
    l.q.forEach(function (q) {
      var bt = D.b0 + q[0] * D.bucket;
      if (bt + D.bucket < from || bt > to) return;
      var c = Math.max(0, Math.min(W - 1, Math.floor(X(bt + D.bucket / 2) - base)));
      probs[c] += q[1];
    });
    var max = 0; for (var k = 0; k < W; k++) if (cols[k] > max) max = cols[k];
    if (max === 0) return;
    ctx.fillStyle = hatched ? '#a9cfe6' : COLORS.run;
    for (var c2 = 0; c2 < W; c2++) {
      if (!cols[c2]) continue;
      var h = Math.max(2, Math.sqrt(cols[c2] / max) * (LANE_H - 6));
      ctx.fillRect(base + c2, ry + LANE_H - 3 - h, 1, h);
    }
    if (hatched) { ctx.fillStyle = hatch(ctx); ctx.globalAlpha = 0.5; ctx.fillRect(base, ry, W, LANE_H); ctx.globalAlpha = 1; }
    for (var c3 = 0; c3 < W; c3++) if (probs[c3]) { shape(ctx, 'problems', base + c3, ry + 5, 4); c3 += 6; }
    drawn.density++;
  }
  function drawFindings(job, mid) {
    D.findings.forEach(function (f, fi) {
      if (job === null ? f.job !== null : (f.job !== job.n || (f.trig !== null && f.trig !== job.t))) return;
      if (f.first === null) return;
      var x0 = X(f.first), x1 = X(f.last === null ? f.first : f.last), kind = RULE_SHAPE[f.rule] || 'other';
      if (x1 < LABEL_W - 10 || x0 > cssW + 10) return;
      ctx.strokeStyle = COLORS[kind] || '#000'; ctx.lineWidth = 2; ctx.setLineDash(kind === 'other' ? [4, 3] : []);
      ctx.beginPath(); ctx.moveTo(x0, mid + 6); ctx.lineTo(Math.max(x0 + 1, x1), mid + 6); ctx.stroke(); ctx.setLineDash([]);
      shape(ctx, kind, x0, mid - 1, 6); drawn.findings++;
    });
  }
  function drawAxis() {
    ctx.fillStyle = '#f7f8fa'; ctx.fillRect(0, 0, cssW, AXIS_H);
    ctx.strokeStyle = '#9aa4ae'; ctx.beginPath(); ctx.moveTo(0, AXIS_H - 0.5); ctx.lineTo(cssW, AXIS_H - 0.5); ctx.stroke();
    var span = view.to - view.from, step = tick(span), t = Math.ceil((view.from + D.origin + D.offset * 60000) / step) * step - D.origin - D.offset * 60000;
    ctx.fillStyle = '#1b1f24'; ctx.font = '11px system-ui, sans-serif';
    ctx.fillText(wall(view.from, true, false).slice(0, 10), 6, AXIS_H / 2);
    for (; t <= view.to; t += step) {
      var x = X(t); if (x < LABEL_W) continue;
      ctx.beginPath(); ctx.moveTo(x + 0.5, AXIS_H - 6); ctx.lineTo(x + 0.5, AXIS_H); ctx.stroke();
      var label = step < 1000 ? wall(t, false, true) : step >= 86400000 ? wall(t, true, false).slice(0, 10) : wall(t, false, false).slice(0, step < 60000 ? 8 : 5);
      ctx.fillText(label, x + 3, AXIS_H / 2 - 2);
    }
  }

  // ---- hit testing and the tooltip ---------------------------------------------------------------
  function rowAt(py) { var cy = py - AXIS_H + view.scroll; for (var r = 0; r < rows.length; r++) if (cy >= rows[r].y && cy < rows[r].y + rows[r].h) return rows[r]; return null; }
  function hit(px, py) {
    if (px < LABEL_W || py < AXIS_H) return null;
    var row = rowAt(py); if (!row) return null;
    if (row.type !== 'lane') {
      var best = null;
      D.findings.forEach(function (f) {
        if (f.first === null || (row.type === 'all' ? f.job !== null : f.job !== row.job.n)) return;
        if (px >= X(f.first) - 7 && px <= Math.max(X(f.first), X(f.last === null ? f.first : f.last)) + 7) best = { finding: f };
      });
      return best;
    }
    var l = row.lane, t = T(px), tol = (view.to - view.from) / plotW() * 6;
    for (var p = 0; p < l.pts.length; p++) if (Math.abs(l.pts[p].t - t) <= tol) return { lane: l, point: l.pts[p] };
    if (!exactMode(l) || !isKept(t)) return { lane: l, density: densityIn(l, t - tol * 5, t + tol * 5), from: t - tol * 5, to: t + tol * 5 };
    var a = lower(l.S, l.n, t - l.maxDur - tol), b = lower(l.S, l.n, t + tol), found = -1;
    for (var k = a; k < b; k++) {
      var end = isNaN(l.E[k]) ? l.S[k] : l.E[k];
      if (t >= l.S[k] - tol && t <= end + tol) found = k; // the latest start under the pointer wins
    }
    return found < 0 ? null : { lane: l, run: found };
  }
  function outcome(l, k) {
    var f = l.F[k], parts = [f & F.failed ? 'failed' : f & F.unfinished ? 'unfinished (its scheduler restarted)' : f & F.noEnd ? 'no end logged' : 'ran'];
    if (l.C[k] >= 0) parts.push('duplicate copy of ' + lanes[l.C[k]].label);
    else if (f & F.duplicate) parts.push('first of several copies');
    if (f & F.overlap) parts.push('overlapped an earlier run');
    return parts.join(', ');
  }
  function tipLines(h) {
    if (h.finding) return [h.finding.rule + ' (' + h.finding.sev + ')', h.finding.msg].concat(h.finding.ev.slice(0, 3));
    var l = h.lane, head = ['Job: ' + l.job.n + '  ' + l.job.t, 'Instance: ' + l.label + (l.host && l.label.indexOf(l.host) < 0 ? '  host ' + l.host : '') + (l.pid && l.label.indexOf('pid ' + l.pid) < 0 ? '  pid ' + l.pid : '')];
    if (h.point) return head.concat([h.point.kind === 'skip' ? 'Skipped: maximum number of running instances reached' : 'Missed (misfire) by ' + dur(h.point.late),
      'At: ' + wall(h.point.t, true, true), 'Evidence: ' + D.sources[h.point.src] + ':' + h.point.line]);
    if (h.density !== undefined) return head.concat([h.density + ' runs around ' + wall((h.from + h.to) / 2, true, false), 'Zoom in to see single runs' + (isKept((h.from + h.to) / 2) ? '' : ' (this span has counts only: the report kept exact runs near findings)')]);
    var k = h.run, sched = (l.S[k] + D.origin) * 1000 - l.L[k] - D.origin * 1000, end = l.E[k];
    var lines = head.concat(['Scheduled at: ' + wallMicros(sched), 'Start: ' + wall(l.S[k], true, true) + (l.F[k] & F.startInferred ? ' (no stamp: scheduled time)' : ''),
      'End: ' + (isNaN(end) ? '–' : wall(end, true, true)), 'Duration: ' + (isNaN(end) ? '–' : dur(end - l.S[k])), 'Outcome: ' + outcome(l, k),
      'Evidence: ' + D.sources[l.SRC[k]] + ':' + l.LN[k]]);
    return lines;
  }
  function showTip(h, px, py) {
    if (!h) { tip.hidden = true; return; }
    tip.textContent = '';
    tipLines(h).forEach(function (line) { var d = document.createElement('div'); d.textContent = line; tip.appendChild(d); });
    tip.hidden = false;
    var box = canvas.getBoundingClientRect();
    var left = Math.min(box.left + window.scrollX + px + 14, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 8);
    tip.style.left = Math.max(4, left) + 'px'; tip.style.top = (box.top + window.scrollY + py + 14) + 'px';
  }

  // ---- interaction ------------------------------------------------------------------------------
  function zoom(factor, at) {
    var span = view.to - view.from, max = (full.to - full.from) * 1.5;
    var next = Math.max(MIN_SPAN, Math.min(max, span * factor));
    var t = at === undefined ? view.from + span / 2 : at, ratio = (t - view.from) / span;
    view.from = t - next * ratio; view.to = view.from + next; draw();
  }
  function pan(fraction) { var d = (view.to - view.from) * fraction; view.from += d; view.to += d; draw(); }
  function setView(from, to) {
    if (to - from < MIN_SPAN) { var c = (from + to) / 2; from = c - MIN_SPAN / 2; to = c + MIN_SPAN / 2; }
    view.from = from; view.to = to; draw();
  }
  function laneRow(li) { for (var r = 0; r < rows.length; r++) if (rows[r].type === 'lane' && rows[r].lane.i === li) return rows[r]; return null; }
  function scrollToRow(row) { if (!row) return; var visible = cssH - AXIS_H; if (row.y < view.scroll || row.y + row.h > view.scroll + visible) { view.scroll = row.y - JOB_H; clampScroll(); } }

  var drag = null;
  canvas.addEventListener('mousedown', function (e) { drag = { x: e.offsetX, y: e.offsetY, from: view.from, to: view.to, scroll: view.scroll }; });
  window.addEventListener('mouseup', function () { drag = null; });
  canvas.addEventListener('mousemove', function (e) {
    if (drag) {
      var dt = (e.offsetX - drag.x) / plotW() * (drag.to - drag.from);
      view.from = drag.from - dt; view.to = drag.to - dt; view.scroll = drag.scroll - (e.offsetY - drag.y); clampScroll(); draw(); tip.hidden = true; return;
    }
    showTip(hit(e.offsetX, e.offsetY), e.offsetX, e.offsetY);
  });
  canvas.addEventListener('mouseleave', function () { tip.hidden = true; });
  canvas.addEventListener('wheel', function (e) {
    e.preventDefault();
    if (e.offsetX < LABEL_W || e.shiftKey) { view.scroll += e.deltaY; clampScroll(); draw(); return; }
    zoom(Math.pow(1.0015, e.deltaY), T(e.offsetX));
  }, { passive: false });
  canvas.addEventListener('dblclick', function (e) { if (e.offsetX >= LABEL_W) zoom(0.5, T(e.offsetX)); });

  // Keyboard: arrows pan and pick a lane, +/- zoom, 0 the whole log, [ and ] step through runs.
  canvas.addEventListener('keydown', function (e) {
    var k = e.key, handled = true;
    if (k === 'ArrowLeft') pan(-0.1);
    else if (k === 'ArrowRight') pan(0.1);
    else if (k === '+' || k === '=') zoom(0.5);
    else if (k === '-' || k === '_') zoom(2);
    else if (k === '0' || k === 'Home') setView(full.from, full.to);
    else if (k === 'ArrowDown' || k === 'ArrowUp') selectLane(k === 'ArrowDown' ? 1 : -1);
    else if (k === ']' || k === '[' || k === 'n' || k === 'p') stepRun(k === ']' || k === 'n' ? 1 : -1);
    else if (k === 'PageDown') { view.scroll += cssH - AXIS_H - 40; clampScroll(); draw(); }
    else if (k === 'PageUp') { view.scroll -= cssH - AXIS_H - 40; clampScroll(); draw(); }
    else if (k === 'Escape') { tip.hidden = true; }
    else handled = false;
    if (handled) e.preventDefault();
  });
  function selectLane(d) {
    var next = Math.max(0, Math.min(lanes.length - 1, view.lane < 0 ? 0 : view.lane + d));
    var order = rows.filter(function (r) { return r.type === 'lane'; }).map(function (r) { return r.lane.i; });
    var pos = order.indexOf(view.lane); next = order[Math.max(0, Math.min(order.length - 1, pos < 0 ? 0 : pos + d))];
    view.lane = next; view.run = -1; scrollToRow(laneRow(next)); draw();
    var l = lanes[next]; say('Lane ' + l.job.n + ', ' + l.label + ': ' + l.total + ' runs. Press ] or [ to step through its runs.');
  }
  function stepRun(d) {
    if (view.lane < 0) { selectLane(0); return; }
    var l = lanes[view.lane]; if (!l.n) { say('No single runs kept for this lane.'); return; }
    var k = view.run < 0 ? lower(l.S, l.n, view.from) - (d > 0 ? 0 : 1) : view.run + d;
    k = Math.max(0, Math.min(l.n - 1, k)); view.run = k;
    var end = isNaN(l.E[k]) ? l.S[k] : l.E[k];
    if (l.S[k] < view.from || end > view.to) { var span = view.to - view.from; view.from = l.S[k] - span * 0.3; view.to = view.from + span; }
    if (!exactMode(l)) { var sp = Math.max(MIN_SPAN, (l.maxDur || 1000) * 20); view.from = l.S[k] - sp * 0.3; view.to = view.from + sp; }
    draw();
    var row = laneRow(l.i);
    showTip({ lane: l, run: k }, X(l.S[k]), row.y - view.scroll + AXIS_H + LANE_H);
    say(tipLines({ lane: l, run: k }).join('. '));
  }
  function say(text) { document.getElementById('announce').textContent = text; }

  document.getElementById('zoom-in').addEventListener('click', function () { zoom(0.5); });
  document.getElementById('zoom-out').addEventListener('click', function () { zoom(2); });
  document.getElementById('zoom-all').addEventListener('click', function () { setView(full.from, full.to); });
  Array.prototype.forEach.call(document.querySelectorAll('[data-finding]'), function (el) {
    el.addEventListener('click', function () { focusFinding(Number(el.getAttribute('data-finding'))); });
  });
  function focusFinding(i) {
    var f = D.findings[i];
    if (f.first !== null) {
      var last = f.last === null ? f.first : f.last, span = Math.max(MIN_SPAN * 4, last - f.first), padding = span * 0.1 + 1000;
      setView(f.first - padding, last + padding);
    }
    var target = null;
    rows.forEach(function (r) { if (!target && r.type === 'job' && f.job !== null && r.job.n === f.job && (f.trig === null || r.job.t === f.trig)) target = r; });
    if (target) { view.scroll = target.y; clampScroll(); var first = target.job.lanes[0]; view.lane = first === undefined ? -1 : first; view.run = -1; }
    else if (f.job === null) view.scroll = 0;
    draw();
    canvas.scrollIntoView({ block: 'nearest' });
    say('Zoomed to ' + f.rule + (f.job ? ' for ' + f.job : '') + ': ' + status.textContent);
  }

  // ---- legend and lane list (the same shapes as the canvas; the counts for the tests) ------------
  var LEGEND = [['run', 'run (bar from start to end)'], ['noEnd', 'no end logged (tick)'], ['duplicate', 'duplicate copy'], ['overlap', 'overlap'],
    ['failed', 'failed (error)'], ['unfinished', 'unfinished (scheduler restarted)'], ['misfire', 'misfire (missed by …)'], ['skip', 'skipped (max_instances)'],
    ['missed', 'missed run'], ['downtime', 'no scheduler running'], ['density', 'run density (zoomed out)'], ['problems', 'runs with problems (zoomed out)'], ['other', 'other finding']];
  var legend = document.getElementById('legend');
  LEGEND.forEach(function (item) {
    var li = document.createElement('li'), c = document.createElement('canvas'), dpr = window.devicePixelRatio || 1;
    c.width = 22 * dpr; c.height = 16 * dpr; c.style.width = '22px'; c.style.height = '16px'; c.setAttribute('aria-hidden', 'true');
    var g = c.getContext('2d'); g.scale(dpr, dpr); shape(g, item[0], 11, 8, 6);
    li.appendChild(c); li.appendChild(document.createTextNode(' ' + item[1])); li.dataset.kind = item[0]; legend.appendChild(li);
  });
  var list = document.getElementById('lane-list');
  lanes.forEach(function (l, i) {
    var c = laneCounts[i], li = document.createElement('li');
    li.dataset.job = l.job.n; li.dataset.instance = l.label;
    Object.keys(c).forEach(function (k) { li.dataset[k] = String(c[k]); });
    li.textContent = l.job.n + ', ' + l.label + ': ' + c.runs + ' runs' + ['duplicate', 'overlap', 'failed', 'unfinished', 'noEnd', 'misfire', 'skip']
      .filter(function (k) { return c[k]; }).map(function (k) { return ', ' + c[k] + ' ' + k; }).join('');
    list.appendChild(li);
  });

  window.schedDoctorTimeline = {
    state: function () { return { from: iso(view.from), to: iso(view.to), fromMs: D.origin + view.from, toMs: D.origin + view.to, scroll: view.scroll, lane: view.lane, run: view.run }; },
    marks: marks, drawn: function () { return drawn; },
    lanes: lanes.map(function (l, i) { return { job: l.job.n, instance: l.label, counts: laneCounts[i] }; }),
    /** Where run k of lane i is drawn, in page coordinates (for pointer tests). */
    runPoint: function (i, k) {
      var l = lanes[i], row = laneRow(i); scrollToRow(row); draw();
      var box = canvas.getBoundingClientRect(), end = isNaN(l.E[k]) ? l.S[k] : l.E[k];
      return { x: box.left + (X(l.S[k]) + Math.max(X(l.S[k]) + 2, X(end))) / 2, y: box.top + AXIS_H + row.y - view.scroll + LANE_H / 2 };
    },
    run: function (i, k) { var l = lanes[i]; return { start: iso(l.S[k]), end: isNaN(l.E[k]) ? null : iso(l.E[k]), flags: l.F[k] }; },
  };
  window.addEventListener('resize', resize);
  var decoded = performance.now();
  resize();
  document.body.dataset.timing = 'script start ' + Math.round(started) + ' ms, parse ' + Math.round(parsed - started) + ' ms, decode ' + Math.round(decoded - parsed) + ' ms, first draw ' + Math.round(performance.now() - decoded) + ' ms';
  document.body.dataset.readyMs = String(Math.round(performance.now()));
  document.body.dataset.ready = 'true';
})();
`;
