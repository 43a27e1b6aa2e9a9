// The tracer outside the browser: a GOOS=wasip1 module records spans into a
// file outbox (run here under Node's own WASI, a second runtime next to the
// Go tests' wazero), `spanfall ship` sends the outbox to the real collector,
// and only what the collector acknowledged leaves the file.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { WASI } from 'node:wasi';
import { startCollector, waitFor, serverBinary, REPO_ROOT, TRACE_ID, SPAN_ID, isZeroId } from '../harness.mjs';

const run = promisify(execFile);
const MODULE = process.env.SPANFALL_WASI_MODULE ?? path.join(REPO_ROOT, '.build', 'wasiexample.wasm');

let collector;
let dir;
before(async () => {
  collector = await startCollector();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'spanfall-wasi-'));
});
after(async () => {
  await collector?.stop();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

async function runModule(args) {
  const wasi = new WASI({ version: 'preview1', args: ['wasiexample', ...args], preopens: { '/out': dir }, returnOnExit: true });
  const mod = await WebAssembly.compile(await fs.readFile(MODULE));
  const inst = await WebAssembly.instantiate(mod, wasi.getImportObject());
  const code = wasi.start(inst);
  assert.equal(code, 0, `wasiexample ${args.join(' ')} exited ${code}`);
}

test('a wasip1 outbox ships to the real collector and empties', { timeout: 120_000 }, async () => {
  await runModule(['-requests', '25']);
  const outbox = path.join(dir, 'outbox.jsonl');
  const lines = (await fs.readFile(outbox, 'utf8')).split('\n').filter((l) => l.trim());
  const made = lines.flatMap((l) => JSON.parse(l).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)));
  assert.equal(made.length, 100, 'the module stored 25 traces of 4 spans');

  const { stdout } = await run(serverBinary(), ['ship', '-file', outbox, '-endpoint', collector.tracesURL, '-batch', '30', '-json']);
  const res = JSON.parse(stdout);
  assert.equal(res.spans, 100, `ship reports 100 spans: ${stdout}`);
  assert.equal(res.left, 0, 'nothing left to ship');
  assert.equal((await fs.readFile(outbox, 'utf8')).trim(), '', 'the acknowledged lines left the outbox');

  let spans = [];
  await waitFor(async () => {
    spans = (await collector.spans()).filter((s) => s.resourceAttrs['service.name'] === 'wasi-example');
    return spans.length >= 100;
  }, 30_000, { message: () => `100 wasi-example spans at the collector, have ${spans.length}` });
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  assert.equal(byId.size, 100, 'each span arrived once');
  for (const s of made) {
    const got = byId.get(s.spanId);
    assert.ok(got, `span ${s.spanId} (${s.name}) reached the collector`);
    assert.match(got.traceId, TRACE_ID);
    assert.match(got.spanId, SPAN_ID);
    assert.ok(!isZeroId(got.traceId), 'trace id is not all zero');
    if (got.name !== 'handle') {
      const parent = byId.get(got.parentSpanId);
      assert.equal(parent?.name, 'handle', `${got.name}'s parent is its trace's handle span`);
      assert.equal(parent.traceId, got.traceId);
    }
  }
});

test('a ship to an unreachable collector keeps every line', { timeout: 60_000 }, async () => {
  await runModule(['-requests', '3']);
  const outbox = path.join(dir, 'outbox.jsonl');
  const before = await fs.readFile(outbox, 'utf8');
  const err = await run(serverBinary(), ['ship', '-file', outbox, '-endpoint', 'http://127.0.0.1:9/v1/traces', '-json'])
    .then(() => null, (e) => e);
  assert.ok(err, 'ship exits non-zero when the collector is unreachable');
  assert.equal(err.code, 1);
  assert.match(JSON.parse(err.stdout).error, /127\.0\.0\.1:9/, 'the error names the endpoint');
  assert.equal(await fs.readFile(outbox, 'utf8'), before, 'the outbox is unchanged');
});
