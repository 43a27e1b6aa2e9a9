// (b) Offline-first: spans recorded while the browser is offline, across an
// offline reload served by the service worker, are kept and exported exactly
// once when the browser is back online.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  setup, withDiagnostics, waitForApp, clickDemoAction, appFlush, appSpans, appStatus,
  waitForStatus, waitFor, assertSpanIds,
} from '../harness.mjs';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

const pendingIds = async (page) => (await appSpans(page)).filter((s) => !s.exported).map((s) => s.spanId);

/** Waits until the service worker is active and controls the page (reloading once if needed). */
async function waitForServiceWorkerControl(page) {
  const active = await page.evaluate(
    (ms) =>
      Promise.race([
        navigator.serviceWorker.ready.then((reg) => !!reg.active),
        new Promise((resolve) => setTimeout(() => resolve(false), ms)),
      ]),
    30_000,
  );
  assert.ok(active, 'navigator.serviceWorker.ready resolved with an active worker within 30 s');
  // go-app's worker may claim the page itself; if it does not, the next
  // load is controlled.
  const claimed = await page
    .waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 3_000 })
    .then(() => true, () => false);
  if (!claimed) {
    console.error('service worker did not claim the page: reloading once for control');
    await page.reload();
    await waitForApp(page);
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 15_000 });
  }
  const script = await page.evaluate(() => navigator.serviceWorker.controller.scriptURL);
  return script;
}

test('offline spans survive an offline reload and are exported exactly once when back online', { timeout: 240_000 }, async () => {
  const { context, page } = await env.newPage();
  await withDiagnostics(env, 'offline', () => page, async () => {
    await page.goto(`${env.baseURL}/`);
    await waitForApp(page);
    const sw = await waitForServiceWorkerControl(page);
    assert.ok(sw.endsWith('/app-worker.js'), `page is controlled by go-app's worker, got ${sw}`);

    const status0 = await appStatus(page);
    assert.equal(status0.store, 'indexeddb', `spans are kept in IndexedDB: ${JSON.stringify(status0)}`);
    const f0 = await appFlush(page);
    assert.ok(!f0.error && f0.pending === 0, `online flush before going offline exports everything: ${JSON.stringify(f0)}`);

    // --- offline: three clicks.
    await context.setOffline(true);
    await waitForStatus(page, (s) => s.online === false, 10_000, 'spanfall.status().online becomes false offline');
    const offlineRoots = [];
    for (let i = 0; i < 3; i++) offlineRoots.push((await clickDemoAction(page)).root);
    const pending = new Set(await pendingIds(page));
    for (const r of offlineRoots) {
      assert.ok(pending.has(r.spanId), `offline demo.action ${r.spanId} is pending (exported=false) in spanfall.spans()`);
    }
    assert.ok(pending.size >= 9, `at least 3 x 3 spans pending after 3 offline clicks, got ${pending.size}`);

    // --- reload while offline: the service worker serves the app.
    const reloaded = await page.reload({ timeout: 60_000 });
    assert.ok(reloaded && reloaded.ok(), `offline reload answered: ${reloaded && reloaded.status()}`);
    assert.ok(reloaded.fromServiceWorker(), 'the offline reload is served by the service worker');
    await waitForApp(page);
    const afterReload = new Set(await pendingIds(page));
    const lost = [...pending].filter((id) => !afterReload.has(id));
    assert.deepEqual(lost, [], 'pending spans survive an offline reload (still pending in spanfall.spans())');
    const s1 = await appStatus(page);
    assert.equal(s1.online, false, `still offline after the reload: ${JSON.stringify(s1)}`);
    assert.ok(s1.pending >= pending.size, `status().pending (${s1.pending}) counts the pending spans (${pending.size})`);

    offlineRoots.push((await clickDemoAction(page)).root);
    for (const id of await pendingIds(page)) pending.add(id);
    assert.ok(pending.has(offlineRoots[3].spanId), 'the demo.action recorded after the offline reload is pending');

    // --- back online: everything pending reaches the collector.
    await context.setOffline(false);
    await waitForStatus(page, (s) => s.online === true, 10_000, 'spanfall.status().online becomes true back online');
    const f1 = await appFlush(page);
    assert.ok(!f1.error, `flush back online reported an error: ${JSON.stringify(f1)}`);
    assert.equal(f1.pending, 0, `flush back online leaves nothing pending: ${JSON.stringify(f1)}`);

    let collected = [];
    await waitFor(
      async () => {
        collected = await env.spans();
        const at = new Set(collected.map((s) => s.spanId));
        return [...pending].every((id) => at.has(id));
      },
      30_000,
      {
        message: () => {
          const at = new Set(collected.map((s) => s.spanId));
          const missing = [...pending].filter((id) => !at.has(id));
          return `all ${pending.size} offline span ids at the collector; missing ${missing.length}: ${missing.join(' ')}`;
        },
      },
    );

    // --- no duplicates: flush again (must send nothing old), then a marker.
    // The collector's pipeline is synchronous (receiver -> file exporter, no
    // batching) and the file exporter appends in arrival order, so once the
    // marker span is in the file, every export the app sent before it is too.
    const f2 = await appFlush(page);
    assert.ok(!f2.error && f2.pending === 0, `second flush: ${JSON.stringify(f2)}`);
    const marker = await clickDemoAction(page);
    const f3 = await appFlush(page);
    assert.ok(!f3.error && f3.pending === 0, `marker flush: ${JSON.stringify(f3)}`);
    await waitFor(
      async () => {
        collected = await env.spans();
        return collected.some((s) => s.spanId === marker.root.spanId);
      },
      20_000,
      { message: `marker demo.action ${marker.root.spanId} at the collector` },
    );

    const count = new Map();
    for (const s of collected) count.set(s.spanId, (count.get(s.spanId) ?? 0) + 1);
    const dup = [...pending].filter((id) => count.get(id) !== 1).map((id) => `${id} x${count.get(id) ?? 0}`);
    assert.deepEqual(dup, [], 'every offline span id occurs exactly once at the collector');
    for (const s of collected.filter((c) => pending.has(c.spanId))) assertSpanIds(assert, s);

    // The store agrees: nothing pending, and the offline spans are marked exported.
    const st = await appStatus(page);
    assert.equal(st.pending, 0, `status().pending is 0 at the end: ${JSON.stringify(st)}`);
    const stillPending = (await appSpans(page)).filter((s) => pending.has(s.spanId) && !s.exported);
    assert.deepEqual(stillPending.map((s) => s.spanId), [], 'offline spans are marked exported in spanfall.spans()');
  });
});
