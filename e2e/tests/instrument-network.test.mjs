// Page instrumentation of network and interactions, end to end with the real
// collector: fetch/XHR client spans with traceparent only where allowed,
// click → fetch parenting, the early buffer's replay with original
// timestamps, query-string redaction, resource spans under the document
// load, <meta name="traceparent">, and no span for the exporter itself.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import {
  setup, withDiagnostics, waitForApp, appFlush, waitFor, attr, freePort, clickDemoAction, startServer,
  assertSpanIds, assertSpanTimes, assertChildOf, assertRoot,
} from '../harness.mjs';

const SPAN_KIND_CLIENT = 3;
const META_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const META_PARENT = '00f067aa0ba902b7';

let env;
let other; // { seen: [{port, method, path, traceparent}], close() }
let allowedPort;
let blockedPort;

/** Two listeners on loopback that record every request they get (CORS open). */
async function startOtherOrigins(ports) {
  const seen = [];
  const handler = (req, res) => {
    seen.push({ port: req.socket.localPort, method: req.method, path: req.url, traceparent: req.headers.traceparent ?? null });
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'traceparent, tracestate');
    res.setHeader('Content-Type', 'text/plain');
    res.end('ok');
  };
  const servers = [];
  for (const port of ports) {
    const s = http.createServer(handler);
    await new Promise((resolve, reject) => s.listen(port, '127.0.0.1', resolve).on('error', reject));
    servers.push(s);
  }
  return { seen, close: () => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))) };
}

before(async () => {
  allowedPort = await freePort();
  blockedPort = await freePort();
  other = await startOtherOrigins([allowedPort, blockedPort]);
  env = await setup({
    serverEnv: {
      SPANFALL_QUERY_KEYS: 'page',
      SPANFALL_PROPAGATE_ORIGINS: `http://127.0.0.1:${allowedPort}`,
    },
  });
});
after(async () => {
  await env?.close();
  await other?.close();
});

const attrs = (s) => Object.fromEntries((s.attributes ?? []).map((kv) => [kv.key, attr(s.attributes, kv.key)]));
const ms = (nano) => Number(BigInt(nano) / 1000n) / 1000;
const byUrl = (spans, part) => spans.filter((s) => String(attr(s.attributes, 'url.full') ?? '').includes(part));

test('fetch, XHR, click, early buffer, privacy, resources and meta traceparent reach the collector', { timeout: 180_000 }, async () => {
  const { page, context } = await env.newPage();
  const requests = []; // what the browser really sent
  page.on('request', async (r) => {
    if (r.url().includes('/api/demo')) requests.push({ url: r.url(), headers: await r.allHeaders() });
  });
  await context.addInitScript(([trace, parent]) => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    document.addEventListener('DOMContentLoaded', () => {
      // A server-rendered page would carry this meta: the page joins the trace.
      const m = document.createElement('meta');
      m.name = 'traceparent';
      m.content = `00-${trace}-${parent}-01`;
      document.head.append(m);
      // Long before the wasm is ready: only the early buffer can see it.
      window.__earlyAt = performance.timeOrigin + performance.now();
      window.__earlyWasLive = !!(window.__spanfall_early && window.__spanfall_early.live.start);
      fetch('/api/demo?token=secret&page=2&early=1');
      // An early click whose handler fetches: replayed as parent and child.
      const b = document.createElement('button');
      b.id = 'early-btn';
      b.onclick = () => fetch('/api/demo?early_click=1');
      document.body.append(b);
      b.click();
    });
  }, [META_TRACE, META_PARENT]);

  await withDiagnostics(env, 'instrument-network', () => page, async () => {
    await page.goto(`${env.baseURL}/?token=secret&page=2`);
    await waitForApp(page);
    const early = await page.evaluate(() => ({ at: window.__earlyAt, wasLive: window.__earlyWasLive, liveAt: performance.timeOrigin + window.__spanfall_early.liveAt }));
    assert.equal(early.wasLive, false, 'the early fetch ran before the wasm went live');
    assert.ok(early.at < early.liveAt, 'the early fetch started before the live hooks were installed');

    // A click whose handler fetches (same origin) and sends an XHR.
    await page.evaluate(() => {
      const b = document.createElement('button');
      b.id = 'probe';
      b.className = 'probe-btn';
      b.dataset.testid = 'probe';
      b.textContent = 'secret button text';
      b.onclick = () => {
        fetch('/api/demo?token=secret&page=3&click=1');
        const x = new XMLHttpRequest();
        x.open('GET', '/api/demo?xhr=1');
        x.send();
      };
      document.body.append(b);
    });
    await page.click('#probe');
    // A form submit whose handler fetches; the typed value is never recorded.
    await page.evaluate(() => {
      const f = document.createElement('form');
      f.id = 'login';
      f.innerHTML = '<input name="password" type="password"><button type="submit" id="go">go</button>';
      f.onsubmit = (e) => { e.preventDefault(); fetch('/api/demo?submitted=1'); };
      document.body.append(f);
    });
    await page.fill('#login input', 'typed-secret-value');
    await page.click('#go');
    await waitFor(() => requests.filter((r) => r.url.includes('&click=1') || r.url.includes('xhr=1')).length === 2, 10_000);
    // A Go request (tracer.Transport → net/http → the fetch global): one span, not two.
    const demo = await clickDemoAction(page);

    const flushed = await appFlush(page);
    assert.ok(!flushed.error, `flush error: ${JSON.stringify(flushed)}`);

    let spans = [];
    await waitFor(async () => {
      spans = await env.spans();
      return spans.some((s) => s.name === 'documentLoad') && byUrl(spans, 'early=REDACTED').length && byUrl(spans, '&click=REDACTED').length &&
        byUrl(spans, 'xhr=REDACTED').length && byUrl(spans, 'early_click=').length && spans.some((s) => s.name === 'resourceFetch') &&
        spans.some((s) => s.name === 'demo.action') && byUrl(spans, 'submitted=').length;
    }, 30_000, { message: () => 'collector spans: ' + JSON.stringify(spans.map((s) => `${s.name} ${attr(s.attributes, 'url.full') ?? ''}`)) });
    for (const s of spans) {
      assertSpanIds(assert, s);
      assertSpanTimes(assert, s);
    }

    // Document load: joins the meta traceparent's trace; its URL is scrubbed.
    const load = spans.find((s) => s.name === 'documentLoad');
    assert.equal(load.traceId, META_TRACE, 'documentLoad joins the trace of <meta name="traceparent">');
    assert.equal(load.parentSpanId, META_PARENT, 'documentLoad is the child of the meta traceparent span');
    assert.equal(attr(load.attributes, 'url.full'), `${env.baseURL}/?token=REDACTED&page=2`, 'documentLoad url.full: token redacted, allow-listed page kept');

    // Resources: CLIENT spans under documentLoad, with size and initiator type.
    const resources = spans.filter((s) => s.name === 'resourceFetch');
    for (const r of resources) assertChildOf(assert, r, load);
    // Assets live under a versioned path, /web/<version>/ (docs/pwa.md).
    const cssURL = new RegExp(`^${env.baseURL.replace(/[.]/g, '\\.')}/web/[^/]+/spanfall\\.css$`);
    const css = resources.find((r) => cssURL.test(attr(r.attributes, 'url.full')));
    assert.ok(css, 'a resource span for /web/<version>/spanfall.css: ' + JSON.stringify(resources.map((r) => attr(r.attributes, 'url.full'))));
    assert.equal(css.kind, SPAN_KIND_CLIENT);
    const ca = attrs(css);
    assert.equal(ca['spanfall.resource.initiator_type'], 'link');
    assert.ok(Number(ca['http.response.body.size']) > 0, `http.response.body.size ${ca['http.response.body.size']}`);
    assert.ok(Number(ca['spanfall.resource.decoded_body_size']) > 0);
    assert.ok((css.events ?? []).some((e) => e.name === 'responseEnd'), 'timing phases as events');
    // No fetch/XHR entry twice: those are fetch spans, not resources.
    for (const r of resources) {
      assert.ok(!['fetch', 'xmlhttprequest'].includes(attr(r.attributes, 'spanfall.resource.initiator_type')),
        `resource span duplicates a fetch: ${attr(r.attributes, 'url.full')}`);
    }

    // The exporter's own requests (Go net/http → fetch) are never traced.
    const exporter = spans.filter((s) => String(attr(s.attributes, 'url.full') ?? '').startsWith(env.collector.url));
    assert.deepEqual(exporter.map((s) => s.name), [], 'no span for a request to the collector');

    // The demo button's click is an interaction span too (its Go handler's
    // request is under the Go context, not under it: see the docs).
    assert.ok(spans.some((s) => s.name === 'click button[data-testid="demo-action"]'),
      'click span of the demo button: ' + JSON.stringify(spans.filter((s) => s.name.startsWith('click')).map((s) => s.name)));

    // Go's request is traced once, by tracer.Transport, with the same policy.
    const goReqs = spans.filter((s) => attr(s.attributes, 'url.full') === `${env.baseURL}/api/demo`);
    assert.deepEqual(goReqs.map((s) => `${s.spanId} ${attr(s.attributes, 'spanfall.http.api')}`), [`${demo.get.spanId} go`],
      'the demo action\'s Go request has exactly one span, from tracer.Transport');
    const goSent = requests.find((r) => r.url === `${env.baseURL}/api/demo`);
    assert.equal(goSent.headers.traceparent, `00-${demo.get.traceId}-${demo.get.spanId}-01`, 'the Go request carries its own span as traceparent');

    // The early fetch: replayed with its original timestamp, query redacted.
    const [earlyFetch, ...dupEarly] = byUrl(spans, 'early=REDACTED');
    assert.equal(dupEarly.length, 0, 'the early fetch is recorded once');
    assert.equal(earlyFetch.name, 'GET');
    assert.equal(earlyFetch.kind, SPAN_KIND_CLIENT);
    assert.equal(attr(earlyFetch.attributes, 'url.full'), `${env.baseURL}/api/demo?token=REDACTED&page=2&early=REDACTED`);
    const drift = Math.abs(ms(earlyFetch.startTimeUnixNano) - early.at);
    assert.ok(drift < 5, `early fetch starts at ${ms(earlyFetch.startTimeUnixNano)}, called at ${early.at} (page clock): off by ${drift} ms`);
    assert.ok(ms(earlyFetch.startTimeUnixNano) < early.liveAt, 'the replayed span keeps its pre-boot start time');
    assert.equal(attr(earlyFetch.attributes, 'http.response.status_code'), 200);

    // The early click parents its fetch, both replayed with pre-boot times.
    const earlyClick = spans.find((s) => s.name === 'click button#early-btn');
    assert.ok(earlyClick, 'the early click span');
    const [earlyClickFetch] = byUrl(spans, 'early_click=REDACTED');
    assertChildOf(assert, earlyClickFetch, earlyClick);
    assert.ok(ms(earlyClick.startTimeUnixNano) < early.liveAt && ms(earlyClickFetch.startTimeUnixNano) < early.liveAt,
      'the early click and its fetch keep their pre-boot start times');

    // The click span parents the fetch and the XHR its handler started.
    const click = spans.find((s) => s.name === 'click button#probe.probe-btn[data-testid="probe"]');
    assert.ok(click, 'click span: ' + JSON.stringify(spans.filter((s) => s.name.startsWith('click')).map((s) => s.name)));
    assert.equal(attr(click.attributes, 'spanfall.interaction.type'), 'click');
    assert.ok(!JSON.stringify(click).includes('secret button text'), 'no text content recorded');
    const [clickFetch] = byUrl(spans, '&click=REDACTED');
    const [xhr] = byUrl(spans, 'xhr=REDACTED');
    assertChildOf(assert, clickFetch, click);
    assertChildOf(assert, xhr, click);
    assert.equal(attr(xhr.attributes, 'spanfall.http.api'), 'xhr');
    assert.equal(attr(clickFetch.attributes, 'spanfall.http.api'), 'fetch');
    const fa = attrs(clickFetch);
    assert.equal(fa['http.request.method'], 'GET');
    assert.equal(fa['url.full'], `${env.baseURL}/api/demo?token=REDACTED&page=3&click=REDACTED`);
    assert.equal(fa['server.address'], '127.0.0.1');
    assert.equal(fa['server.port'], env.server.port);
    assert.equal(fa['http.response.status_code'], 200);

    // The submit span parents its fetch; the typed value is nowhere.
    const submit = spans.find((s) => s.name === 'submit form#login');
    assert.ok(submit, 'submit span: ' + JSON.stringify(spans.filter((s) => s.name.startsWith('submit')).map((s) => s.name)));
    assert.equal(attr(submit.attributes, 'spanfall.interaction.type'), 'submit');
    const [submitFetch] = byUrl(spans, 'submitted=');
    assertChildOf(assert, submitFetch, submit);
    assert.ok(!JSON.stringify(spans).includes('typed-secret-value'), 'no typed text recorded in any span');

    // Same-origin: the request carried the fetch span's traceparent.
    const sent = requests.find((r) => r.url.includes('&click=1'));
    assert.equal(sent.headers.traceparent, `00-${clickFetch.traceId}-${clickFetch.spanId}-01`, 'same-origin fetch carries its span as traceparent');
    const sentXhr = requests.find((r) => r.url.includes('xhr=1'));
    assert.equal(sentXhr.headers.traceparent, `00-${xhr.traceId}-${xhr.spanId}-01`, 'same-origin XHR carries its span as traceparent');

    assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no CSP violation (the early script is allowed by its hash)');
  });
});

test('cross-origin: traceparent only to allow-listed origins, no preflight elsewhere; errors', { timeout: 120_000 }, async () => {
  // The app's CSP allows connect-src 'self' only: bypass it to reach the
  // other loopback ports, as a page with a wider policy would (and keep the
  // service worker, which runs under its own CSP, out of these fetches).
  const { page } = await env.newPage({ bypassCSP: true, serviceWorkers: 'block' });
  await withDiagnostics(env, 'instrument-network-cors', () => page, async () => {
    await page.goto(`${env.baseURL}/`);
    await waitForApp(page);
    other.seen.length = 0;
    await page.evaluate(async ([a, b]) => {
      await fetch(`http://127.0.0.1:${a}/allowed?token=x`);
      await fetch(`http://127.0.0.1:${b}/blocked?token=x`);
      const x = new XMLHttpRequest();
      x.open('GET', `http://127.0.0.1:${b}/blocked-xhr`);
      await new Promise((r) => { x.onloadend = r; x.send(); });
      // Nothing listens on port 1: a network error.
      await fetch('http://127.0.0.1:1/refused').catch(() => {});
    }, [allowedPort, blockedPort]);

    const blocked = other.seen.filter((r) => r.port === blockedPort);
    assert.deepEqual(blocked.map((r) => `${r.method} ${r.path} ${r.traceparent}`).sort(),
      ['GET /blocked-xhr null', 'GET /blocked?token=x null'], 'the non-allow-listed origin gets no traceparent and no preflight: ' + JSON.stringify(other.seen));
    const allowed = other.seen.filter((r) => r.port === allowedPort);
    const get = allowed.find((r) => r.method === 'GET');
    assert.match(get?.traceparent ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/, 'the allow-listed origin gets a traceparent');

    await appFlush(page);
    let spans = [];
    await waitFor(async () => {
      spans = await env.spans();
      return byUrl(spans, '/refused').length && byUrl(spans, '/blocked-xhr').length && byUrl(spans, '/allowed').length;
    }, 30_000, { message: () => 'collector spans: ' + JSON.stringify(spans.map((s) => s.name)) });
    const [allowedSpan] = byUrl(spans, '/allowed');
    assert.equal(get.traceparent, `00-${allowedSpan.traceId}-${allowedSpan.spanId}-01`);
    assertRoot(assert, allowedSpan);
    const [refused] = byUrl(spans, '/refused');
    assert.equal(refused.status?.code, 2, 'a network failure has error status');
    assert.ok(refused.status?.message, 'with a status message');
    assert.equal(attr(refused.attributes, 'error.type'), 'TypeError');
    assert.equal(attr(refused.attributes, 'server.port'), 1);
  });
});

test('switched off: no request, interaction or resource spans, and stop() unhooks the early wrappers', { timeout: 120_000 }, async () => {
  const off = await startServer({
    collector: env.collector,
    env: { SPANFALL_INSTRUMENT_REQUESTS: 'off', SPANFALL_INSTRUMENT_INTERACTIONS: 'off', SPANFALL_INSTRUMENT_RESOURCES: 'off' },
  });
  const demoClicks = (spans) => spans.filter((s) => s.name === 'click button[data-testid="demo-action"]').length;
  const clicksBefore = demoClicks(await env.spans());
  try {
    const { page } = await env.newPage();
    await withDiagnostics(env, 'instrument-network-off', () => page, async () => {
      await page.goto(`${off.baseURL}/?off=1`);
      await waitForApp(page);
      const hooked = await page.evaluate(() => ({
        fetch: !/\[native code\]/.test(Function.prototype.toString.call(window.fetch)),
        send: !/\[native code\]/.test(Function.prototype.toString.call(XMLHttpRequest.prototype.send)),
        events: window.__spanfall_early.events.length,
      }));
      assert.deepEqual(hooked, { fetch: false, send: false, events: 0 }, 'after stop() fetch and XHR are the browser\'s own again');
      await page.evaluate(() => fetch('/api/demo?offprobe=1').then((r) => r.text()));
      await page.click('[data-testid="demo-action"]');
      await waitFor(async () => (await page.evaluate(() => window.spanfall.spans())).some((s) => s.name === 'demo.action'), 20_000);
      await appFlush(page);
      let spans = [];
      await waitFor(async () => {
        spans = (await env.spans()).filter((s) => s.name === 'documentLoad' && String(attr(s.attributes, 'url.full')).startsWith(off.baseURL));
        return spans.length === 1;
      }, 30_000, { message: 'the documentLoad of the page served with instrumentations off' });
      const load = spans[0];
      const all = await env.spans();
      const mine = all.filter((s) => s.traceId === load.traceId);
      assert.deepEqual(mine.filter((s) => s.name === 'resourceFetch').map((s) => attr(s.attributes, 'url.full')), [], 'no resource spans');
      assert.deepEqual(byUrl(all, 'offprobe=').map((s) => s.name), [], 'no span for a page fetch');
      assert.equal(demoClicks(all), clicksBefore, 'no click span from this page');
    });
  } finally {
    await off.stop();
  }
});
