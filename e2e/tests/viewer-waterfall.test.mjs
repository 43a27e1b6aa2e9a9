// The /viewer waterfall: open a trace from the list, fold with the mouse
// and the keyboard, read a span's details, search, follow a deep link,
// copy a span as JSON, and keep a large trace virtualised.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, withDiagnostics, waitForApp, clickDemoAction, appRecord, waitFor } from '../harness.mjs';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

const GRID = '[role="treegrid"]';
const ROWS = `${GRID} [role="row"][data-span-id][aria-level]`;

/** The rendered waterfall rows, in DOM order. */
function gridRows(page) {
  return page.locator(ROWS).evaluateAll((els) => els.map((e) => ({
    id: e.getAttribute('data-span-id'),
    level: e.getAttribute('aria-level'),
    expanded: e.getAttribute('aria-expanded'),
    selected: e.getAttribute('aria-selected'),
    name: e.querySelector('.sfv-name')?.textContent ?? '',
  })));
}

/** Waits until the waterfall shows n rows; returns them. */
async function waitRows(page, n, what) {
  let last = [];
  return waitFor(async () => {
    last = await gridRows(page);
    return last.length === n ? last : null;
  }, 10_000, { message: () => `${n} waterfall rows (${what}); have ${JSON.stringify(last)}` });
}

const row = (page, id) => page.locator(`${GRID} [role="row"][data-span-id="${id}"]`);

/** Waits until the page URL has the given query parameters (null: absent). */
async function waitURL(page, params) {
  return waitFor(() => {
    const q = new URL(page.url()).searchParams;
    return Object.entries(params).every(([k, v]) => (v === null ? !q.has(k) : q.get(k) === v));
  }, 5_000, { message: () => `URL with ${JSON.stringify(params)}; have ${page.url()}` });
}

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

/** A demo trace in the store, and the viewer page. */
async function demoPage() {
  const { page, context } = await env.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${env.baseURL}/`);
  await waitForApp(page);
  const demo = await clickDemoAction(page);
  return { page, context, demo };
}

test('open a trace, fold with the mouse and the keyboard, read a span in the detail pane', { timeout: 120_000 }, async () => {
  const { page, demo } = await demoPage();
  await withDiagnostics(env, 'viewer-waterfall-fold', () => page, async () => {
    await page.goto(`${env.baseURL}/viewer`);
    const listRow = page.locator(`[data-testid="trace-row"][data-trace-id="${demo.root.traceId}"]`);
    await listRow.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await page.locator('[data-testid="store-status"]').innerText(), /store · \d+ spans · \d+ pending/,
      'the status line counts the store');
    await listRow.click();
    // Opening a trace from the list stays on the page (no reload of the
    // whole store) and writes the URL.
    let rows = await waitRows(page, 3, 'demo trace');
    assert.deepEqual(rows.map((r) => [r.id, r.level]), [
      [demo.root.spanId, '1'], [demo.compute.spanId, '2'], [demo.get.spanId, '2'],
    ], 'depth-first rows with aria-level');
    assert.equal(rows[0].expanded, 'true', 'the root is expanded');
    assert.equal(rows[1].expanded, null, 'a leaf has no aria-expanded');
    await waitURL(page, { trace: demo.root.traceId });

    // Mouse: the fold toggle, then the toolbar.
    await row(page, demo.root.spanId).locator('.sfv-tog').click();
    rows = await waitRows(page, 1, 'root folded by its toggle');
    assert.equal(rows[0].expanded, 'false');
    await waitURL(page, { collapsed: 'all' });
    await row(page, demo.root.spanId).locator('.sfv-tog').click();
    await waitRows(page, 3, 'root unfolded');
    await page.click('[data-testid="collapse-all"]');
    await waitRows(page, 1, 'collapse all');
    await page.click('[data-testid="expand-all"]');
    await waitRows(page, 3, 'expand all');

    // Click a row: selected, detail pane open on it.
    await row(page, demo.root.spanId).locator('.sfv-name').click();
    const pane = page.locator('[data-testid="span-detail"]');
    await pane.waitFor({ state: 'visible', timeout: 5_000 });
    assert.equal(await pane.locator('[data-testid="detail-name"]').innerText(), 'demo.action');
    assert.equal(await row(page, demo.root.spanId).getAttribute('aria-selected'), 'true');
    await waitURL(page, { span: demo.root.spanId });

    // Keyboard: Left folds, Right unfolds, Down moves, Enter opens,
    // Escape closes.
    await page.keyboard.press('ArrowLeft');
    await waitRows(page, 1, 'ArrowLeft folds the selected root');
    await page.keyboard.press('ArrowRight');
    await waitRows(page, 3, 'ArrowRight unfolds it');
    await page.keyboard.press('Escape');
    await pane.waitFor({ state: 'detached', timeout: 5_000 });
    await page.keyboard.press('ArrowDown');
    await waitFor(async () => (await row(page, demo.compute.spanId).getAttribute('aria-selected')) === 'true', 5_000,
      { message: 'ArrowDown selects demo.compute' });
    await page.keyboard.press('Enter');
    await pane.waitFor({ state: 'visible', timeout: 5_000 });
    assert.equal(await pane.locator('[data-testid="detail-name"]').innerText(), 'demo.compute');
    assert.match(await pane.locator('[data-testid="attributes"]').innerText(), /demo\.sum\s+\d+/,
      'the pane lists the attribute demo.sum and its value');
    await page.keyboard.press('ArrowDown');
    await waitFor(async () => (await pane.locator('[data-testid="detail-name"]').innerText()) === 'GET', 5_000,
      { message: 'the open pane follows the selection to GET' });
    const attrs = await pane.locator('[data-testid="attributes"]').innerText();
    assert.match(attrs, /http\.request\.method\s+GET/, `GET attributes: ${attrs}`);
    assert.match(attrs, /url\.full\s+http:\/\/127\.0\.0\.1:\d+\/api\/demo/, `GET attributes: ${attrs}`);
    assert.match(await pane.locator('[data-testid="overview"]').innerText(), new RegExp(`parent\\s+${demo.root.spanId}`),
      'the overview names the parent');
    assert.match(await pane.locator('[data-testid="resource"]').innerText(), /service\.name\s+spanfall-demo/);
    await page.click('[data-testid="close-detail"]');
    await pane.waitFor({ state: 'detached', timeout: 5_000 });
  });
});

test('a deep link restores the trace, the selected span and the fold, and survives a reload', { timeout: 120_000 }, async () => {
  const { page, demo } = await demoPage();
  await withDiagnostics(env, 'viewer-waterfall-deeplink', () => page, async () => {
    const t = demo.root.traceId;
    // The root selected, itself folded.
    await page.goto(`${env.baseURL}/viewer?trace=${t}&span=${demo.root.spanId}&collapsed=${demo.root.spanId}`);
    let rows = await waitRows(page, 1, 'deep link with the root folded');
    assert.equal(rows[0].expanded, 'false');
    assert.equal(rows[0].selected, 'true');
    const pane = page.locator('[data-testid="span-detail"]');
    await pane.waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await pane.locator('[data-testid="detail-name"]').innerText(), 'demo.action');

    // A span under a folded parent: the fold gives way to show it.
    await page.goto(`${env.baseURL}/viewer?trace=${t}&span=${demo.get.spanId}&collapsed=all`);
    rows = await waitRows(page, 3, 'deep link to a span under a folded root');
    assert.equal(rows.find((r) => r.id === demo.get.spanId)?.selected, 'true');

    // Change the view in the UI, reload: the same view.
    await page.click('[data-testid="collapse-all"]');
    await waitRows(page, 1, 'collapse all');
    // Folding hid the selected GET: the selection moved to its root.
    await waitURL(page, { trace: t, collapsed: 'all', span: demo.root.spanId });
    await page.reload();
    rows = await waitRows(page, 1, 'after reload');
    assert.equal(rows[0].expanded, 'false', 'the fold survives a reload');

    // A malformed link shows the list, not an error.
    await page.goto(`${env.baseURL}/viewer?trace=<script>&span=zz`);
    await page.locator('[data-testid="trace-row"]').first().waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await page.locator(GRID).count(), 0, 'no waterfall for a malformed trace id');
  });
});

test('search highlights matches, n/N and Enter step through them, ? shows the keys', { timeout: 120_000 }, async () => {
  const { page, demo } = await demoPage();
  await withDiagnostics(env, 'viewer-waterfall-search', () => page, async () => {
    await page.goto(`${env.baseURL}/viewer?trace=${demo.root.traceId}&collapsed=all`);
    await waitRows(page, 1, 'folded');
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('/');
    const search = page.locator('[data-testid="span-search"]');
    await waitFor(() => search.evaluate((e) => document.activeElement === e), 5_000, { message: '/ focuses the search field' });
    await page.keyboard.type('demo.');
    // Typing jumps to the first match, the root.
    await waitFor(async () => (await page.locator('[data-testid="search-count"]').innerText()) === '1/2', 5_000,
      { message: 'search count 1/2' });
    let rows = await waitRows(page, 1, 'the root, folded, is the first match');
    assert.equal(rows[0].selected, 'true');
    assert.equal(await page.locator(`${GRID} mark.sfv-hit`).count(), 1, 'the root name highlighted');
    // Enter goes to the next match, hidden under the folded root: the
    // fold opens to show it.
    await page.keyboard.press('Enter');
    rows = await waitRows(page, 3, 'the second match revealed');
    await waitFor(async () => (await row(page, demo.compute.spanId).getAttribute('aria-selected')) === 'true', 5_000,
      { message: 'Enter in the search field goes to the next match' });
    assert.equal(await page.locator(`${GRID} mark.sfv-hit`).count(), 2, 'both names highlighted');
    await page.keyboard.press('Escape'); // leaves the field
    await page.keyboard.press('N');
    await waitFor(async () => (await row(page, demo.root.spanId).getAttribute('aria-selected')) === 'true', 5_000,
      { message: 'N goes back to the first match' });
    await page.keyboard.press('n');
    await waitFor(async () => (await row(page, demo.compute.spanId).getAttribute('aria-selected')) === 'true', 5_000,
      { message: 'n goes to the next match' });

    // Attribute values are searched too.
    await search.fill('/api/demo');
    await waitFor(async () => (await row(page, demo.get.spanId).getAttribute('aria-selected')) === 'true', 5_000,
      { message: 'searching an attribute value selects GET' });

    await page.keyboard.press('Escape');
    await page.keyboard.press('?');
    const help = page.locator('[data-testid="help"]');
    await help.waitFor({ state: 'visible', timeout: 5_000 });
    const text = await help.innerText();
    for (const want of ['next / previous match', 'collapse the span', 'open the span', 'search']) {
      assert.ok(text.includes(want), `help lists "${want}": ${text}`);
    }
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached', timeout: 5_000 });
  });
});

test('copy as JSON puts the span on the clipboard as OTLP JSON', { timeout: 120_000 }, async () => {
  const { page, context, demo } = await demoPage();
  await withDiagnostics(env, 'viewer-waterfall-copy', () => page, async () => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.baseURL });
    await page.goto(`${env.baseURL}/viewer?trace=${demo.root.traceId}&span=${demo.get.spanId}`);
    await page.locator('[data-testid="copy-json"]').click();
    await waitFor(async () => (await page.locator('[data-testid="copy-note"]').innerText()) === 'Copied', 5_000,
      { message: 'the pane says Copied' });
    const json = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
    const s = json.resourceSpans[0].scopeSpans[0].spans[0];
    assert.equal(s.spanId, demo.get.spanId);
    assert.equal(s.traceId, demo.root.traceId);
    assert.equal(s.parentSpanId, demo.root.spanId);
    assert.ok(json.resourceSpans[0].resource.attributes.some((a) => a.key === 'service.name'), 'with the resource');
  });
});

test('the trace list filters and sorts', { timeout: 120_000 }, async () => {
  const { page } = await env.newPage();
  await withDiagnostics(env, 'viewer-list', () => page, async () => {
    await page.goto(`${env.baseURL}/`);
    await waitForApp(page);
    const rec = await appRecord(page, { count: 4, errors: 2, name: 'listed.op' });
    await page.goto(`${env.baseURL}/viewer`);
    const rows = page.locator('[data-testid="trace-row"]');
    await rows.first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.fill('[data-testid="trace-filter"]', 'listed.op');
    await waitFor(async () => (await rows.count()) === 4, 5_000, { message: 'text filter keeps the 4 listed.op traces' });
    await page.selectOption('[data-testid="status-filter"]', 'errors');
    await waitFor(async () => (await rows.count()) === 2, 5_000, { message: 'the error filter keeps 2' });
    const ids = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-trace-id')));
    assert.deepEqual(new Set(ids), new Set(rec.traceIds.slice(2)), 'the two traces recorded with errors');
    await page.selectOption('[data-testid="status-filter"]', 'any');
    await page.click('[data-testid="sort-errors"]');
    await waitFor(async () => (await page.locator('th[aria-sort="descending"] [data-testid="sort-errors"]').count()) === 1, 5_000,
      { message: 'sorted by errors' });
    const first = await rows.first().getAttribute('data-trace-id');
    assert.ok(rec.traceIds.slice(2).includes(first), 'an error trace sorts first');
    await page.fill('[data-testid="min-duration"]', '1h');
    await waitFor(async () => (await rows.count()) === 0, 5_000, { message: 'no trace lasts an hour' });
    assert.match(await page.locator('.sfv-list .sfv-count').innerText(), /^0 of \d+ traces$/);
  });
});

// Needs spanfall.record({count, trace: true}) (one trace of nested spans).
test('a trace of 3,000 spans keeps a small pool of rows in the DOM', { timeout: 180_000 }, async () => {
  const { page } = await env.newPage({ viewport: { width: 1400, height: 900 } });
  await withDiagnostics(env, 'viewer-virtual', () => page, async () => {
    await page.goto(`${env.baseURL}/`);
    await waitForApp(page);
    const rec = await recordTrace(page, { count: 3000, trace: true, name: 'big' });
    const traceId = rec.traceIds[0];
    await page.goto(`${env.baseURL}/viewer?trace=${traceId}`);
    await page.locator(ROWS).first().waitFor({ state: 'visible', timeout: 30_000 });
    // The first rows come from the trace's head while the rest is read:
    // aria-busy says so, and the count grows to every row.
    await waitFor(async () => (await page.locator(GRID).getAttribute('aria-rowcount')) === '3001', 15_000,
      { message: 'aria-rowcount counts every row once the whole trace is read' });
    assert.equal(await page.locator(GRID).getAttribute('aria-busy'), 'false');
    const n = await page.locator(ROWS).count();
    assert.ok(n > 20 && n < 120, `${n} row elements for 3,000 spans: a pool sized to the viewport`);
    // Scroll to the end: the last span's row is drawn, the pool stays.
    await page.locator(GRID).evaluate((g) => { g.scrollTop = g.scrollHeight; });
    await waitFor(async () => {
      const rows = await gridRows(page);
      return rows.length > 0 && rows.length < 120 && rows.some((r) => r.id && r.name === 'big') &&
        (await page.locator(`${GRID} [aria-rowindex="3001"]`).count()) === 1;
    }, 10_000, { message: 'the last row (aria-rowindex 3001) drawn after scrolling to the end' });
    // End / Home keys move the selection and scroll.
    await page.locator(ROWS).first().click();
    await page.keyboard.press('Home');
    await waitFor(async () => (await page.locator(GRID).evaluate((g) => g.scrollTop)) === 0, 5_000, { message: 'Home scrolls to the top' });
    assert.equal(await row(page, rec.spanIds[0]).getAttribute('aria-selected'), 'true', 'Home selects the root');
  });
});
