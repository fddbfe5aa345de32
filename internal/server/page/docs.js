// The try-it forms of /docs. Each is a plain GET form that works without
// this script (a path parameter then keeps its documented example). The
// script puts path parameters into the path, leaves empty fields out, and
// shows the answer under the form as the API wrote it: the status, the
// headers that matter, and the body as text, never parsed and re-encoded,
// so every digit of every number stays as it was sent.
'use strict';

(() => {
  const headers = ['content-type', 'cache-control', 'etag', 'x-rates-stale', 'content-disposition'];
  const limit = 200000; // characters shown; a long series is one click away

  function element(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    e.textContent = text;
    return e;
  }

  function target(form) {
    let path = form.dataset.path;
    for (const el of form.querySelectorAll('[data-name]')) {
      path = path.replace('{' + el.dataset.name + '}', encodeURIComponent(el.value.trim()));
    }
    const q = new URLSearchParams();
    for (const el of form.querySelectorAll('[name]')) {
      const v = el.value.trim();
      if (v !== '') q.append(el.name, v);
    }
    const s = q.toString();
    return s ? path + '?' + s : path;
  }

  for (const form of document.querySelectorAll('form.try')) {
    const out = form.querySelector('output.answer');
    const shown = form.querySelector('code.url');
    const update = () => { shown.textContent = target(form); };
    form.addEventListener('input', update);
    form.addEventListener('change', update);
    update();
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const url = target(form);
      out.hidden = false;
      out.replaceChildren(element('p', 'muted', 'GET ' + url + ' …'));
      let res;
      let body;
      try {
        res = await fetch(url);
        body = await res.text();
      } catch (e) {
        out.replaceChildren(element('p', 'status bad', 'The API could not be reached: ' + e.message));
        return;
      }
      const status = element('p', 'status' + (res.ok ? '' : ' bad'), (res.status + ' ' + res.statusText).trim());
      const head = headers.filter((h) => res.headers.has(h)).map((h) => h + ': ' + res.headers.get(h)).join('\n');
      const text = body.length > limit
        ? body.slice(0, limit) + '\n… (' + body.length + ' characters; open the link for all of them)'
        : body;
      const open = element('a', '', 'Open ' + url);
      open.href = url;
      out.replaceChildren(status, element('pre', '', (head ? head + '\n\n' : '') + text), open);
    });
  }
})();
