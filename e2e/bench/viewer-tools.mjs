// Viewer tools figures: import throughput (spans/s) of a 100,000-span OTLP
// JSON lines file through the viewer's file input (read, check, write to
// the imported IndexedDB store), and the trace-level query time over those
// 100,000 stored spans (the trace list's query box: every trace read from
// IndexedDB and matched). Medians of BENCH_RUNS runs (default 3), each in a
// fresh browser profile. Prints FIGURE lines and a Markdown table.
// Run: make bench.

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startCollector, startServer, launchBrowser, waitFor, figure, median } from '../harness.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SPANS = Number(process.env.BENCH_SPANS ?? 100_000);
const PER_TRACE = 1000;
const PER_LINE = 1000;

const hex = (n, w) => n.toString(16).padStart(w, '0');

/** Writes SPANS spans in traces of PER_TRACE, PER_LINE spans a line. */
async function writeFile(file) {
  const base = 1_764_244_800_000_000_000n;
  const lines = [];
  let spans = [];
  const flush = () => {
    lines.push(JSON.stringify({
      resourceSpans: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bench' } }] },
        scopeSpans: [{ scope: { name: 'bench' }, spans }],
      }],
    }));
    spans = [];
  };
  for (let i = 0; i < SPANS; i++) {
    const t = Math.floor(i / PER_TRACE);
    const k = i % PER_TRACE;
    const start = base + BigInt(t) * 10_000_000_000n + BigInt(k) * 1_000_000n;
    const dur = BigInt(((k * 7919) % 50) + 1) * 100_000n;
    spans.push({
      traceId: hex(t + 1, 32), spanId: hex(i + 1, 16),
      ...(k ? { parentSpanId: hex(t * PER_TRACE + 1, 16) } : {}),
      name: k ? `GET /api/item/${k % 20}` : 'page',
      kind: k ? 3 : 2,
      startTimeUnixNano: String(start), endTimeUnixNano: String(start + (k ? dur : 2_000_000_000n)),
      attributes: [
        { key: 'http.response.status_code', value: { intValue: String(k % 97 === 0 ? 503 : 200) } },
        { key: 'url.full', value: { stringValue: `https://shop.test/api/item/${k}` } },
      ],
      status: k % 97 === 0 ? { code: 2, message: 'unavailable' } : {},
    });
    if (spans.length === PER_LINE) flush();
  }
  if (spans.length) flush();
  await fs.writeFile(file, lines.join('\n') + '\n');
}

const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'spanfall-bench-tools-'));
const file = path.join(tmp, 'bench.jsonl');
await writeFile(file);
const size = (await fs.stat(file)).size;

const collector = await startCollector();
const server = await startServer({ collector, flushInterval: '1h' });
const browser = await launchBrowser();
const tid = (id) => `[data-testid="${id}"]`;
const imports = [];
const queries = [];
const queryWall = [];
const listed = [];
const matchOnly = [];
const reads = [];
try {
  for (let r = 0; r < RUNS; r++) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.baseURL}/viewer`);
    await waitFor(async () => /store ·/.test(await page.locator(tid('store-status')).innerText()), 60_000,
      { message: 'viewer ready' });
    const t0 = Date.now();
    await page.setInputFiles(tid('import-file'), file);
    await waitFor(async () => {
      if (await page.locator(tid('import-error')).count()) throw new Error(await page.locator(tid('import-error')).innerText());
      return (await page.locator(tid('import-note')).count()) ? true : null;
    }, 600_000, { interval: 50, message: 'import to finish' });
    const ms = Date.now() - t0;
    imports.push(SPANS / (ms / 1000));
    console.error(`run ${r + 1}: import ${ms} ms (${Math.round(SPANS / (ms / 1000))} spans/s): ${await page.locator(tid('import-note')).innerText()}`);
    // The list now holds the 100 imported traces; query them all.
    const l0 = Date.now();
    await waitFor(async () => (await page.locator('[data-testid="trace-row"] [data-testid="imported-label"]').count()) > 0, 600_000,
      { interval: 50, message: 'imported traces listed' });
    listed.push(Date.now() - l0);
    console.error(`run ${r + 1}: imported traces listed ${listed.at(-1)} ms after the import`);
    for (let q = 0; q < 2; q++) {
      const input = page.locator(tid('trace-query'));
      await input.fill(q % 2 ? 'http.response.status_code>=500 and url.full~"/item/97"' : 'status=error and duration>1ms');
      const q0 = Date.now();
      await input.press('Enter');
      const note = await waitFor(async () => {
        const n = page.locator(tid('trace-query-note'));
        if (!(await n.count())) return null;
        const t = await n.innerText();
        return /searched in/.test(t) ? t : null;
      }, 600_000, { interval: 20, message: 'query to finish' });
      queryWall.push(Date.now() - q0);
      const ms = (n, u) => Number(n) * (u === 's' ? 1000 : u === 'µs' ? 0.001 : 1);
      const m = /spans searched in ([\d.]+)(ms|s) \(query ([\d.]+)(µs|ms|s), store reads ([\d.]+)(ms|s)\)/.exec(note);
      queries.push(m ? ms(m[1], m[2]) : NaN);
      matchOnly.push(m ? ms(m[3], m[4]) : NaN);
      reads.push(m ? ms(m[5], m[6]) : NaN);
      console.error(`run ${r + 1} query ${q + 1}: ${note} (wall ${queryWall.at(-1)} ms)`);
      await input.fill('');
      await input.press('Enter');
    }
    await context.close();
  }
} finally {
  await browser.close().catch(() => {});
  await server.stop().catch(() => {});
  await collector.stop().catch(() => {});
  await fs.rm(tmp, { recursive: true, force: true });
}

const result = {
  bench: 'viewer-tools', spans: SPANS, fileBytes: size, runs: RUNS,
  importSpansPerSecMedian: Math.round(median(imports)),
  queryMsMedian: median(queries), queryWallMsMedian: median(queryWall), listAfterImportMsMedian: median(listed),
  queryEvalMsMedian: median(matchOnly), queryStoreReadMsMedian: median(reads),
};
await figure(result);
console.log('\n| viewer tools (median) | value |\n|---|---|');
console.log(`| import of a ${SPANS.toLocaleString('en')}-span OTLP JSONL file (${(size / 1e6).toFixed(1)} MB) | ${result.importSpansPerSecMedian.toLocaleString('en')} spans/s |`);
console.log(`| trace-level query over ${SPANS.toLocaleString('en')} stored spans (in the viewer / wall) | ${result.queryMsMedian} ms / ${result.queryWallMsMedian} ms |`);
console.log(`| … of which evaluating the query / reading IndexedDB | ${result.queryEvalMsMedian} ms / ${result.queryStoreReadMsMedian} ms |`);
