// Durable offline pipeline (a): 5,000 spans made offline across three page
// lives (two offline reloads served by the service worker) all reach the
// collector exactly once when the browser is back online. Also measures how
// fast record() persists spans and how fast a backlog flushes to the real
// collector (through the pass-through fault proxy, which counts requests and
// bytes on the wire).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  setup, withDiagnostics, waitForApp, waitForServiceWorkerControl, appFlush, appStatus, appSpans,
  appRecord, waitForStatus, waitForCollectorIds, settleCollector, assertEachOnce, attr, assertSpanIds,
  figure, median,
} from '../harness.mjs';

let env;
before(async () => {
  env = await setup({ proxy: true });
});
after(async () => {
  await env?.close();
});

/** A fresh context with the app loaded, under service worker control, nothing pending. */
async function freshApp() {
  const { context, page } = await env.newPage();
  await page.goto(`${env.baseURL}/`);
  await waitForApp(page);
  const sw = await waitForServiceWorkerControl(page);
  assert.ok(sw.endsWith('/app-worker.js'), `page is controlled by go-app's worker, got ${sw}`);
  const st = await appStatus(page);
  assert.equal(st.store, 'indexeddb', `spans are kept in IndexedDB: ${JSON.stringify(st)}`);
  const f = await appFlush(page);
  assert.ok(!f.error && f.pending === 0, `online flush before going offline exports everything: ${JSON.stringify(f)}`);
  return { context, page };
}

async function goOffline(context, page) {
  await context.setOffline(true);
  await waitForStatus(page, (s) => s.online === false, 10_000, 'spanfall.status().online becomes false offline');
}

test('(a) 5,000 spans made offline across three page lives reach the collector exactly once', { timeout: 180_000 }, async () => {
  const { context, page } = await freshApp();
  await withDiagnostics(env, 'durable-a', () => page, async () => {
    await goOffline(context, page);
    const NAME = 'durable.a';
    const chunks = [1700, 1700, 1600];
    const ids = [];
    for (const [i, count] of chunks.entries()) {
      if (i > 0) {
        const res = await page.reload({ timeout: 60_000 });
        assert.ok(res && res.ok(), `offline reload ${i} answered: ${res && res.status()}`);
        assert.ok(res.fromServiceWorker(), `offline reload ${i} is served by the service worker`);
        await waitForApp(page);
        const st = await appStatus(page);
        assert.equal(st.online, false, `still offline after reload ${i}: ${JSON.stringify(st)}`);
        assert.ok(st.pending >= ids.length, `after offline reload ${i}, status().pending (${st.pending}) still counts the ${ids.length} spans made so far`);
      }
      const r = await appRecord(page, { count, name: NAME });
      assert.equal(r.spanIds.length, count, `record({count: ${count}}) returned ${count} span ids`);
      ids.push(...r.spanIds);
    }
    assert.equal(new Set(ids).size, 5000, 'record() gave 5,000 distinct span ids');
    const stored = await appSpans(page);
    const pendingHere = new Set(stored.filter((s) => s.name === NAME && !s.exported).map((s) => s.spanId));
    const notPending = ids.filter((id) => !pendingHere.has(id));
    assert.equal(notPending.length, 0, `all 5,000 offline spans are pending in the store before going online; ${notPending.length} are not`);
    assert.equal(env.proxy.posts().filter((p) => p.spanIds.some((id) => pendingHere.has(id))).length, 0,
      'no request carrying an offline span reached the proxy while offline');

    // --- back online: the online event flushes on its own.
    const before = env.proxy.posts().length;
    const t0 = Date.now();
    await context.setOffline(false);
    let spans = await waitForCollectorIds(env, ids, 60_000, 'offline durable.a span ids');
    const secs = (Date.now() - t0) / 1000;

    spans = await settleCollector(env, page);
    const ours = spans.filter((s) => s.name === NAME);
    assertEachOnce(assert, ours, ids, 'offline durable.a span ids');
    assert.equal(ours.length, 5000, `exactly 5,000 durable.a spans at the collector, got ${ours.length}`);
    const mine = new Set(ids);
    const strangers = ours.filter((s) => !mine.has(s.spanId));
    assert.equal(strangers.length, 0, `no durable.a span the test did not make: ${strangers.slice(0, 5).map((s) => s.spanId).join(' ')}`);
    for (const s of ours.slice(0, 50)) assertSpanIds(assert, s);
    const notOffline = ours.filter((s) => attr(s.attributes, 'spanfall.offline') !== true);
    assert.equal(notOffline.length, 0,
      `spans started offline carry spanfall.offline=true; ${notOffline.length} do not, e.g. ${JSON.stringify(notOffline[0]?.attributes)}`);

    const posts = env.proxy.posts().slice(before);
    const carrying = posts.filter((p) => p.spanIds.some((id) => mine.has(id)));
    const st = await appStatus(page);
    assert.equal(st.pending, 0, `nothing pending at the end: ${JSON.stringify(st)}`);
    // The encoding is the app's choice (OTLP JSON or protobuf, gzipped or
    // not); the collector takes all four. Report it; require only OTLP.
    for (const p of carrying) {
      assert.ok(['application/json', 'application/x-protobuf'].includes(p.contentType),
        `request #${p.n}: Content-Type ${p.contentType} is an OTLP/HTTP one`);
      assert.ok(p.contentEncoding === undefined || p.contentEncoding === 'gzip',
        `request #${p.n}: Content-Encoding ${p.contentEncoding} is none or gzip`);
    }
    await figure({
      test: 'a', what: 'offline backlog flush after 3 page lives', spans: 5000, seconds: secs,
      spansPerSecond: Math.round(5000 / secs), requests: carrying.length,
      bytes: carrying.reduce((a, p) => a + p.bytes, 0),
      contentTypes: [...new Set(carrying.map((p) => p.contentType))],
      contentEncodings: [...new Set(carrying.map((p) => p.contentEncoding ?? '(none)'))],
    });
  });
});

test('figures: record() persistence rate and backlog flush throughput (median of 3 runs of 5,000 spans)', { timeout: 240_000 }, async () => {
  const runs = [];
  for (let run = 0; run < 3; run++) {
    const { context, page } = await freshApp();
    await withDiagnostics(env, `durable-figures-${run}`, () => page, async () => {
      // Offline while recording: only IndexedDB writes, no export competing.
      await goOffline(context, page);
      const t0 = Date.now();
      const r = await appRecord(page, { count: 5000, name: `durable.fig${run}` });
      const recordMs = Date.now() - t0;
      assert.equal(r.spanIds.length, 5000, 'record({count: 5000}) returned 5,000 ids');

      const before = env.proxy.posts().length;
      const t1 = Date.now();
      await context.setOffline(false);
      await waitForCollectorIds(env, r.spanIds, 60_000, `durable.fig${run} span ids`);
      const flushMs = Date.now() - t1;
      const mine = new Set(r.spanIds);
      const posts = env.proxy.posts().slice(before).filter((p) => p.spanIds.some((id) => mine.has(id)));
      const lastAnswer = Math.max(...posts.map((p) => p.answered ?? 0));
      runs.push({
        recordMs, recordSpansPerSecond: Math.round(5000 / (recordMs / 1000)),
        flushMs, flushSpansPerSecond: Math.round(5000 / (flushMs / 1000)),
        proxyFlushMs: lastAnswer - t1,
        requests: posts.length, bytes: posts.reduce((a, p) => a + p.bytes, 0),
        decodedBytes: posts.reduce((a, p) => a + p.decodedBytes, 0),
        contentType: [...new Set(posts.map((p) => p.contentType))].join(','),
        contentEncoding: [...new Set(posts.map((p) => p.contentEncoding ?? '(none)'))].join(','),
      });
      await context.close();
    });
  }
  const m = (k) => median(runs.map((r) => r[k]));
  await figure({
    test: 'figures', spans: 5000, runs: runs.length,
    recordSpansPerSecondMedian: m('recordSpansPerSecond'), recordMsMedian: m('recordMs'),
    flushSpansPerSecondMedian: m('flushSpansPerSecond'), flushMsMedian: m('flushMs'),
    proxyFlushMsMedian: m('proxyFlushMs'),
    requestsMedian: m('requests'), bytesOnWireMedian: m('bytes'), decodedBytesMedian: m('decodedBytes'),
    bytesPerSpanOnWire: Math.round(m('bytes') / 5000),
    contentType: runs[0].contentType, contentEncoding: runs[0].contentEncoding,
    perRun: runs,
  });
});
