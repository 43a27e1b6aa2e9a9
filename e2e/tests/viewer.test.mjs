// (c) The viewer lists the stored traces and shows a trace's waterfall as an
// ARIA treegrid with the span hierarchy.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, withDiagnostics, waitForApp, clickDemoAction, TRACE_ID } from '../harness.mjs';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

test('viewer lists the demo trace and shows its waterfall as a treegrid', { timeout: 120_000 }, async () => {
  const { page } = await env.newPage();
  await withDiagnostics(env, 'viewer', () => page, async () => {
    await page.goto(`${env.baseURL}/`);
    await waitForApp(page);
    const demo = await clickDemoAction(page);

    await page.goto(`${env.baseURL}/viewer`);
    const rows = page.locator('[data-testid="trace-row"]');
    await rows.first().waitFor({ state: 'visible', timeout: 60_000 });
    assert.ok((await rows.count()) >= 1, 'at least one [data-testid="trace-row"]');
    for (const id of await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-trace-id')))) {
      assert.match(id ?? '', TRACE_ID, `trace row data-trace-id ${JSON.stringify(id)} is a 32 lower-hex trace id`);
    }

    const row = rows.filter({ hasText: 'demo.action' });
    await row.first().waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await row.count(), 1, 'exactly one trace row mentions demo.action (one click)');
    assert.equal(await row.getAttribute('data-trace-id'), demo.root.traceId,
      'the demo.action row carries the trace id recorded by the demo page');
    await row.click();

    const grid = page.locator('[role="treegrid"]');
    await grid.first().waitFor({ state: 'visible', timeout: 15_000 });
    const expect = [
      { span: demo.root, name: 'demo.action', level: '1' },
      { span: demo.compute, name: 'demo.compute', level: '2' },
      { span: demo.get, name: 'GET', level: '2' },
    ];
    for (const { span, name, level } of expect) {
      const r = grid.locator(`[role="row"][data-span-id="${span.spanId}"]`);
      await r.first().waitFor({ state: 'visible', timeout: 10_000 }).catch(() => {});
      assert.equal(await r.count(), 1, `treegrid has one row with data-span-id=${span.spanId} (${name})`);
      assert.equal(await r.getAttribute('aria-level'), level, `treegrid row ${name}: aria-level`);
      const text = await r.innerText();
      assert.ok(text.includes(name), `treegrid row ${span.spanId} shows the span name ${name}; text: ${JSON.stringify(text)}`);
    }
    const all = await grid.locator('[role="row"][data-span-id]').evaluateAll((els) =>
      els.map((e) => ({ id: e.getAttribute('data-span-id'), level: e.getAttribute('aria-level') })));
    assert.equal(all.length, demo.spans.length,
      `the waterfall has one row per span of the trace in spanfall.spans() (${demo.spans.length}): ${JSON.stringify(all)}`);
    assert.equal(all[0].id, demo.root.spanId, 'the root span is the first row of the waterfall');
  });
});
