// The converter page's script. It shows what the API answered, as the API
// wrote it: every number from /convert and /timeseries is kept as the text
// of the JSON number (readJSON below), never turned into a float for
// display, because 112.50 would become 112.5 and a long rate could lose
// digits. The chart maps rates to pixels with floats: that is drawing, not
// money.
'use strict';

(() => {
  const firstPublication = '1999-01-04';
  const svgNS = 'http://www.w3.org/2000/svg';

  // readJSON parses JSON as JSON.parse does, except that numbers stay the
  // strings they were written as. Objects have no prototype, so a key such
  // as "__proto__" is just a key.
  function readJSON(text) {
    let i = 0;
    const number = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
    const string = /"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/y;
    const fail = () => { throw new SyntaxError('invalid JSON at offset ' + i); };
    const space = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
    const match = (re) => {
      re.lastIndex = i;
      const m = re.exec(text);
      if (m === null) fail();
      i = re.lastIndex;
      return m[0];
    };
    const literal = (word, v) => {
      if (!text.startsWith(word, i)) fail();
      i += word.length;
      return v;
    };
    function value() {
      space();
      switch (text[i]) {
        case '{': {
          i++;
          const o = Object.create(null);
          space();
          if (text[i] === '}') { i++; return o; }
          for (;;) {
            space();
            if (text[i] !== '"') fail();
            const key = JSON.parse(match(string));
            space();
            if (text[i++] !== ':') fail();
            o[key] = value();
            space();
            const c = text[i++];
            if (c === '}') return o;
            if (c !== ',') fail();
          }
        }
        case '[': {
          i++;
          const a = [];
          space();
          if (text[i] === ']') { i++; return a; }
          for (;;) {
            a.push(value());
            space();
            const c = text[i++];
            if (c === ']') return a;
            if (c !== ',') fail();
          }
        }
        case '"': return JSON.parse(match(string));
        case 't': return literal('true', true);
        case 'f': return literal('false', false);
        case 'n': return literal('null', null);
        default: return match(number);
      }
    }
    const v = value();
    space();
    if (i !== text.length) fail();
    return v;
  }

  // get fetches one of our routes and reads its JSON body, an answer or an
  // RFC 9457 problem. A failure to reach us at all is a problem too.
  async function get(path, params, signal) {
    const search = new URLSearchParams(params).toString();
    const url = search ? path + '?' + search : path;
    let res;
    try {
      res = await fetch(url, { signal, headers: { Accept: 'application/json' } });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      return { ok: false, body: { title: 'Network error', detail: 'The API could not be reached: ' + e.message } };
    }
    const text = await res.text();
    let body;
    try {
      body = readJSON(text);
    } catch {
      body = { title: 'Unexpected answer', detail: res.status + ' ' + res.statusText };
    }
    return { ok: res.ok, status: res.status, body };
  }

  const $ = (sel, root = document) => root.querySelector(sel);
  const form = $('#convert');
  const fields = { amount: $('#amount'), from: $('#from'), to: $('#to'), date: $('#date') };
  const answer = $('#answer');
  const problemBox = $('#problem');
  const chart = $('#chart');
  const plot = $('#plot');
  const summary = $('#chart-summary');
  const params = new URLSearchParams(location.search);
  let spans = new Map(); // code -> {first, last}: the dates it was published
  let range = ['1M', '6M', '1Y', '5Y', 'max'].includes(params.get('range')) ? params.get('range') : '1Y';
  let convertAbort = null;
  let chartAbort = null;
  let shown = null; // the /convert answer on screen
  let drawn = null; // the chart's points, redrawn on resize without a fetch

  function setField(root, name, value) {
    for (const el of root.querySelectorAll('[data-field="' + name + '"]')) el.textContent = value;
  }

  function clearProblems() {
    problemBox.hidden = true;
    problemBox.textContent = '';
    for (const [name, el] of Object.entries(fields)) {
      el.removeAttribute('aria-invalid');
      $('#' + name + '-error').textContent = '';
    }
  }

  // showProblem puts each parameter's problem under its field, and the rest
  // in the alert box.
  function showProblem(p, where) {
    const general = [];
    for (const e of Array.isArray(p.errors) ? p.errors : []) {
      const el = fields[e.parameter];
      if (el && where === 'convert') {
        el.setAttribute('aria-invalid', 'true');
        $('#' + e.parameter + '-error').textContent = e.detail;
      } else {
        general.push(e.parameter + ': ' + e.detail);
      }
    }
    if (general.length === 0 && !(p.errors && p.errors.length)) general.push(p.detail || p.title || 'The request failed');
    if (general.length) {
      problemBox.textContent = (where === 'chart' ? 'Chart: ' : '') + general.join('; ');
      problemBox.hidden = false;
    }
  }

  async function loadCurrencies() {
    const res = await get('/currencies', {});
    if (!res.ok) {
      showProblem(res.body, 'currencies');
      return;
    }
    const want = { from: params.get('from') || 'USD', to: params.get('to') || 'EUR' };
    spans = new Map();
    for (const sel of [fields.from, fields.to]) sel.replaceChildren();
    for (const c of res.body.currencies) {
      spans.set(c.code, { first: c.first_date, last: c.last_date });
      for (const sel of [fields.from, fields.to]) {
        const o = document.createElement('option');
        o.value = c.code;
        o.textContent = c.code + ' · ' + c.name;
        sel.append(o);
      }
    }
    for (const name of ['from', 'to']) {
      const code = want[name].toUpperCase();
      if (spans.has(code)) fields[name].value = code;
    }
  }

  function query() {
    const q = { from: fields.from.value, to: fields.to.value, amount: fields.amount.value.trim() };
    if (fields.date.value) q.date = fields.date.value;
    return q;
  }

  async function convert() {
    clearProblems();
    if (convertAbort) convertAbort.abort();
    convertAbort = new AbortController();
    const q = query();
    const link = new URLSearchParams(q);
    link.set('range', range);
    history.replaceState(null, '', '/?' + link);
    let res;
    try {
      res = await get('/convert', q, convertAbort.signal);
    } catch (e) {
      if (e.name === 'AbortError') return;
      throw e;
    }
    if (!res.ok) {
      answer.hidden = true;
      chart.hidden = true;
      shown = null;
      showProblem(res.body, 'convert');
      return;
    }
    const a = res.body;
    shown = a;
    for (const name of ['amount', 'from', 'to', 'converted', 'rate', 'date', 'source']) setField(answer, name, a[name]);
    $('time[data-field="date"]', answer).dateTime = a.date;
    $('[data-field="stale"]', answer).hidden = a.stale !== true;
    answer.hidden = false;
    await drawChart();
  }

  // shift moves a YYYY-MM-DD date back by months and years, as a calendar
  // does (31 March less a month is the last day of February).
  function shift(date, months) {
    const [y, m, d] = date.split('-').map(Number);
    const first = new Date(Date.UTC(y, m - 1 - months, 1));
    const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
    first.setUTCDate(Math.min(d, last));
    return first.toISOString().slice(0, 10);
  }

  function rangeStart(end, from, to) {
    const months = { '1M': 1, '6M': 6, '1Y': 12, '5Y': 60 }[range];
    let start = months ? shift(end, months) : firstPublication;
    // A currency published later than the range's start (or withdrawn
    // before it) bounds the chart to the days both were published.
    for (const code of [from, to]) {
      const span = spans.get(code);
      if (span && span.first > start) start = span.first;
    }
    return start;
  }

  async function drawChart() {
    if (!shown) return;
    const a = shown;
    for (const b of chart.querySelectorAll('[data-range]')) b.setAttribute('aria-pressed', String(b.dataset.range === range));
    $('#chart-title').textContent = a.from + ' → ' + a.to;
    chart.hidden = false;
    if (chartAbort) chartAbort.abort();
    chartAbort = new AbortController();
    drawn = null;
    if (problemBox.textContent.startsWith('Chart: ')) clearProblems();
    const q = { base: a.from, symbols: a.to, start_date: rangeStart(a.date, a.from, a.to), end_date: a.date };
    chart.setAttribute('aria-busy', 'true');
    let res;
    try {
      res = await get('/timeseries', q, chartAbort.signal);
    } catch (e) {
      if (e.name === 'AbortError') return;
      throw e;
    }
    chart.removeAttribute('aria-busy');
    if (!res.ok) {
      plot.replaceChildren();
      summary.textContent = '';
      showProblem(res.body, 'chart');
      return;
    }
    const points = [];
    for (const [date, row] of Object.entries(res.body.rates || {})) {
      if (row[a.to] !== undefined) points.push({ date, text: row[a.to] });
    }
    // The API answers in date order; sorting again costs nothing and makes
    // the line right whatever order a JSON object's keys come in.
    points.sort((p, q2) => (p.date < q2.date ? -1 : p.date > q2.date ? 1 : 0));
    drawn = { points, a };
    render(points, a);
  }

  function el(name, attrs, text) {
    const e = document.createElementNS(svgNS, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function render(points, a) {
    plot.replaceChildren();
    if (points.length === 0) {
      summary.textContent = 'No publications in this range.';
      return;
    }
    const width = Math.max(280, Math.round(plot.clientWidth || 600));
    const height = width < 500 ? 220 : 300;
    const pad = { left: 8, right: 8, top: 24, bottom: 40 };
    const xs = points.map((p) => Date.parse(p.date + 'T00:00:00Z'));
    const ys = points.map((p) => Number(p.text));
    let lo = 0;
    let hi = 0;
    ys.forEach((y, i) => { if (y < ys[lo]) lo = i; if (y > ys[hi]) hi = i; });
    const x0 = xs[0];
    const x1 = xs[xs.length - 1] > x0 ? xs[xs.length - 1] : x0 + 1;
    const spread = ys[hi] - ys[lo] || Math.abs(ys[hi]) || 1;
    const y0 = ys[lo] - spread * 0.08;
    const y1 = ys[hi] + spread * 0.08;
    const px = (x) => pad.left + ((x - x0) / (x1 - x0)) * (width - pad.left - pad.right);
    const py = (y) => pad.top + (1 - (y - y0) / (y1 - y0)) * (height - pad.top - pad.bottom);

    const svg = el('svg', {
      viewBox: '0 0 ' + width + ' ' + height, width: String(width), height: String(height),
      role: 'img', 'aria-labelledby': 'chart-svg-title', class: 'line-chart',
    });
    svg.append(el('title', { id: 'chart-svg-title' },
      a.from + ' to ' + a.to + ' from ' + points[0].date + ' to ' + points[points.length - 1].date +
      ': lowest ' + points[lo].text + ', highest ' + points[hi].text));
    for (let k = 0; k <= 4; k++) {
      const y = pad.top + (k / 4) * (height - pad.top - pad.bottom);
      svg.append(el('line', { x1: pad.left, x2: width - pad.right, y1: y, y2: y, class: 'grid' }));
    }
    const coords = points.map((p, i) => px(xs[i]).toFixed(1) + ',' + py(ys[i]).toFixed(1)).join(' ');
    const area = px(xs[0]).toFixed(1) + ',' + (height - pad.bottom) + ' ' + coords + ' ' +
      px(xs[xs.length - 1]).toFixed(1) + ',' + (height - pad.bottom);
    svg.append(el('polygon', { points: area, class: 'area' }));
    svg.append(el('polyline', { points: coords, class: 'line', 'data-points': String(points.length) }));
    svg.append(el('text', { x: pad.left, y: height - 6, class: 'axis' }, points[0].date));
    svg.append(el('text', { x: width - pad.right, y: height - 6, class: 'axis end' }, points[points.length - 1].date));
    // The highest and lowest publications are marked with their rates, as
    // the API wrote them: the chart's scale is drawing, its labels are not.
    for (const [i, cls] of [[hi, 'max'], [lo, 'min']]) {
      const cx = px(xs[i]);
      const cy = py(ys[i]);
      svg.append(el('circle', { cx, cy, r: 3, class: 'extreme ' + cls }));
      const anchor = cx < width / 4 ? 'start' : cx > (3 * width) / 4 ? 'end' : 'middle';
      svg.append(el('text', { x: cx, y: cls === 'max' ? cy - 7 : cy + 16, 'text-anchor': anchor, class: 'extreme-label' }, points[i].text));
    }
    const marker = el('g', { class: 'marker', visibility: 'hidden' });
    const mline = el('line', { y1: pad.top, y2: height - pad.bottom });
    const mdot = el('circle', { r: 4 });
    const mtext = el('text', { y: pad.top - 4 });
    marker.append(mline, mdot, mtext);
    svg.append(marker);

    // The marker follows the pointer to the nearest publication and shows
    // its date and rate as the API wrote it.
    svg.addEventListener('pointermove', (ev) => {
      const box = svg.getBoundingClientRect();
      const x = x0 + ((ev.clientX - box.left) * (width / box.width) - pad.left) / (width - pad.left - pad.right) * (x1 - x0);
      let lo2 = 0;
      let hi2 = xs.length - 1;
      while (hi2 - lo2 > 1) {
        const mid = (lo2 + hi2) >> 1;
        if (xs[mid] < x) lo2 = mid; else hi2 = mid;
      }
      const i = Math.abs(xs[lo2] - x) <= Math.abs(xs[hi2] - x) ? lo2 : hi2;
      const cx = px(xs[i]);
      mline.setAttribute('x1', cx);
      mline.setAttribute('x2', cx);
      mdot.setAttribute('cx', cx);
      mdot.setAttribute('cy', py(ys[i]));
      mtext.textContent = points[i].date + '  ' + points[i].text;
      mtext.setAttribute('x', cx);
      mtext.setAttribute('text-anchor', cx < width / 3 ? 'start' : cx > (2 * width) / 3 ? 'end' : 'middle');
      marker.setAttribute('visibility', 'visible');
    });
    svg.addEventListener('pointerleave', () => marker.setAttribute('visibility', 'hidden'));
    plot.append(svg);

    const first = points[0];
    const last = points[points.length - 1];
    summary.replaceChildren();
    const item = (label, text) => {
      const span = document.createElement('span');
      const b = document.createElement('b');
      b.textContent = label + ' ';
      span.append(b, text);
      summary.append(span);
    };
    item('Publications', String(points.length));
    item(first.date, first.text);
    item(last.date, last.text);
    item('Low', points[lo].text + ' (' + points[lo].date + ')');
    item('High', points[hi].text + ' (' + points[hi].date + ')');
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    convert();
  });
  $('#swap').addEventListener('click', () => {
    const from = fields.from.value;
    fields.from.value = fields.to.value;
    fields.to.value = from;
    convert();
  });
  for (const b of chart.querySelectorAll('[data-range]')) {
    b.addEventListener('click', () => {
      range = b.dataset.range;
      if (shown) {
        const link = new URLSearchParams(location.search);
        link.set('range', range);
        history.replaceState(null, '', '/?' + link);
      }
      drawChart();
    });
  }
  let resized = 0;
  window.addEventListener('resize', () => {
    clearTimeout(resized);
    resized = setTimeout(() => { if (drawn && !chart.hidden) render(drawn.points, drawn.a); }, 200);
  });

  if (params.has('amount')) fields.amount.value = params.get('amount');
  if (params.has('date')) fields.date.value = params.get('date');
  loadCurrencies().then(convert);
})();
