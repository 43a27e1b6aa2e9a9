// Durable offline pipeline (c): two tabs of one origin recording at once for
// 10 s, with a short flush interval, never flush at the same time (Web Locks)
// and every span reaches the collector exactly once.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  setup, withDiagnostics, waitForApp, waitForCollectorIds, settleCollector, assertEachOnce, figure,
} from '../harness.mjs';

let env;
before(async () => {
  env = await setup({ proxy: true, flushInterval: '200ms' });
});
after(async () => {
  await env?.close();
});

/** In the page: record({count}) every periodMs for durationMs; returns the span ids. */
function recordLoop(page, { durationMs, periodMs, count, name }) {
  return page.evaluate(async ({ durationMs, periodMs, count, name }) => {
    const ids = [];
    const errors = [];
    let calls = 0;
    const end = Date.now() + durationMs;
    while (Date.now() < end) {
      const t = Date.now();
      try {
        const r = await window.spanfall.record({ count, name });
        if (r.spanIds.length !== count) errors.push(`record({count: ${count}}) made ${r.spanIds.length} spans`);
        ids.push(...r.spanIds);
      } catch (err) {
        errors.push(String(err));
      }
      calls++;
      const wait = periodMs - (Date.now() - t);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    return { ids, errors, calls };
  }, { durationMs, periodMs, count, name });
}

test('(c) two tabs recording at once for 10 s: one flush in flight at a time, every span exactly once', { timeout: 120_000 }, async () => {
  const { context, page: tab1 } = await env.newPage();
  let tab2;
  await withDiagnostics(env, 'durable-c', () => tab2 ?? tab1, async () => {
    await tab1.goto(`${env.baseURL}/`);
    await waitForApp(tab1);
    tab2 = await env.newPageIn(context);
    await tab2.goto(`${env.baseURL}/`);
    await waitForApp(tab2);
    env.proxy.resetLog();

    const opts = { durationMs: 10_000, periodMs: 100, count: 20 };
    const [r1, r2] = await Promise.all([
      recordLoop(tab1, { ...opts, name: 'durable.c.tab1' }),
      recordLoop(tab2, { ...opts, name: 'durable.c.tab2' }),
    ]);
    const errs = [...r1.errors, ...r2.errors];
    assert.equal(errs.length, 0, `record() never failed in either tab; ${errs.length} failures, e.g. ${errs.slice(0, 3).join(' | ')}`);
    const ids = [...r1.ids, ...r2.ids];
    // Both tabs must really record at once; how often depends on the
    // machine's load, so the floor is low.
    assert.ok(r1.calls >= 20 && r2.calls >= 20,
      `each tab called record() at least 20 times in 10 s (tab1 ${r1.calls}, tab2 ${r2.calls})`);
    assert.equal(new Set(ids).size, ids.length, 'the two tabs made distinct span ids');

    await waitForCollectorIds(env, ids, 60_000, 'span ids recorded by the two tabs');
    const spans = await settleCollector(env, tab1);
    assertEachOnce(assert, spans, ids, 'span ids recorded by the two tabs');

    const posts = env.proxy.posts();
    const sum = env.proxy.summary();
    const overlapping = posts.filter((p) => p.inFlightAtStart > 1).map((p) => `#${p.n}`);
    await figure({
      test: 'c', spans: ids.length, tab1Calls: r1.calls, tab2Calls: r2.calls,
      requests: sum.requests, bytes: sum.bytes, maxInFlight: sum.maxInFlight,
      contentTypes: sum.contentTypes, contentEncodings: sum.contentEncodings,
    });
    assert.ok(posts.length >= 2, `the tabs flushed several times while recording (got ${posts.length} requests)`);
    assert.equal(env.proxy.maxInFlight, 1,
      `at no moment are two export requests in flight (Web Locks make flushes exclusive across tabs); ` +
      `max in flight ${env.proxy.maxInFlight}, overlapping requests ${overlapping.join(' ')}\n${env.proxy.describe(40)}`);
  });
});
