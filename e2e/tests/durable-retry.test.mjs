// Durable offline pipeline (d, e): the receiver's answers steer the flusher.
//   (d) 503 + Retry-After: 2 for 6 s: the app retries, never sooner than
//       Retry-After, and everything arrives once the receiver is back.
//   (e) One batch answered 400 (google.rpc.Status): it is dropped and counted
//       as rejected, and the batches after it still arrive.
// The fault proxy sits between the app and the collector.

import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  setup, withDiagnostics, waitForApp, appFlush, appStatus, appRecord, waitFor, waitForStatus,
  waitForCollectorIds, settleCollector, assertEachOnce, figure,
} from '../harness.mjs';
import { rpcStatus, hasSpanId } from '../faultproxy.mjs';

const BATCH = 100;
const CLOCK_SLACK_MS = 50;

let env;
before(async () => {
  env = await setup({ proxy: true, serverEnv: { SPANFALL_BATCH_SIZE: String(BATCH) } });
});
after(async () => {
  await env?.close();
});
// Each test programs its own faults: none is left over from a failed one.
beforeEach(() => {
  env?.proxy.passThrough();
  env?.proxy.resetLog();
});

/**
 * A fresh context with the app loaded and nothing pending. No service
 * worker: these tests read the page flusher's retries and counts, and back
 * online the worker's Background Sync could send a batch first
 * (pwa-sync.test.mjs tests the worker).
 */
async function freshApp() {
  const { context, page } = await env.newPage({ serviceWorkers: 'block' });
  await page.goto(`${env.baseURL}/`);
  await waitForApp(page);
  const f = await appFlush(page);
  assert.ok(!f.error && f.pending === 0, `first flush exports everything: ${JSON.stringify(f)}`);
  return { context, page };
}

test('(d) 503 with Retry-After: 2 for 6 s: retries wait at least 2 s, then everything arrives', { timeout: 90_000 }, async () => {
  const { page } = await freshApp();
  await withDiagnostics(env, 'durable-d', () => page, async () => {
    env.proxy.resetLog();
    const WINDOW_MS = 6000;
    const windowStart = Date.now();
    env.proxy.reply({ status: 503, headers: { 'Retry-After': '2', 'Content-Type': 'text/plain' }, body: 'unavailable' }, { forMs: WINDOW_MS });

    // 300 spans: the store-notify threshold (256) starts a flush at once.
    const r = await appRecord(page, { count: 300, name: 'durable.d' });
    const first503 = await waitFor(() => env.proxy.posts().find((p) => p.status === 503 && p.answered), 10_000,
      { message: () => `a first request answered 503 by the proxy\n${env.proxy.describe()}` });

    // An explicit flush during the receiver's backoff sends nothing and says so.
    const fb = await appFlush(page);
    const inWindow = Date.now() < first503.answered + 2000 - 200;
    if (inWindow) {
      assert.match(fb.error ?? '', /backing off/,
        `spanfall.flush() during a 503/Retry-After backoff resolves with an error mentioning "backing off": ${JSON.stringify(fb)}`);
    }

    await waitForCollectorIds(env, r.spanIds, 45_000, 'durable.d span ids');
    const st = await appStatus(page);
    const spans = await settleCollector(env, page);
    assertEachOnce(assert, spans, r.spanIds, 'durable.d span ids');

    const posts = env.proxy.posts();
    const failed = posts.filter((p) => p.status === 503);
    const gaps = [];
    const early = [];
    for (const p of failed) {
      const next = posts.find((q) => q.n > p.n);
      if (!next) continue;
      const gap = next.received - p.answered;
      gaps.push(gap);
      if (gap < 2000 - CLOCK_SLACK_MS) early.push(`#${next.n} came ${gap} ms after the 503 answer to #${p.n}`);
    }
    await figure({
      test: 'd', windowMs: WINDOW_MS, requests: posts.length, answered503: failed.length, gapsMs: gaps,
      firstPassMsAfterWindowStart: (posts.find((p) => p.status === 200)?.received ?? 0) - windowStart,
      retries: st.flush.retries, explicitFlushDuringBackoff: fb,
    });
    assert.ok(failed.length >= 2, `the app retried during the 6 s window (503 answers: ${failed.length})\n${env.proxy.describe()}`);
    assert.ok(st.flush.retries > 0, `status().flush.retries > 0 after 503s: ${JSON.stringify(st.flush)}`);
    assert.deepEqual(early, [], `no request sooner than Retry-After (2 s) after a 503 answer\n${env.proxy.describe()}`);
    assert.equal(st.pending, 0, `nothing pending once the receiver is back: ${JSON.stringify(st)}`);
  });
});

test('(e) a batch answered 400 is rejected and counted; the batches after it arrive', { timeout: 60_000 }, async () => {
  const { context, page } = await freshApp();
  await withDiagnostics(env, 'durable-e', () => page, async () => {
    env.proxy.passThrough();
    env.proxy.resetLog();
    const st0 = await appStatus(page);

    // Offline while recording, so that the three batches are exactly the
    // three record() calls (SPANFALL_BATCH_SIZE=100, nothing else pending).
    await context.setOffline(true);
    await waitForStatus(page, (s) => s.online === false, 10_000, 'spanfall.status().online becomes false offline');
    const a = await appRecord(page, { count: BATCH, name: 'durable.e.before' });
    const b = await appRecord(page, { count: BATCH, name: 'durable.e.refused' });
    const c = await appRecord(page, { count: BATCH, name: 'durable.e.after' });
    const poison = b.spanIds[BATCH / 2];
    const rule = env.proxy.reply(rpcStatus(400, 3, 'e2e: this batch is refused'), { match: hasSpanId(poison), times: 1 });

    await context.setOffline(false);
    await waitForStatus(page, (s) => s.online === true, 10_000, 'spanfall.status().online becomes true back online');
    const f = await appFlush(page);
    assert.ok(!/backing off/.test(f.error ?? ''), `a 400 sets no backoff: ${JSON.stringify(f)}`);
    assert.equal(f.pending, 0, `nothing pending after the flush: the refused batch is dropped, not kept: ${JSON.stringify(f)}`);
    assert.equal(rule.hits, 1, `the proxy refused exactly one request (the one carrying ${poison})\n${env.proxy.describe()}`);

    await waitForCollectorIds(env, [...a.spanIds, ...c.spanIds], 30_000, 'span ids of the batches before and after the refused one');
    const st = await appStatus(page);
    const spans = await settleCollector(env, page);
    assertEachOnce(assert, spans, [...a.spanIds, ...c.spanIds], 'span ids of the batches before and after the refused one');
    const refusedAt = spans.filter((s) => s.name === 'durable.e.refused');
    const refusedReq = env.proxy.posts().find((p) => p.status === 400);
    await figure({ test: 'e', refusedRequestSpans: refusedReq?.spanIds.length, rejectedBefore: st0.flush.rejected, rejectedAfter: st.flush.rejected, lastError: st.flush.lastError });
    assert.equal(refusedAt.length, 0, 'the refused batch is not at the collector (the proxy did not forward it)');
    assert.equal(st.flush.rejected - (st0.flush.rejected ?? 0), refusedReq.spanIds.length,
      `status().flush.rejected counts the ${refusedReq.spanIds.length} spans of the refused batch: ${JSON.stringify(st.flush)}`);
    assert.equal(refusedReq.spanIds.length, BATCH, `the refused request held one batch of ${BATCH} spans`);
    const after = env.proxy.posts().filter((p) => p.n > refusedReq.n && p.status === 200 && p.spanIds.some((id) => c.spanIds.includes(id)));
    assert.ok(after.length >= 1, `a batch after the refused one was sent and accepted\n${env.proxy.describe()}`);
  });
});
