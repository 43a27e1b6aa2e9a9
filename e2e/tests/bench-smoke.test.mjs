// A quick run of the benchmark driver (bench/compare.mjs --smoke: tiny
// sizes, one run, no docs write) so make bench cannot rot. It checks that
// every figure is produced and that what the figures count is right
// (spans delivered, none dropped), never a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { E2E_DIR } from '../harness.mjs';

test('bench driver smoke run produces every figure', { timeout: 600_000 }, async () => {
  const { stdout, stderr } = await new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(E2E_DIR, 'bench', 'compare.mjs'), '--smoke'],
      { cwd: E2E_DIR, maxBuffer: 64 << 20, timeout: 540_000 },
      (err, stdout, stderr) => (err ? reject(Object.assign(err, { message: `${err.message}\n${stderr}` })) : resolve({ stdout, stderr })));
  });
  const line = stdout.split('\n').find((l) => l.startsWith('{"bench":"compare"'));
  assert.ok(line, `compare.mjs printed its JSON line; stderr:\n${stderr}`);
  const r = JSON.parse(line);
  const f = r.figures;
  assert.equal(r.smoke, true);
  for (const k of ['perSpan', 'serialize', 'endToEnd', 'mainThread', 'memory', 'faults', 'bundle', 'firstSpan']) {
    assert.ok(f[k], `figure ${k} present`);
  }
  for (const mode of ['drop', 'pipeline']) {
    for (const side of ['spanfall', 'otelJS', 'stockGoSDK']) {
      assert.ok(f.perSpan[mode][side] > 0, `figure 1 ${mode} ${side} is a positive number: ${f.perSpan[mode][side]}`);
    }
    assert.equal(f.perSpan[mode].spanfallDropped, 0, `figure 1 ${mode}: no span dropped`);
  }
  assert.ok(f.serialize.proto.spanfallBytes > 0 && f.serialize.json.otelJSBytes > 0);
  assert.ok(f.endToEnd.spanfallRequests >= 1 && f.endToEnd.otelJSRequests >= 1, JSON.stringify(f.endToEnd));
  assert.deepEqual(f.faults, { made: r.sizes.faults * 3, delivered: r.sizes.faults * 3 }, 'every span made offline across two reloads is delivered');
  assert.ok(f.memory.spanfallWasmMemory > 0 && f.memory.otelJSHeap > 0, JSON.stringify(f.memory));
  assert.ok(f.bundle.app.raw > f.bundle.goAppHello.raw, 'the app is larger than the go-app hello world');
  assert.ok(f.firstSpan.spanfallColdMs > 0 && f.firstSpan.otelJSColdMs > 0, JSON.stringify(f.firstSpan));
});
