// The viewer's power tools against the real collector: record a trace,
// flush it to the collector, import the collector's own file exporter
// output (JSON lines) into a fresh browser's viewer, zoom with the keys and
// the minimap, run a query (and see a malformed one pointed at), toggle the
// critical path, export OTLP JSON (which the collector accepts) and a
// Chrome trace, and re-import the export: the same spans.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setup, withDiagnostics, waitForApp, appFlush, waitFor } from '../harness.mjs';

let env;
let tmp;
before(async () => {
  env = await setup();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'spanfall-tools-'));
});
after(async () => {
  await env?.close();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

const GRID = '[role="treegrid"]';
const ROWS = `${GRID} [role="row"][data-span-id][aria-level]`;
const tid = (id) => `[data-testid="${id}"]`;

const rowIds = (page) => page.locator(ROWS).evaluateAll((els) => els.map((e) => e.getAttribute('data-span-id')));

async function waitRowCount(page, pred, what) {
  let last = [];
  return waitFor(async () => {
    last = await rowIds(page);
    return pred(last.length) ? last : null;
  }, 15_000, { message: () => `waterfall rows (${what}); have ${last.length}` });
}

async function waitParam(page, name, pred, what) {
  let last = null;
  return waitFor(() => {
    last = new URL(page.url()).searchParams.get(name);
    return pred(last) ? last || true : null;
  }, 10_000, { message: () => `URL ${name} (${what}); have ${page.url()}` });
}

/** Imports file into the viewer of page; waits for the outcome. */
async function importFile(page, file) {
  await page.setInputFiles(tid('import-file'), file);
  let note = '';
  await waitFor(async () => {
    if (await page.locator(tid('import-error')).count()) return true;
    note = (await page.locator(tid('import-note')).count()) ? await page.locator(tid('import-note')).innerText() : '';
    return note ? true : null;
  }, 60_000, { message: () => `import of ${file} to finish` });
  if (await page.locator(tid('import-error')).count()) {
    return { error: await page.locator(tid('import-error')).innerText() };
  }
  return { note };
}

/** A fresh browser context (its own IndexedDB) on /viewer. */
async function freshViewer() {
  const { page } = await env.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  await page.goto(`${env.baseURL}/viewer`);
  // The prerendered page has the file input too: wait for the app to
  // have read the store.
  await waitFor(async () => /store ·/.test(await page.locator(tid('store-status')).innerText()), 60_000,
    { message: 'the viewer to read its store' });
  return page;
}

async function downloadOf(page, button) {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), page.click(tid(button))]);
  const file = path.join(tmp, dl.suggestedFilename());
  await dl.saveAs(file);
  return { file, name: dl.suggestedFilename(), text: await fs.readFile(file, 'utf8') };
}

test('import the collector output, zoom, query, critical path, export and re-import', { timeout: 300_000 }, async () => {
  // 1. Record a 40-span trace in the app and flush it to the collector.
  const { page: app } = await env.newPage();
  await app.goto(`${env.baseURL}/`);
  await waitForApp(app);
  const rec = await app.evaluate(() => window.spanfall.record({ count: 40, trace: true, name: 'tools.span', errors: 2 }));
  const traceId = rec.traceIds[0];
  assert.equal(new Set(rec.traceIds).size, 1, 'record made one trace');
  const flushed = await appFlush(app);
  assert.equal(flushed.pending, 0, `flush left spans pending: ${JSON.stringify(flushed)}`);
  await waitFor(async () => {
    const spans = await env.spans();
    return spans.filter((s) => s.traceId === traceId).length === 40 ? true : null;
  }, 20_000, { message: 'the 40 spans in the collector output' });
  const outFile = path.join(tmp, 'collector-output.jsonl');
  // The file exporter flushes a line and its newline separately: wait for
  // a file of whole lines that holds the trace.
  const raw = await waitFor(async () => {
    const text = await fs.readFile(env.collector.outputFile, 'utf8');
    if (!text.endsWith('\n')) return null;
    const n = text.split('\n').filter((l) => l.trim())
      .flatMap((l) => JSON.parse(l).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)))
      .filter((sp) => sp.traceId === traceId).length;
    return n === 40 ? text : null;
  }, 20_000, { message: 'whole lines in the collector output' });
  await fs.writeFile(outFile, raw);
  const lines = raw.split('\n').filter((l) => l.trim()).length;
  const collectorCount = raw.split('\n').filter((l) => l.trim())
    .reduce((n, l) => n + JSON.parse(l).resourceSpans.reduce((m, rs) => m + rs.scopeSpans.reduce((k, ss) => k + ss.spans.length, 0), 0), 0);

  // 2. A fresh browser imports the file: the traces are listed, labelled.
  const page = await freshViewer();
  await withDiagnostics(env, 'viewer-tools', () => page, async () => {
    const listRow = page.locator(`[data-testid="trace-row"][data-trace-id="${traceId}"]`);
    assert.equal(await listRow.count(), 0, 'a fresh browser does not have the recorded trace');
    const got = await importFile(page, outFile);
    assert.ok(!got.error, `import failed: ${got.error}`);
    assert.match(got.note, new RegExp(`Imported ${collectorCount} spans`), `import note: ${got.note} (file of ${lines} lines)`);
    await listRow.waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await listRow.locator(tid('imported-label')).count(), 1, 'the imported trace is labelled');
    assert.match(await listRow.innerText(), /imported/);

    // A bad file imports nothing and names the first bad line.
    const good = raw.split('\n').filter((l) => l.trim());
    const badFile = path.join(tmp, 'bad.jsonl');
    // Line 1 is valid and of a trace not imported yet: were it written, a
    // new imported row would appear.
    const fresh = good[0].replace(/"traceId":"[0-9a-f]{32}"/g, `"traceId":"${'ab'.repeat(16)}"`);
    const broken = good[0].replace(/"traceId":"[0-9a-f]{32}"/, '"traceId":"not-hex"');
    await fs.writeFile(badFile, [fresh, broken].join('\n') + '\n');
    // Imported rows only: the viewer page's own clicks are traced too
    // (interaction spans), so the app's part of the list may grow.
    const importedRows = () => page.locator('[data-testid="trace-row"]').filter({ has: page.locator(tid('imported-label')) }).count();
    const tracesBefore = await importedRows();
    const bad = await importFile(page, badFile);
    assert.match(bad.error ?? '', /line 2/, `the error names line 2: ${JSON.stringify(bad)}`);
    assert.match(bad.error, /nothing imported/);
    await page.click(tid('refresh'));
    await page.waitForTimeout(500);
    assert.equal(await importedRows(), tracesBefore, 'the bad file added no trace');

    // Trace-level query: a trace matches when any of its spans does.
    const tq = page.locator(tid('trace-query'));
    await tq.fill('name=tools.span and test.index=39 and status=error');
    await tq.press('Enter');
    const tqNote = await waitFor(async () => {
      const n = page.locator(tid('trace-query-note'));
      const t = (await n.count()) ? await n.innerText() : '';
      return /searched in/.test(t) ? t : null;
    }, 30_000, { message: 'the trace query to finish' });
    assert.match(tqNote, /^1 of \d+ traces match/, tqNote);
    assert.deepEqual(await page.locator('[data-testid="trace-row"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-trace-id'))),
      [traceId], 'only the matching trace is listed');
    await tq.fill('test.index>');
    await tq.press('Enter');
    await page.locator(tid('trace-query-error')).waitFor({ state: 'visible', timeout: 5_000 });
    assert.equal(await page.locator('[data-testid="trace-row"]').count(), 1, 'a malformed query keeps the list');
    await tq.fill('');
    await tq.press('Enter');
    await waitFor(async () => (await page.locator('[data-testid="trace-row"]').count()) > 1 ? true : null, 10_000,
      { message: 'every trace listed again' });

    // 3. Open the trace.
    await listRow.locator('a').click();
    await waitRowCount(page, (n) => n === 40, 'the imported trace');

    // 4. Zoom with the keys: the window goes into the URL.
    await page.locator(GRID).focus();
    await page.keyboard.press('w');
    assert.equal(await waitParam(page, 'window', (w) => w === '0.25,0.75', 'w zooms in'), '0.25,0.75');
    const winStyle = () => page.locator(tid('minimap-window')).getAttribute('style');
    assert.match(await winStyle(), /left:\s*25/);
    // Drag the minimap's window to the left edge.
    const mini = await page.locator(tid('minimap')).boundingBox();
    await page.mouse.move(mini.x + mini.width * 0.5, mini.y + mini.height / 2);
    await page.mouse.down();
    await page.mouse.move(mini.x + mini.width * 0.3, mini.y + mini.height / 2, { steps: 4 });
    await page.mouse.move(mini.x + 2, mini.y + mini.height / 2, { steps: 4 });
    await page.mouse.up();
    await waitParam(page, 'window', (w) => w === '0,0.5', 'the minimap drag moves the window to the start');
    assert.match(await winStyle(), /left:\s*0(\.0+)?%/);
    // The canvas was drawn.
    const painted = await page.locator(`${tid('minimap')} canvas`).evaluate((c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return { n, w: c.width, h: c.height };
    });
    assert.ok(painted.n > 0 && painted.w > 0, `the minimap canvas is painted: ${JSON.stringify(painted)}`);
    // Reload: the deep link restores the window.
    await page.reload();
    await waitRowCount(page, (n) => n === 40, 'after reload');
    assert.match(await winStyle(), /left:\s*0(\.0+)?%;\s*width:\s*50/);
    await page.click(tid('zoom-reset'));
    await waitParam(page, 'window', (w) => w === null, 'reset drops the window');
    // Drag across the ruler: zoom to that range.
    const ruler = await page.locator('.sfv-ruler').boundingBox();
    await page.mouse.move(ruler.x + ruler.width * 0.2, ruler.y + ruler.height / 2);
    await page.mouse.down();
    await page.mouse.move(ruler.x + ruler.width * 0.6, ruler.y + ruler.height / 2, { steps: 5 });
    await page.mouse.up();
    const dragged = await waitParam(page, 'window', (w) => !!w, 'a ruler drag zooms');
    const [ws, we] = dragged.split(',').map(Number);
    assert.ok(Math.abs(ws - 0.2) < 0.03 && Math.abs(we - 0.6) < 0.03, `ruler drag window ${dragged}`);
    // Ctrl + wheel over the waterfall zooms around the pointer.
    const grid = await page.locator(GRID).boundingBox();
    await page.mouse.move(grid.x + grid.width * 0.7, grid.y + 100);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -400);
    await page.keyboard.up('Control');
    await waitParam(page, 'window', (w) => {
      if (!w) return false;
      const [a, b] = w.split(',').map(Number);
      return b - a < (we - ws) * 0.9;
    }, 'ctrl+wheel zooms in');
    await page.click(tid('zoom-reset'));
    await waitParam(page, 'window', (w) => w === null, 'reset again');

    // 5. Query: attribute comparison, n navigation, a malformed query.
    const search = page.locator(tid('span-search'));
    await search.fill('test.index>=30 and test.error=false');
    await waitFor(async () => (await page.locator(tid('search-count')).innerText()).includes('8'), 5_000,
      { message: 'search count for test.index>=30 and test.error=false' });
    await page.keyboard.press('Escape');
    await page.keyboard.press('n');
    const sel = await page.locator(`${ROWS}[aria-selected="true"]`).getAttribute('data-span-id');
    assert.ok(rec.spanIds.slice(30, 38).includes(sel), `n selects a match: ${sel}`);
    await page.click(tid('only-matches'));
    await waitRowCount(page, (n) => n < 40 && n >= 8, 'only matches');
    await page.click(tid('only-matches'));
    await waitRowCount(page, (n) => n === 40, 'all rows again');
    await search.fill('test.index>=');
    const err = page.locator(tid('search-error'));
    await err.waitFor({ state: 'visible', timeout: 5_000 });
    assert.equal(await err.getAttribute('data-offset'), '12', 'the error points after >=');
    assert.match(await err.innerText(), /expected a value/);
    assert.equal((await rowIds(page)).length, 40, 'a parse error does not clear the view');
    assert.match(await page.locator(tid('search-count')).innerText(), /8/, 'the last good matches stay');
    await search.fill('');

    // 6. Critical path: highlighted, then alone.
    await page.click(tid('crit-toggle'));
    const critRows = await waitFor(async () => {
      const n = await page.locator(`${ROWS}.sfv-crit`).count();
      return n > 0 ? n : null;
    }, 5_000, { message: 'critical path rows' });
    assert.ok(critRows < 40, `the critical path is a chain, not every span (${critRows})`);
    await page.click(tid('crit-only'));
    const only = await waitRowCount(page, (n) => n === critRows, 'only the critical path');
    assert.ok(only.includes(rec.spanIds[0]), 'the root is on the critical path');
    await page.click(tid('crit-only'));
    await waitRowCount(page, (n) => n === 40, 'all rows again');

    // 7. Export OTLP JSON: the collector accepts it.
    const otlp = await downloadOf(page, 'export-otlp');
    const req = JSON.parse(otlp.text);
    const exported = req.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
    assert.equal(exported.length, 40);
    const res = await fetch(env.collector.tracesURL, { method: 'POST', headers: { 'content-type': 'application/json' }, body: otlp.text });
    assert.equal(res.status, 200, `the collector accepts the export: ${await res.text()}`);
    // Chrome trace: every span an X or b/e event.
    const chrome = JSON.parse((await downloadOf(page, 'export-chrome')).text);
    const evs = chrome.traceEvents.filter((e) => e.ph === 'X' || e.ph === 'b');
    assert.equal(evs.length, 40, 'one event per span');
    assert.equal(chrome.traceEvents.filter((e) => e.ph === 'e').length, chrome.traceEvents.filter((e) => e.ph === 'b').length);
  });

  // 8. Re-import the export in another fresh browser: the same spans.
  const again = await freshViewer();
  await withDiagnostics(env, 'viewer-tools-reimport', () => again, async () => {
    const otlpFile = (await fs.readdir(tmp)).find((f) => f.endsWith('.otlp.json'));
    const got = await importFile(again, path.join(tmp, otlpFile));
    assert.match(got.note ?? '', /Imported 40 spans in 1 trace/, JSON.stringify(got));
    await again.goto(`${env.baseURL}/viewer?trace=${traceId}`);
    const ids = await waitRowCount(again, (n) => n === 40, 're-imported trace');
    assert.deepEqual([...ids].sort(), [...rec.spanIds].sort(), 'export → import gives the same spans');
    // Compare with another trace of this browser (its own documentLoad):
    // every row gets a diff cell; tools.span is new against it.
    const other = await again.locator(`${tid('compare-select')} option`).evaluateAll((os) => os.map((o) => o.value).filter((v) => v));
    assert.ok(other.length > 0, 'the compare menu lists the other traces');
    await again.selectOption(tid('compare-select'), other[0]);
    await waitFor(async () => (await again.locator(`${ROWS} ${tid('diff')}`).count()) > 0 ? true : null, 10_000,
      { message: 'diff cells after picking a baseline' });
    assert.equal(await again.locator(`${ROWS} ${tid('diff')}`).first().innerText(), 'new');
  });
});
