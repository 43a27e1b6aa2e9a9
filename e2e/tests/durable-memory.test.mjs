// Durable offline pipeline (g): without IndexedDB (removed by an init script,
// as in some private modes) the app falls back to the memory store, says so
// in status() and in the viewer, and still exports.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  setup, withDiagnostics, waitForApp, clickDemoAction, appFlush, appStatus, waitForCollectorIds, figure,
} from '../harness.mjs';

let env;
before(async () => {
  env = await setup({ proxy: true });
});
after(async () => {
  await env?.close();
});

/** Init script: window.indexedDB is undefined (own property and prototype chain). */
function removeIndexedDB() {
  for (let o = window; o; o = Object.getPrototypeOf(o)) {
    if (Object.prototype.hasOwnProperty.call(o, 'indexedDB')) {
      try {
        delete o.indexedDB;
      } catch {
        // not configurable: shadowed below
      }
    }
  }
  Object.defineProperty(window, 'indexedDB', { get: () => undefined, configurable: true });
}

test('(g) with indexedDB removed the app runs on the memory store, exports, and the viewer says so', { timeout: 90_000 }, async () => {
  const { context, page } = await env.newPage();
  await withDiagnostics(env, 'durable-g', () => page, async () => {
    await context.addInitScript(removeIndexedDB);
    await page.goto(`${env.baseURL}/`);
    assert.equal(await page.evaluate(() => typeof window.indexedDB), 'undefined', 'the init script removed window.indexedDB');
    await waitForApp(page);

    const st = await appStatus(page);
    assert.equal(st.store, 'memory', `status().store is "memory" without IndexedDB: ${JSON.stringify(st)}`);
    assert.ok(typeof st.storeError === 'string' && st.storeError.length > 0,
      `status().storeError says why IndexedDB is not used: ${JSON.stringify(st)}`);

    const demo = await clickDemoAction(page);
    const f = await appFlush(page);
    assert.ok(!f.error && f.pending === 0, `flush on the memory store exports everything: ${JSON.stringify(f)}`);
    const ids = demo.spans.map((s) => s.spanId);
    await waitForCollectorIds(env, ids, 20_000, 'demo.action trace span ids (memory store)');
    await figure({ test: 'g', storeError: st.storeError, demoSpans: ids.length });

    // In-app navigation to the viewer (same wasm instance, same memory store).
    await page.click('[data-testid="open-viewer"]');
    await page.waitForURL(/\/viewer/, { timeout: 15_000 });
    const status = page.locator('[data-testid="store-status"]');
    await status.waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForFunction(() => !/loading/.test(document.querySelector('[data-testid="store-status"]')?.textContent ?? 'loading'),
      null, { timeout: 15_000 }).catch(() => {});
    const text = await status.innerText();
    assert.ok(/memory/i.test(text), `the viewer's [data-testid=store-status] says "memory", got ${JSON.stringify(text)}`);
    const warning = page.locator('[data-testid="store-warning"]');
    const visible = await warning.first().waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => false);
    assert.ok(visible,
      (await warning.count()) === 0
        ? 'the viewer shows [data-testid="store-warning"] on the memory store: no such element (the warning is being added to the viewer)'
        : 'the viewer shows [data-testid="store-warning"] on the memory store: the element is there but not visible');
    const row = page.locator(`[data-testid="trace-row"][data-trace-id="${demo.root.traceId}"]`);
    await row.first().waitFor({ state: 'visible', timeout: 15_000 }).catch(() => {});
    assert.equal(await row.count(), 1, `the viewer lists the demo trace ${demo.root.traceId} from the memory store`);
  });
});
