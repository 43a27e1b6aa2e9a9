// Spanfall early buffer: inlined in the page head, runs before the wasm.
// Records errors (E.errors), clicks, submits, fetches and XHRs (E.events)
// until the wasm's instrumentations take over (E.live); see
// docs/instrumentation.md. Requests made by Go (a wasm frame on the stack)
// are never recorded.
(function () {
  var W = window, D = document, P = performance, seq = 0, cur = null;
  var now = function () { return P.timeOrigin + P.now(); };
  var E = W.__spanfall_early = { errors: [], events: [], live: {}, on: true, window: 100, max: 1000, t0: P.now() };
  var fromGo = function () {
    var l = Error.stackTraceLimit;
    Error.stackTraceLimit = 12;
    var s = new Error().stack || '';
    Error.stackTraceLimit = l;
    return /wasm-function|wasm:\/\//.test(s);
  };
  var abs = function (u) { try { return new URL(u, location.href).href; } catch (x) { return String(u); } };
  var parent = function () { return cur && (cur.open || now() <= cur.until) ? cur.seq : 0; };
  // begin records ev; live mode returns the trace headers to send.
  var begin = function (ev) {
    ev.seq = ++seq;
    var L = E.live;
    // A wasm that has exited throws: the page's own request must still go.
    if (L.start && L[ev.k]) { try { ev.live = 1; return L.start(ev); } catch (x) { return null; } }
    if (E.on && E.events.length < E.max) E.events.push(ev);
    return null;
  };
  // Live ends go to the wasm in batches: one call per task, not per event.
  var ends = [], flush = function () { var q = ends; ends = []; try { E.live.end(q); } catch (x) {} };
  var finish = function (ev) {
    ev.e = now();
    if (ev.live) { if (ends.push(ev) === 1) setTimeout(flush, 0); } else if (ev.cb) ev.cb(ev);
  };
  var ui = function (e) {
    var t = e.target;
    if (!t || !t.closest) return;
    t = t.closest('a,button,input,select,textarea,label,summary,[role],[data-testid]') || t;
    var a = function (n) { return t.getAttribute(n) || ''; };
    var ev = { k: e.type, t: P.timeOrigin + e.timeStamp, tag: t.localName, id: t.id || '', cls: a('class'),
      tid: a('data-testid'), name: a('name'), type: a('type'), role: a('role') };
    begin(ev);
    var c = cur = { seq: ev.seq, open: true, until: 0 };
    setTimeout(function () { c.open = false; c.until = now() + E.window; finish(ev); }, 0);
  };
  var err = function (e) {
    if (!E.on || E.errors.length >= E.max) return;
    var r = e.type === 'unhandledrejection', x = r ? e.reason : e.error;
    E.errors.push({ type: e.type, time: now(), message: String(r ? (x && x.message) || x : e.message),
      errorType: (x && x.name) || (r ? 'UnhandledRejection' : 'Error'), stack: (x && x.stack) || '',
      filename: e.filename || '', lineno: e.lineno || 0, colno: e.colno || 0 });
  };
  D.addEventListener('click', ui, true);
  D.addEventListener('submit', ui, true);
  W.addEventListener('error', err);
  W.addEventListener('unhandledrejection', err);
  var F = W.fetch, wf;
  if (F) W.fetch = wf = function (input, init) {
    if (!(E.on || E.live.fetch) || fromGo()) return F.apply(this, arguments);
    var q = typeof Request === 'function' && input instanceof Request;
    var ev = { k: 'fetch', m: String((init && init.method) || (q ? input.method : 'GET')).toUpperCase(),
      u: abs(q ? input.url : input), t: now(), p: parent() };
    var h = begin(ev);
    if (h) {
      init = Object.assign({}, init);
      var hs = new Headers(init.headers || (q ? input.headers : undefined));
      for (var k in h) hs.set(k, h[k]);
      init.headers = hs;
    }
    var res = F.call(this, input, init);
    res.then(function (r) { ev.s = r.status; finish(ev); },
      function (x) { ev.err = String((x && x.message) || x); ev.et = (x && x.name) || 'Error'; finish(ev); });
    return res;
  };
  var X = W.XMLHttpRequest && XMLHttpRequest.prototype, xo = X && X.open, xs = X && X.send;
  if (X) {
    X.open = function (m, u) { this.__sf = { m: String(m).toUpperCase(), u: abs(u) }; return xo.apply(this, arguments); };
    X.send = function () {
      var o = this.__sf, x = this;
      if (o && (E.on || E.live.xhr) && !fromGo()) {
        var ev = { k: 'xhr', m: o.m, u: o.u, t: now(), p: parent() }, why = '';
        var h = begin(ev);
        if (h) for (var k in h) x.setRequestHeader(k, h[k]);
        var fail = function (e) { why = e.type; };
        x.addEventListener('error', fail);
        x.addEventListener('abort', fail);
        x.addEventListener('timeout', fail);
        x.addEventListener('loadend', function () {
          ev.s = x.status;
          if (!x.status) { ev.err = 'XMLHttpRequest ' + (why || 'error'); ev.et = why || 'error'; }
          finish(ev);
        });
      }
      return xs.apply(this, arguments);
    };
  }
  // stop ends buffering and empties both arrays; what has no live
  // instrumentation is unhooked.
  E.stop = function () {
    var L = E.live;
    E.on = false;
    E.events.length = 0;
    E.errors.length = 0;
    W.removeEventListener('error', err);
    W.removeEventListener('unhandledrejection', err);
    if (!L.click) D.removeEventListener('click', ui, true);
    if (!L.submit) D.removeEventListener('submit', ui, true);
    if (!L.fetch && wf && W.fetch === wf) W.fetch = F;
    if (!L.xhr && X) { X.open = xo; X.send = xs; }
  };
})();
