// (a) The demo page's spans reach a real OpenTelemetry Collector: documentLoad
// with its six phases and a demo.action trace, with valid ids, parent links
// and the resource attributes of the contract.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  setup, withDiagnostics, waitForApp, clickDemoAction, appFlush, waitFor, attr,
  assertSpanIds, assertSpanTimes, assertChildOf, assertRoot,
} from '../harness.mjs';

const DOCUMENT_LOAD_PHASES = ['dns', 'connect', 'request', 'response', 'domProcessing', 'loadEvent'];
const SPAN_KIND_INTERNAL = 1;
const SPAN_KIND_CLIENT = 3;

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

/** The first root named rootName with all childNames under it, or null. */
function findTrace(spans, rootName, childNames) {
  for (const root of spans.filter((s) => s.name === rootName)) {
    const children = spans.filter((s) => s.parentSpanId === root.spanId && s.traceId === root.traceId);
    const byName = new Map(children.map((c) => [c.name, c]));
    if (childNames.every((n) => byName.has(n))) return { root, children, byName };
  }
  return null;
}

test('documentLoad and demo.action traces reach the collector with valid ids, links and resource', { timeout: 120_000 }, async () => {
  const { page } = await env.newPage();
  await withDiagnostics(env, 'export', () => page, async () => {
    await page.goto(`${env.baseURL}/`);
    await waitForApp(page);

    const demo = await clickDemoAction(page);
    const flushed = await appFlush(page);
    assert.ok(!flushed.error, `spanfall.flush() reported an error: ${JSON.stringify(flushed)}`);
    assert.equal(flushed.pending, 0, `spanfall.flush() left spans pending: ${JSON.stringify(flushed)}`);

    let last = [];
    const found = await waitFor(
      async () => {
        last = await env.spans();
        const load = findTrace(last, 'documentLoad', DOCUMENT_LOAD_PHASES);
        const action = findTrace(last, 'demo.action', ['demo.compute', 'GET']);
        return load && action ? { load, action } : null;
      },
      20_000,
      {
        message: () =>
          'collector output to hold documentLoad + ' + DOCUMENT_LOAD_PHASES.join(', ') +
          ' and demo.action + demo.compute + GET; it has: ' + JSON.stringify(last.map((s) => s.name)),
      },
    );
    const spans = last;
    const { load, action } = found;

    // One page load and one click: no duplicates at the collector.
    assert.equal(spans.filter((s) => s.name === 'documentLoad').length, 1, 'exactly one documentLoad span at the collector');
    assert.equal(spans.filter((s) => s.name === 'demo.action').length, 1, 'exactly one demo.action span at the collector');
    const ids = spans.map((s) => s.spanId);
    assert.equal(new Set(ids).size, ids.length, 'no span id occurs twice at the collector');

    // Ids (the receiver accepts empty and all-zero trace ids: check here) and times.
    for (const s of spans) {
      assertSpanIds(assert, s);
      assertSpanTimes(assert, s);
    }

    // The exported span is the one the store recorded.
    assert.equal(action.root.spanId, demo.root.spanId, 'collector demo.action spanId equals the one in spanfall.spans()');
    assert.equal(action.root.traceId, demo.root.traceId, 'collector demo.action traceId equals the one in spanfall.spans()');
    assert.notEqual(action.root.traceId, load.root.traceId, 'the click starts a new trace, not the documentLoad trace');

    // Parent links.
    assertRoot(assert, load.root);
    // Its other children are the page's resources (docs/instrumentation.md).
    const phases = load.children.filter((c) => c.name !== 'resourceFetch');
    assert.deepEqual(
      phases.map((c) => c.name).sort(), [...DOCUMENT_LOAD_PHASES].sort(),
      'documentLoad has exactly the six phase children besides resourceFetch spans',
    );
    assert.ok(load.children.length > phases.length, 'documentLoad has resourceFetch children');
    for (const child of load.children) assertChildOf(assert, child, load.root);

    assertRoot(assert, action.root);
    const compute = action.byName.get('demo.compute');
    const get = action.byName.get('GET');
    assertChildOf(assert, compute, action.root);
    assertChildOf(assert, get, action.root);
    assert.equal(compute.kind, SPAN_KIND_INTERNAL, 'demo.compute is an internal span (kind 1)');
    assert.equal(get.kind, SPAN_KIND_CLIENT, 'GET is an HTTP client span (kind 3)');
    assert.equal(attr(get.attributes, 'http.request.method'), 'GET', 'GET span: http.request.method');
    assert.equal(attr(get.attributes, 'http.response.status_code'), 200, 'GET span: http.response.status_code (int)');
    const urlFull = attr(get.attributes, 'url.full');
    assert.equal(typeof urlFull, 'string', `GET span: url.full is a string, got ${JSON.stringify(urlFull)}`);
    const u = new URL(urlFull);
    assert.equal(u.origin, new URL(env.baseURL).origin, `GET span: url.full ${urlFull} is same-origin`);
    assert.equal(u.pathname, '/api/demo', `GET span: url.full ${urlFull} is /api/demo`);

    // Resource attributes on every span.
    const nav = await page.evaluate(() => ({
      userAgent: navigator.userAgent,
      language: navigator.language,
      mobile: navigator.userAgentData ? navigator.userAgentData.mobile : undefined,
    }));
    for (const s of spans) {
      const r = s.resourceAttrs;
      const who = `span ${s.name} (${s.spanId}) resource`;
      assert.equal(r['service.name'], 'spanfall-demo', `${who}: service.name`);
      assert.ok(typeof r['service.version'] === 'string' && r['service.version'] !== '', `${who}: service.version is a non-empty string, got ${JSON.stringify(r['service.version'])}`);
      assert.equal(r['telemetry.sdk.name'], 'opentelemetry', `${who}: telemetry.sdk.name`);
      assert.equal(r['telemetry.sdk.language'], 'go', `${who}: telemetry.sdk.language`);
      assert.ok(typeof r['telemetry.sdk.version'] === 'string' && r['telemetry.sdk.version'] !== '', `${who}: telemetry.sdk.version is a non-empty string, got ${JSON.stringify(r['telemetry.sdk.version'])}`);
      assert.equal(r['user_agent.original'], nav.userAgent, `${who}: user_agent.original is navigator.userAgent`);
      assert.equal(r['browser.language'], nav.language, `${who}: browser.language is navigator.language`);
      assert.equal(typeof r['browser.platform'], 'string', `${who}: browser.platform is a string, got ${JSON.stringify(r['browser.platform'])}`);
      assert.equal(typeof r['browser.mobile'], 'boolean', `${who}: browser.mobile is a bool, got ${JSON.stringify(r['browser.mobile'])}`);
      if (nav.mobile !== undefined) {
        assert.equal(r['browser.mobile'], nav.mobile, `${who}: browser.mobile is navigator.userAgentData.mobile`);
      }
    }
  });
});
