// Durable offline pipeline (f): the tab is closed while a flush is in flight
// (the proxy forwards that request to the collector but never answers it).
// On the next start (a new tab in the same browser context, proxy back to
// pass-through) everything arrives, with at most one batch duplicated.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  setup, withDiagnostics, waitForApp, appFlush, appRecord, appStatus, waitFor,
  waitForCollectorIds, settleCollector, assertEachOnce, figure,
} from '../harness.mjs';

const BATCH = 100;

let env;
before(async () => {
  env = await setup({ proxy: true, serverEnv: { SPANFALL_BATCH_SIZE: String(BATCH) } });
});
after(async () => {
  await env?.close();
});

test('(f) tab closed during an unanswered export: next start sends everything, duplicates at most one batch', { timeout: 90_000 }, async () => {
  const { context, page } = await env.newPage();
  let current = page;
  await withDiagnostics(env, 'durable-f', () => current, async () => {
    await page.goto(`${env.baseURL}/`);
    await waitForApp(page);
    const f0 = await appFlush(page);
    assert.ok(!f0.error && f0.pending === 0, `first flush exports everything: ${JSON.stringify(f0)}`);
    env.proxy.resetLog();

    // The next export is forwarded to the collector, but its answer never comes.
    const hold = env.proxy.hold({ times: 1, forever: true });
    const r = await appRecord(page, { count: 350, name: 'durable.f' }); // > threshold: a flush starts
    await waitFor(() => hold.held() === 1, 15_000,
      { message: () => `an export request held by the proxy\n${env.proxy.describe()}` });
    const heldReq = env.proxy.posts().find((p) => p.action === 'hold forever');
    assert.ok(heldReq.spanIds.length > 0 && heldReq.spanIds.length <= BATCH,
      `the held request carries one batch (1..${BATCH} spans), got ${heldReq.spanIds.length}`);
    // The collector got the held batch (forwarded) but the app never heard so.
    await waitForCollectorIds(env, heldReq.spanIds, 15_000, 'span ids of the held (forwarded) request');

    await page.close({ runBeforeUnload: false });
    // The request may outlive the tab: go-app's service worker answers every
    // fetch of the page (cross-origin POSTs included) with its own fetch.
    // Either way it is never answered.
    const heldEndedOnClose = await waitFor(() => hold.held() === 0, 3_000).then(() => true, () => false);
    env.proxy.passThrough();

    // --- next start: a new tab of the same origin, same storage.
    const page2 = await env.newPageIn(context);
    current = page2;
    await page2.goto(`${env.baseURL}/`);
    await waitForApp(page2);
    await waitForCollectorIds(env, r.spanIds, 30_000, 'durable.f span ids after the next start');
    const spans = await settleCollector(env, page2);
    const { extra, duplicated } = assertEachOnce(assert, spans, r.spanIds, 'durable.f span ids', { maxExtra: BATCH });
    const st = await appStatus(page2);
    await figure({
      test: 'f', spans: r.spanIds.length, heldSpans: heldReq.spanIds.length, heldEndedOnClose, duplicateCopies: extra,
      duplicatesAreTheHeldBatch: duplicated.every((id) => heldReq.spanIds.includes(id)),
      requests: env.proxy.posts().length, pendingAfter: st.pending,
    });
    const strayDup = duplicated.filter((id) => !heldReq.spanIds.includes(id));
    assert.deepEqual(strayDup, [], 'only spans of the held batch may be duplicated');
    assert.equal(st.pending, 0, `nothing pending after the next start's flush: ${JSON.stringify(st)}`);
  });
});
