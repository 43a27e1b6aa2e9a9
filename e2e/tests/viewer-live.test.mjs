// Live viewer: spans stored into the open trace appear on the next
// refresh without moving the rows the user looks at; the pause switch
// holds them back.
//
// Needs spanfall.record({count, trace: true}) (one nested trace) and
// spanfall.record({count, trace: traceId, parent: spanId}) (spans added
// to an existing trace).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, withDiagnostics, waitForApp, waitFor } from '../harness.mjs';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

const GRID = '[role="treegrid"]';
const ROWS = `${GRID} [role="row"][data-span-id][aria-level]`;

/**
 * spanfall.record(opts) with opts.trace set: fails clearly when the app's
 * test API does not know the option (every span its own trace).
 */
async function recordTrace(page, opts) {
  const r = await page.evaluate((o) => window.spanfall.record(o), opts);
  const traces = new Set(r.traceIds);
  if (r.spanIds.length !== (opts.count ?? 1) || traces.size !== 1 ||
      (typeof opts.trace === 'string' && !traces.has(opts.trace))) {
    throw new Error(`spanfall.record(${JSON.stringify(opts)}) made ${r.spanIds.length} spans in ${traces.size} traces: ` +
      'the test API lacks the trace option (one nested trace with trace: true; children of parent in trace: "<id>")');
  }
  return r;
}

const rowCount = (page) => page.locator(GRID).getAttribute('aria-rowcount').then(Number);

/** The top of a span's row relative to the grid's viewport, null when not drawn. */
const rowTop = (page, id) => page.locator(GRID).evaluate((g, id) => {
  const r = g.querySelector(`[role="row"][data-span-id="${id}"]`);
  return r ? r.getBoundingClientRect().top - g.getBoundingClientRect().top : null;
}, id);

test('new spans of the open trace appear live without moving the viewport; pause holds them', { timeout: 180_000 }, async () => {
  const { page } = await env.newPage({ viewport: { width: 1400, height: 900 } });
  await withDiagnostics(env, 'viewer-live', () => page, async () => {
    await page.goto(`${env.baseURL}/`);
    await waitForApp(page);
    // 400 spans in one trace, four children per span: span 1 (the
    // root's first child) owns the first quarter of the rows.
    const rec = await recordTrace(page, { count: 400, trace: true, name: 'live.op' });
    const traceId = rec.traceIds[0];
    await page.goto(`${env.baseURL}/viewer?trace=${traceId}`);
    await page.locator(ROWS).first().waitFor({ state: 'visible', timeout: 30_000 });
    // The first rows may be the trace's head (aria-busy) while the rest
    // is read.
    await waitFor(async () => (await rowCount(page)) === 401, 10_000,
      { message: async () => `every span's row (aria-rowcount ${await rowCount(page)})` });
    assert.equal(await page.locator(GRID).getAttribute('aria-busy'), 'false');

    // Scroll to row 200 (past span 1's subtree) and read the row there.
    await page.locator(GRID).evaluate((g) => { g.scrollTop = 200 * 22 + 7; });
    let anchor;
    await waitFor(async () => {
      anchor = await page.locator(GRID).evaluate((g) => {
        const head = g.querySelector('.sfv-wf-head').getBoundingClientRect().bottom;
        const rows = [...g.querySelectorAll('[role="row"][data-span-id]')];
        const r = rows.find((e) => e.getBoundingClientRect().bottom > head + 1);
        return r && { id: r.getAttribute('data-span-id'), index: r.getAttribute('aria-rowindex') };
      });
      return anchor && Number(anchor.index) > 150;
    }, 5_000, { message: 'the rows around 200 are drawn' });
    const before = await rowTop(page, anchor.id);

    // Five children of span 1: they sort into its subtree, above the
    // viewport.
    await recordTrace(page, { count: 5, trace: traceId, parent: rec.spanIds[1], name: 'late.op' });
    // No reload and no click: only the live refresh can draw them. (How
    // fast is a bench figure, not a test: no time is asserted here.)
    await waitFor(async () => (await rowCount(page)) === 406, 30_000,
      { message: async () => `the five new spans appear live (aria-rowcount ${await rowCount(page)})` });
    const after = await rowTop(page, anchor.id);
    assert.ok(after !== null && Math.abs(after - before) <= 1,
      `the row at the top stayed in place: ${before}px before, ${after}px after`);

    // The new spans are there, under span 1.
    await page.fill('[data-testid="span-search"]', 'late.op');
    await waitFor(async () => /^1\/5$/.test(await page.locator('[data-testid="search-count"]').innerText()), 5_000,
      { message: 'search finds the five late spans' });
    const sel = page.locator(`${ROWS}[aria-selected="true"]`);
    assert.equal(await sel.getAttribute('aria-level'), '3', `a late span is a grandchild of the root: ${await sel.evaluate((e) => e.outerHTML.slice(0, 400))}`);
    await page.fill('[data-testid="span-search"]', '');

    // Paused: new spans wait; resumed: they come.
    await page.click('[data-testid="live-toggle"]');
    await waitFor(async () => (await page.locator('[data-testid="live-toggle"]').getAttribute('aria-pressed')) === 'false', 5_000,
      { message: 'the live switch shows paused' });
    await recordTrace(page, { count: 2, trace: traceId, parent: rec.spanIds[0], name: 'paused.op' });
    await new Promise((r) => setTimeout(r, 4_500));
    assert.equal(await rowCount(page), 406, 'paused: no new rows after two refresh periods');
    await page.click('[data-testid="live-toggle"]');
    await waitFor(async () => (await rowCount(page)) === 408, 5_000, { message: 'resumed: the two spans appear' });
  });
});

test('the trace list shows new traces live', { timeout: 120_000 }, async () => {
  const { page } = await env.newPage();
  await withDiagnostics(env, 'viewer-live-list', () => page, async () => {
    await page.goto(`${env.baseURL}/viewer`);
    await waitForApp(page);
    await page.locator('[data-testid="trace-row"], [data-testid="no-traces"]').first().waitFor({ timeout: 30_000 });
    const rec = await page.evaluate(() => window.spanfall.record({ count: 1, name: 'arrives.live' }));
    await page.locator(`[data-testid="trace-row"][data-trace-id="${rec.traceIds[0]}"]`)
      .waitFor({ state: 'visible', timeout: 10_000 });
  });
});
