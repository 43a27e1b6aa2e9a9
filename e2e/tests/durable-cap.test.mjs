// Durable offline pipeline (b): a store capped at 1,000 spans
// (SPANFALL_MAX_SPANS=1000) that is given 3,000 spans while offline, 50 of
// them errors, keeps 1,000 — all the errors among them — evicts the rest
// (counted in status().evicted) and exports what it kept once online.
//
// Skipped while the store caps have not landed (status().evicted undefined).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  setup, withDiagnostics, waitForApp, appFlush, appStatus, appSpans, appRecord, waitForStatus,
  waitForCollectorIds, settleCollector, assertEachOnce, figure, evictedTotal,
} from '../harness.mjs';

const CAP = 1000;

let env;
before(async () => {
  env = await setup({ proxy: true, serverEnv: { SPANFALL_MAX_SPANS: String(CAP) } });
});
after(async () => {
  await env?.close();
});

test('(b) a 1,000-span cap given 3,000 offline spans keeps 1,000 including all 50 errors and counts the other 2,000 (+ the page\'s own) as evicted', { timeout: 120_000 }, async (t) => {
  const { context, page } = await env.newPage();
  await withDiagnostics(env, 'durable-b', () => page, async () => {
    await page.goto(`${env.baseURL}/`);
    await waitForApp(page);
    const st0 = await appStatus(page);
    if (st0.evicted === undefined) {
      t.skip('store caps not landed yet (status().evicted is undefined)');
      return;
    }
    const f0 = await appFlush(page);
    assert.ok(!f0.error && f0.pending === 0, `online flush before going offline exports everything: ${JSON.stringify(f0)}`);
    const base = await appStatus(page); // documentLoad spans, exported: they count toward the cap
    const ev0 = base.evicted;

    await context.setOffline(true);
    await waitForStatus(page, (s) => s.online === false, 10_000, 'spanfall.status().online becomes false offline');
    const NAME = 'durable.b';
    const ids = [];
    const errorIds = [];
    // 10 chunks of 300, each ending with 5 error spans: errors are spread from
    // the oldest to the newest, so oldest-first eviction alone would lose some.
    for (let i = 0; i < 10; i++) {
      const r = await appRecord(page, { count: 300, errors: 5, name: NAME });
      assert.equal(r.spanIds.length, 300, `record({count: 300, errors: 5}) #${i} returned 300 ids`);
      ids.push(...r.spanIds);
      errorIds.push(...r.spanIds.slice(-5));
    }
    assert.equal(errorIds.length, 50, '50 error spans made');
    const made = base.spans + ids.length; // every span the store was ever given

    const stOff = await appStatus(page);
    const stored = await appSpans(page);
    const keptIds = stored.filter((s) => s.name === NAME).map((s) => s.spanId);
    const keptSet = new Set(keptIds);
    const lostErrors = errorIds.filter((id) => !keptSet.has(id));
    assert.ok(stOff.spans <= CAP, `the store holds at most ${CAP} spans after 3,000 offline spans, holds ${stOff.spans}: ${JSON.stringify(stOff)}`);
    assert.deepEqual(lostErrors, [], `all 50 error spans are kept by the cap; ${lostErrors.length} were evicted`);

    // --- back online.
    await context.setOffline(false);
    await waitForStatus(page, (s) => s.online === true, 10_000, 'spanfall.status().online becomes true back online');
    const f1 = await appFlush(page);
    assert.ok(!f1.error && f1.pending === 0, `flush back online exports what the cap kept: ${JSON.stringify(f1)}`);
    await waitForCollectorIds(env, keptIds, 30_000, 'kept durable.b span ids');
    const st = await appStatus(page); // before the marker span adds one more
    const spans = await settleCollector(env, page);
    const ours = spans.filter((s) => s.name === NAME);
    assertEachOnce(assert, ours, keptIds, 'kept durable.b span ids');
    await figure({ test: 'b', made, kept: keptIds.length, atCollector: ours.length, evicted: st.evicted, storeSpans: stOff.spans });

    assert.equal(ours.length, CAP,
      `the collector holds ${CAP} of the 3,000 offline spans (the exported documentLoad spans go first), got ${ours.length}; ` +
      `evicted ${JSON.stringify(st.evicted)}`);
    const errorsAt = new Set(ours.filter((s) => s.status?.code === 2 || s.status?.code === 'STATUS_CODE_ERROR').map((s) => s.spanId));
    const missingErrors = errorIds.filter((id) => !errorsAt.has(id));
    assert.deepEqual(missingErrors, [], `all 50 error spans reach the collector with status error; missing ${missingErrors.length}`);
    const ev = st.evicted;
    assert.equal(evictedTotal(ev) - evictedTotal(ev0), made - CAP,
      `status().evicted.total counts every span beyond the cap: ${made} made (${base.spans} of this page load, exported, + 3,000) − ${CAP} = ${made - CAP}; ` +
      `evicted ${JSON.stringify(ev)}`);
    assert.equal(ev.count - ev0.count, evictedTotal(ev) - evictedTotal(ev0),
      `only the span-count cap evicted here (no byte, age or quota eviction): evicted.count grew by the total; ${JSON.stringify(ev)}`);
    assert.equal(ev.exported - ev0.exported, base.spans,
      `the ${base.spans} exported spans are evicted before any pending one: ${JSON.stringify(ev)}`);
    assert.equal(ev.pending - ev0.pending, 3000 - CAP, `3,000 − ${CAP} pending spans evicted: ${JSON.stringify(ev)}`);
    assert.equal(ev.errors - ev0.errors, 0, `no span of an error trace evicted: ${JSON.stringify(ev)}`);
  });
});
