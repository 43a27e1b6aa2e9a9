// The embedded debug panel (viewer.Panel) in the demo app: a button until
// opened; Ctrl+Shift+S or the button opens a drawer with the status line,
// this page's traces and the waterfall; it closes with its button or
// Escape; it never moves the host page's layout.
//
// Needs app/main.go to call viewer.UseStore(store).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, withDiagnostics, waitForApp, clickDemoAction, waitFor } from '../harness.mjs';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

/** Boxes of the demo page's own elements, to check the panel moves nothing. */
const hostLayout = (page) => page.evaluate(() => [...document.querySelectorAll('main.sf-demo, main.sf-demo > *:not(.sfv-panel-host)')]
  .map((e) => { const r = e.getBoundingClientRect(); return [e.tagName, r.x, r.y, r.width, r.height].join(' '); }));

test('open the debug panel in the demo app, read a trace, close it', { timeout: 120_000 }, async () => {
  const { page } = await env.newPage({ viewport: { width: 1280, height: 800 } });
  await withDiagnostics(env, 'viewer-panel', () => page, async () => {
    await page.goto(`${env.baseURL}/`);
    await waitForApp(page);
    const toggle = page.locator('[data-testid="panel-toggle"]');
    await toggle.waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await page.locator('[data-testid="panel"]').count(), 0, 'closed: no drawer in the DOM');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    const host = await page.locator('.sfv-panel-host').evaluate((e) => getComputedStyle(e).display);
    assert.equal(host, 'contents', 'the panel makes no box in the host layout');
    assert.equal(await toggle.evaluate((e) => getComputedStyle(e).position), 'fixed', 'its button floats');

    const demo = await clickDemoAction(page);
    const layout = await hostLayout(page);

    // Ctrl+Shift+S opens it, over the page.
    await page.keyboard.press('Control+Shift+S');
    const panel = page.locator('[data-testid="panel"]');
    await panel.waitFor({ state: 'visible', timeout: 5_000 });
    if (await panel.locator('[data-testid="panel-no-store"]').count()) {
      assert.fail('the panel has no store: app/main.go must call viewer.UseStore(store)');
    }
    await waitFor(async () => /store · \d+ spans/.test(await panel.locator('[data-testid="store-status"]').innerText()), 10_000,
      { message: 'the panel shows the pipeline status line' });
    const box = await panel.boundingBox();
    assert.ok(Math.abs(box.y + box.height - 800) <= 1 && box.width >= 1279, `docked at the bottom, full width: ${JSON.stringify(box)}`);
    assert.deepEqual(await hostLayout(page), layout, 'the open drawer moves nothing of the host');

    // This page's demo trace is listed; open it.
    const row = panel.locator(`[data-testid="trace-row"][data-trace-id="${demo.root.traceId}"]`);
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    await row.click();
    const grid = panel.locator('[role="treegrid"]');
    await grid.locator(`[role="row"][data-span-id="${demo.get.spanId}"][aria-level="2"]`).waitFor({ timeout: 10_000 });
    await grid.locator(`[role="row"][data-span-id="${demo.get.spanId}"] .sfv-name`).click();
    const pane = panel.locator('[data-testid="span-detail"]');
    await pane.waitFor({ state: 'visible', timeout: 5_000 });
    assert.match(await pane.locator('[data-testid="attributes"]').innerText(), /http\.request\.method\s+GET/);
    assert.equal(new URL(page.url()).pathname, '/', 'the panel never navigates the host');

    // Keys work inside the panel: Up selects the previous span.
    await page.keyboard.press('ArrowUp');
    await waitFor(async () => (await pane.locator('[data-testid="detail-name"]').innerText()) === 'demo.compute', 5_000,
      { message: 'ArrowUp in the panel moves to demo.compute' });

    // Escape closes the details, then the panel.
    await page.keyboard.press('Escape');
    await pane.waitFor({ state: 'detached', timeout: 5_000 });
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached', timeout: 5_000 });
    await toggle.waitFor({ state: 'visible', timeout: 5_000 });

    // The button opens it again where it was; its close button closes it.
    await toggle.click();
    await panel.waitFor({ state: 'visible', timeout: 5_000 });
    await panel.locator('[role="treegrid"]').waitFor({ timeout: 5_000 });
    await panel.locator('[data-testid="panel-close"]').click();
    await panel.waitFor({ state: 'detached', timeout: 5_000 });
    assert.deepEqual(await hostLayout(page), layout, 'closing moves nothing');
    const errors = page.logs.filter((l) => l.startsWith('[pageerror]'));
    assert.deepEqual(errors, [], 'no page errors');
  });
});

test('the panel resizes from its top edge and keeps its height', { timeout: 120_000 }, async () => {
  const { page } = await env.newPage({ viewport: { width: 1280, height: 800 } });
  await withDiagnostics(env, 'viewer-panel-resize', () => page, async () => {
    await page.goto(`${env.baseURL}/`);
    await waitForApp(page);
    await page.click('[data-testid="panel-toggle"]');
    const panel = page.locator('[data-testid="panel"]');
    await panel.waitFor({ state: 'visible', timeout: 5_000 });
    const handle = panel.locator('[role="separator"]');
    const hb = await handle.boundingBox();
    await page.mouse.move(hb.x + 200, hb.y + hb.height / 2);
    await page.mouse.down();
    await page.mouse.move(hb.x + 200, 300, { steps: 5 });
    await page.mouse.up();
    await waitFor(async () => Math.abs((await panel.boundingBox()).height - 500) <= 4, 5_000,
      { message: async () => `dragged to 500px high; is ${(await panel.boundingBox()).height}` });
    await handle.focus();
    await page.keyboard.press('ArrowDown');
    await waitFor(async () => Math.abs((await panel.boundingBox()).height - 460) <= 4, 5_000,
      { message: 'ArrowDown on the separator shrinks it by 40px' });
    await page.reload();
    await waitForApp(page);
    await page.click('[data-testid="panel-toggle"]');
    await panel.waitFor({ state: 'visible', timeout: 5_000 });
    assert.ok(Math.abs((await panel.boundingBox()).height - 460) <= 4, 'the height is remembered');
  });
});
