// Test harness for Spanfall's end-to-end tests.
//
// Starts a real OpenTelemetry Collector (e2e/collector, OTLP/HTTP receiver ->
// JSON file exporter), the Spanfall server and a headless system Chromium
// driven by playwright-core, and offers helpers to read what reached the
// collector. Every process started here is killed when the test process ends.

import { spawn, execFileSync } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import { startFaultProxy } from './faultproxy.mjs';

export const E2E_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(E2E_DIR, '..');

/** How often the file exporter writes its buffer to disk. */
export const COLLECTOR_FLUSH_MS = 100;

// ---------------------------------------------------------------------------
// Child processes: never outlive the test process.

const children = new Set();
let hooksInstalled = false;

// setpriv(1) from util-linux sets PR_SET_PDEATHSIG and then execs the command,
// so the kernel kills the child even if this process dies by SIGKILL and no
// exit hook runs. Without setpriv the exit/signal hooks below still apply.
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

function killChildren(signal = 'SIGKILL') {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill(signal);
      } catch {
        // already gone
      }
    }
  }
}

function installExitHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => killChildren('SIGKILL'));
  for (const [sig, num] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]]) {
    process.once(sig, () => {
      killChildren('SIGKILL');
      process.exit(128 + num);
    });
  }
}

/**
 * Spawns a long-running child (not detached, pdeathsig'd), logs its output to
 * logFile and keeps the last lines in memory for error messages.
 */
function startProcess(name, file, args, { cwd, env, logFile }) {
  installExitHooks();
  const [cmd, argv] = SETPRIV
    ? [SETPRIV, ['--pdeathsig', 'KILL', '--', file, ...args]]
    : [file, args];
  const child = spawn(cmd, argv, {
    cwd,
    env,
    detached: false,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const log = createWriteStream(logFile);
  let tail = '';
  const onData = (chunk) => {
    log.write(chunk);
    tail = (tail + chunk.toString()).slice(-8000);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
    child.on('error', (err) => {
      children.delete(child);
      tail += `\n[spawn error] ${err.message}`;
      resolve({ code: null, signal: null, error: err });
    });
  });
  return {
    name,
    child,
    logFile,
    exited,
    tail: () => tail,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(t);
      }
      await new Promise((resolve) => log.end(resolve));
    },
  };
}

/** Removes a temp dir, unless SPANFALL_E2E_KEEP is set (to inspect logs). */
async function removeTempDir(dir) {
  if (process.env.SPANFALL_E2E_KEEP) {
    console.error(`kept ${dir}`);
    return;
  }
  await fs.rm(dir, { recursive: true, force: true });
}

/** A TCP port that is free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Polls predicate (sync or async) until it returns a truthy value, which is
 * returned. Errors thrown by predicate count as "not yet"; the last one is
 * reported on timeout.
 */
export async function waitFor(predicate, timeoutMs = 10_000, { interval = 100, message } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastErr;
  for (;;) {
    try {
      const v = await predicate();
      if (v) return v;
      lastErr = undefined;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() >= deadline) {
      const what = typeof message === 'function' ? await message() : message;
      const err = new Error(
        `waitFor timed out after ${timeoutMs} ms: ${what ?? predicate.toString()}` +
          (lastErr ? `\nlast error: ${lastErr.stack ?? lastErr}` : ''),
      );
      throw err;
    }
    await sleep(interval);
  }
}

async function waitForHttp(url, proc, timeoutMs, accept) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  let done = false;
  const died = proc.exited.then((r) => {
    if (!done) {
      throw new Error(
        `${proc.name} exited before it answered ${url} (code ${r.code}, signal ${r.signal})\n` +
          `--- ${proc.name} output (${proc.logFile}) ---\n${proc.tail()}`,
      );
    }
  });
  const poll = (async () => {
    while (Date.now() < deadline) {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (accept(res.status)) return;
        last = `HTTP ${res.status}`;
      } catch (err) {
        last = err.cause?.code ?? err.message;
      }
      await sleep(50);
    }
    throw new Error(
      `${proc.name} did not answer ${url} within ${timeoutMs} ms (last: ${last})\n` +
        `--- ${proc.name} output (${proc.logFile}) ---\n${proc.tail()}`,
    );
  })();
  try {
    await Promise.race([poll, died]);
  } finally {
    done = true;
  }
}

// ---------------------------------------------------------------------------
// Collector

/** Path of the collector binary: $SPANFALL_COLLECTOR, else build/cache it. */
export function collectorBinary() {
  if (process.env.SPANFALL_COLLECTOR) return process.env.SPANFALL_COLLECTOR;
  const out = execFileSync(path.join(E2E_DIR, 'collector', 'build.sh'), {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const bin = out.trim().split('\n').pop();
  process.env.SPANFALL_COLLECTOR = bin;
  return bin;
}

/** The collector configuration (JSON is valid YAML). */
export function collectorConfig({ port, outputFile, debug = false }) {
  const exporters = {
    file: {
      path: outputFile,
      format: 'json',
      flush_interval: `${COLLECTOR_FLUSH_MS}ms`,
    },
  };
  const pipelineExporters = ['file'];
  if (debug) {
    exporters.debug = { verbosity: 'basic' };
    pipelineExporters.push('debug');
  }
  return {
    receivers: {
      otlp: {
        protocols: {
          http: {
            endpoint: `127.0.0.1:${port}`,
            cors: {
              allowed_origins: ['http://localhost:*', 'http://127.0.0.1:*'],
              allowed_headers: ['*'],
              // Without it a browser cannot read Retry-After cross-origin.
              exposed_headers: ['Retry-After'],
              max_age: 600,
            },
          },
        },
      },
    },
    exporters,
    service: {
      // No internal metrics server (it would listen on :8888 and clash).
      telemetry: { metrics: { level: 'none' }, logs: { level: 'info' } },
      pipelines: {
        traces: { receivers: ['otlp'], exporters: pipelineExporters },
      },
    },
  };
}

/**
 * Starts the collector on a free 127.0.0.1 port in a fresh temp dir.
 * Returns { port, url, tracesURL, dir, outputFile, spans(), stop() }.
 */
export async function startCollector({ debug = !!process.env.SPANFALL_E2E_DEBUG } = {}) {
  const bin = collectorBinary();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'spanfall-collector-'));
  const port = await freePort();
  const outputFile = path.join(dir, 'traces.jsonl');
  const configFile = path.join(dir, 'config.yaml');
  await fs.writeFile(configFile, JSON.stringify(collectorConfig({ port, outputFile, debug }), null, 2));
  const proc = startProcess('collector', bin, [`--config=file:${configFile}`], {
    cwd: dir,
    env: { ...process.env },
    logFile: path.join(dir, 'collector.log'),
  });
  const url = `http://127.0.0.1:${port}`;
  // The receiver answers GET /v1/traces with 405: it is listening, and the
  // exporters start before the receivers, so the file exporter is ready too.
  try {
    await waitForHttp(`${url}/v1/traces`, proc, 15_000, (s) => s === 405 || s === 200);
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return {
    port,
    url,
    tracesURL: `${url}/v1/traces`,
    dir,
    outputFile,
    logFile: proc.logFile,
    process: proc,
    spans: () => collectorSpans(outputFile),
    async stop() {
      await proc.stop();
      await removeTempDir(dir);
    },
  };
}

/**
 * Reads the file exporter output (one ExportTraceServiceRequest JSON per line)
 * and returns its spans flattened, each with
 *   resource: resource attributes (OTLP KeyValue list),
 *   scope: instrumentation scope,
 *   resourceAttrs: resource attributes as a plain object (see attr()).
 * A partially written last line is ignored; a missing file is empty.
 */
export async function collectorSpans(outputFile) {
  let text;
  try {
    text = await fs.readFile(outputFile, 'utf8');
  } catch (err) {
    if (err.code === 'ENOENT') return [];
    throw err;
  }
  const lines = text.split('\n');
  const spans = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let req;
    try {
      req = JSON.parse(line);
    } catch (err) {
      if (i === lines.length - 1) return; // still being written
      throw new Error(`${outputFile}:${i + 1}: bad JSON line: ${err.message}`);
    }
    for (const rs of req.resourceSpans ?? []) {
      const resource = rs.resource?.attributes ?? [];
      const resourceAttrs = attrsObject(resource);
      for (const ss of rs.scopeSpans ?? []) {
        for (const span of ss.spans ?? []) {
          spans.push({ ...span, resource, resourceAttrs, scope: ss.scope ?? {} });
        }
      }
    }
  });
  return spans;
}

/** Decodes an OTLP JSON AnyValue. int64 strings become numbers when safe. */
export function anyValue(v) {
  if (v == null) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) {
    const n = Number(v.intValue);
    return Number.isSafeInteger(n) ? n : BigInt(v.intValue);
  }
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('bytesValue' in v) return v.bytesValue;
  if ('arrayValue' in v) return (v.arrayValue.values ?? []).map(anyValue);
  if ('kvlistValue' in v) return attrsObject(v.kvlistValue.values ?? []);
  return undefined; // empty AnyValue
}

/** Value of key in an OTLP JSON KeyValue list (undefined when absent). */
export function attr(kvList, key) {
  const kv = (kvList ?? []).find((a) => a.key === key);
  return kv ? anyValue(kv.value) : undefined;
}

/** OTLP JSON KeyValue list -> plain object. */
export function attrsObject(kvList) {
  const o = {};
  for (const kv of kvList ?? []) o[kv.key] = anyValue(kv.value);
  return o;
}

// ---------------------------------------------------------------------------
// Spanfall server

/** Path of the Spanfall server binary: $SPANFALL_SERVER or <repo>/.build/spanfall. */
export function serverBinary() {
  return process.env.SPANFALL_SERVER || path.join(REPO_ROOT, '.build', 'spanfall');
}

/**
 * Server environment that turns off the app instrumentation recording spans
 * in the background (long tasks, web vitals, go-app routes, page errors):
 * startServer applies it first, so tests that count their own spans see only
 * those. Tests of the instrumentation pass APP_INSTRUMENTATION_ON in env.
 */
export const APP_INSTRUMENTATION_OFF = {
  SPANFALL_ERRORS: 'off', SPANFALL_LONG_TASKS: 'off', SPANFALL_WEB_VITALS: 'off', SPANFALL_APP_SPANS: 'off',
};
export const APP_INSTRUMENTATION_ON = Object.fromEntries(Object.keys(APP_INSTRUMENTATION_OFF).map((k) => [k, 'on']));

/**
 * Starts the Spanfall server (cwd = repo root, it serves web/ from there) on a
 * free port (or on port, e.g. to restart it as another version), exporting
 * to the given collector. Returns { port, baseURL, dir, stop() }.
 */
export async function startServer({ collector, flushInterval = '1s', env = {}, port: fixedPort } = {}) {
  const bin = serverBinary();
  if (!existsSync(bin)) {
    throw new Error(`Spanfall server binary not found at ${bin}: build the app first (make), or set SPANFALL_SERVER`);
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'spanfall-server-'));
  const port = fixedPort ?? await freePort();
  const proc = startProcess('spanfall', bin, [], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      SPANFALL_EXPORT_URL: collector ? collector.tracesURL : '',
      SPANFALL_FLUSH_INTERVAL: flushInterval,
      SPANFALL_DATA: dir,
      ...APP_INSTRUMENTATION_OFF,
      ...env,
    },
    logFile: path.join(dir, 'server.log'),
  });
  const baseURL = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${baseURL}/`, proc, 30_000, (s) => s === 200);
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return {
    port,
    baseURL,
    dir,
    logFile: proc.logFile,
    process: proc,
    async stop() {
      await proc.stop();
      await removeTempDir(dir);
    },
  };
}

// ---------------------------------------------------------------------------
// Browser

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Headless system Chromium (no Playwright browser download). */
export function launchBrowser(options = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    ...options,
  });
}

// ---------------------------------------------------------------------------
// Everything at once, for a test file.

/**
 * Starts collector + server + browser. Call close() in after().
 * env.newPage() gives a page in a fresh browser context, with its console
 * output and errors recorded for env.diagnose().
 *
 * Options:
 *   proxy: true starts a fault-injecting proxy (faultproxy.mjs) in front of
 *     the collector and points the app's SPANFALL_EXPORT_URL at it (env.proxy).
 *   serverEnv: extra server environment (e.g. {SPANFALL_BATCH_SIZE: '100'}).
 *   flushInterval: SPANFALL_FLUSH_INTERVAL (default 1s).
 */
export async function setup({ proxy = false, serverEnv = {}, flushInterval = '1s' } = {}) {
  const env = { contexts: [] };
  try {
    env.collector = await startCollector();
    if (proxy) env.proxy = await startFaultProxy({ target: env.collector.url });
    env.server = await startServer({
      collector: env.collector,
      flushInterval,
      env: { ...(env.proxy ? { SPANFALL_EXPORT_URL: env.proxy.tracesURL } : {}), ...serverEnv },
    });
    env.baseURL = env.server.baseURL;
    env.browser = await launchBrowser();
  } catch (err) {
    await teardown(env);
    throw err;
  }
  env.spans = () => env.collector.spans();

  /** Records a page's console, errors, failed requests and crashes in page.logs. */
  env.instrumentPage = (page) => {
    page.logs = [];
    page.on('console', (m) => page.logs.push(`[console.${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => page.logs.push(`[pageerror] ${e.stack ?? e.message}`));
    page.on('requestfailed', (r) => page.logs.push(`[requestfailed] ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
    page.on('crash', () => page.logs.push('[crash] page crashed'));
    return page;
  };

  /** Another page (tab) in an existing context, instrumented like newPage's. */
  env.newPageIn = async (context) => env.instrumentPage(await context.newPage());

  env.newPage = async (contextOptions = {}) => {
    const context = await env.browser.newContext(contextOptions);
    env.contexts.push(context);
    const page = env.instrumentPage(await context.newPage());
    return { context, page };
  };

  // Prints what helps to understand a failure: page console, screenshot,
  // collector and server output, collector spans.
  env.diagnose = async (name, page) => {
    const out = [`===== diagnostics: ${name} =====`];
    if (page) {
      out.push(`page url: ${page.url()}`);
      out.push('--- page console ---', ...(page.logs ?? []).slice(-200));
      try {
        const shot = path.join(E2E_DIR, 'test-results', `${name.replace(/[^\w.-]+/g, '_')}.png`);
        await fs.mkdir(path.dirname(shot), { recursive: true });
        await page.screenshot({ path: shot, timeout: 5000 });
        out.push(`screenshot: ${shot}`);
      } catch (err) {
        out.push(`(no screenshot: ${err.message.split('\n')[0]})`);
      }
      try {
        const st = await page.evaluate(() => (window.spanfall ? window.spanfall.status() : 'window.spanfall undefined'), null, { timeout: 5000 });
        out.push(`spanfall.status(): ${JSON.stringify(st)}`);
      } catch (err) {
        out.push(`(no spanfall.status(): ${err.message.split('\n')[0]})`);
      }
    }
    try {
      const spans = await env.spans();
      out.push(`--- collector spans (${spans.length}) ---`);
      for (const s of spans.slice(-100)) {
        out.push(`${s.traceId} ${s.spanId} <- ${s.parentSpanId || '(root)'} ${s.name}`);
      }
    } catch (err) {
      out.push(`(collector spans unreadable: ${err.message})`);
    }
    if (env.proxy) {
      out.push(`--- fault proxy: ${JSON.stringify(env.proxy.summary())} ---`, env.proxy.describe(80));
    }
    out.push(`--- collector log (${env.collector?.logFile}) ---`, env.collector?.process.tail() ?? '');
    out.push(`--- server log (${env.server?.logFile}) ---`, env.server?.process.tail() ?? '');
    console.error(out.join('\n').replace(/\t/g, '  '));
  };

  env.close = () => teardown(env);
  return env;
}

async function teardown(env) {
  for (const c of env.contexts ?? []) await c.close().catch(() => {});
  if (env.browser) await env.browser.close().catch(() => {});
  if (env.server) await env.server.stop().catch(() => {});
  if (env.proxy) await env.proxy.stop().catch(() => {});
  if (env.collector) await env.collector.stop().catch(() => {});
}

/** Runs fn(); on failure prints env.diagnose() output and rethrows. */
export async function withDiagnostics(env, name, getPage, fn) {
  try {
    return await fn();
  } catch (err) {
    await env.diagnose(name, getPage()).catch((e) => console.error('diagnose failed:', e));
    throw err;
  }
}

// ---------------------------------------------------------------------------
// App helpers (window.spanfall contract)

/** Waits until the Go wasm app defined window.spanfall. */
export async function waitForApp(page, timeout = 60_000) {
  await page.waitForFunction(() => !!window.spanfall, null, { timeout, polling: 100 });
}

export const appFlush = (page) => page.evaluate(() => window.spanfall.flush());
export const appStatus = (page) => page.evaluate(() => window.spanfall.status());
export const appSpans = (page) => page.evaluate(() => window.spanfall.spans());

/**
 * Clicks the demo button and waits until the new demo.action trace (root +
 * demo.compute + GET) is in the app's store. Returns { root, compute, get,
 * spans } (store records: { traceId, spanId, parentSpanId, name, exported }).
 */
export async function clickDemoAction(page, timeoutMs = 20_000) {
  const before = new Set(
    (await appSpans(page)).filter((s) => s.name === 'demo.action').map((s) => s.spanId),
  );
  await page.click('[data-testid="demo-action"]');
  let last = [];
  return waitFor(
    async () => {
      last = await appSpans(page);
      const root = last.find((s) => s.name === 'demo.action' && !before.has(s.spanId));
      if (!root) return null;
      const trace = last.filter((s) => s.traceId === root.traceId);
      const compute = trace.find((s) => s.name === 'demo.compute');
      const get = trace.find((s) => s.name === 'GET');
      return compute && get ? { root, compute, get, spans: trace } : null;
    },
    timeoutMs,
    {
      message: () =>
        'a new demo.action trace with demo.compute and GET in spanfall.spans() after clicking ' +
        `[data-testid="demo-action"]; store has: ${JSON.stringify(last.map((s) => s.name))}`,
    },
  );
}

/** Polls spanfall.status() until pred(status) holds; returns that status. */
export async function waitForStatus(page, pred, timeoutMs, what) {
  let last;
  return waitFor(
    async () => {
      last = await appStatus(page);
      return pred(last) ? last : null;
    },
    timeoutMs,
    { message: () => `${what}; last spanfall.status(): ${JSON.stringify(last)}` },
  );
}

export const TRACE_ID = /^[0-9a-f]{32}$/;
export const SPAN_ID = /^[0-9a-f]{16}$/;
export const isZeroId = (id) => /^0+$/.test(id);

// ---------------------------------------------------------------------------
// Assertions on collector spans

/** Span ids: 16 lower-case hex, not all zero; trace ids: 32, not all zero. */
export function assertSpanIds(assert, span) {
  const who = `span ${JSON.stringify(span.name)} (${span.spanId})`;
  assert.match(span.traceId ?? '', TRACE_ID, `${who}: traceId ${JSON.stringify(span.traceId)} is not 32 lower-case hex chars` +
    (span.traceId ? '' : ' (the collector drops an empty or all-zero trace id)'));
  assert.ok(!isZeroId(span.traceId), `${who}: traceId is all zeros`);
  assert.match(span.spanId ?? '', SPAN_ID, `${who}: spanId ${JSON.stringify(span.spanId)} is not 16 lower-case hex chars`);
  assert.ok(!isZeroId(span.spanId), `${who}: spanId is all zeros`);
  if (span.parentSpanId) {
    assert.match(span.parentSpanId, SPAN_ID, `${who}: parentSpanId ${JSON.stringify(span.parentSpanId)} is not 16 lower-case hex chars`);
    assert.ok(!isZeroId(span.parentSpanId), `${who}: parentSpanId is all zeros (a root has none)`);
  }
}

/** start/end are int64 decimal strings, end >= start, and both near now. */
export function assertSpanTimes(assert, span, nowMs = Date.now()) {
  const who = `span ${JSON.stringify(span.name)} (${span.spanId})`;
  assert.match(String(span.startTimeUnixNano ?? ''), /^\d+$/, `${who}: startTimeUnixNano ${JSON.stringify(span.startTimeUnixNano)}`);
  assert.match(String(span.endTimeUnixNano ?? ''), /^\d+$/, `${who}: endTimeUnixNano ${JSON.stringify(span.endTimeUnixNano)}`);
  const start = BigInt(span.startTimeUnixNano);
  const end = BigInt(span.endTimeUnixNano);
  assert.ok(end >= start, `${who}: ends (${end}) before it starts (${start})`);
  const now = BigInt(nowMs) * 1_000_000n;
  const hour = 3_600_000_000_000n;
  assert.ok(start > now - hour && start < now + hour,
    `${who}: startTimeUnixNano ${start} is not within an hour of now (${now}): wrong unit or clock?`);
}

/** child is a direct child of parent: same trace, parentSpanId = parent's spanId. */
export function assertChildOf(assert, child, parent) {
  assert.equal(child.traceId, parent.traceId,
    `span ${child.name} (${child.spanId}) is not in its parent ${parent.name}'s trace`);
  assert.equal(child.parentSpanId, parent.spanId,
    `span ${child.name} (${child.spanId}): parentSpanId should be ${parent.name}'s spanId`);
}

/** A root span has no parentSpanId. */
export function assertRoot(assert, span) {
  assert.ok(!span.parentSpanId,
    `span ${span.name} (${span.spanId}) should be a root span, has parentSpanId ${JSON.stringify(span.parentSpanId)}`);
}

// ---------------------------------------------------------------------------
// Helpers of the durable-pipeline tests

/**
 * Waits until the service worker is active and controls the page (reloading
 * once if it did not claim it); returns the worker's script URL.
 */
export async function waitForServiceWorkerControl(page) {
  const active = await page.evaluate(
    (ms) =>
      Promise.race([
        navigator.serviceWorker.ready.then((reg) => !!reg.active),
        new Promise((resolve) => setTimeout(() => resolve(false), ms)),
      ]),
    30_000,
  );
  if (!active) throw new Error('navigator.serviceWorker.ready did not resolve with an active worker within 30 s');
  const claimed = await page
    .waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 3_000 })
    .then(() => true, () => false);
  if (!claimed) {
    await page.reload();
    await waitForApp(page);
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 15_000 });
  }
  return page.evaluate(() => navigator.serviceWorker.controller.scriptURL);
}

/**
 * spanfall.record(opts) → {spanIds, traceIds}; fails clearly when the app
 * made another number of spans than opts.count.
 */
export async function appRecord(page, opts) {
  const r = await page.evaluate((o) => window.spanfall.record(o), opts);
  const want = opts?.count ?? 1;
  if (r?.spanIds?.length !== want) {
    throw Object.assign(new Error(
      `spanfall.record(${JSON.stringify(opts)}) made ${r?.spanIds?.length} spans, not ${want}` +
      (r?.spanIds?.length === 1 ? ': it ignored its argument (app/browser_js.go promiseFunc hands f the Promise executor\'s (resolve, reject) instead of the call\'s arguments)' : '')), { recordMismatch: true });
  }
  return r;
}

/** Span id → how many times it is in spans. */
export function idCounts(spans) {
  const m = new Map();
  for (const s of spans) m.set(s.spanId, (m.get(s.spanId) ?? 0) + 1);
  return m;
}

const listSome = (a, n = 20) => `${a.slice(0, n).join(' ')}${a.length > n ? ` … (+${a.length - n})` : ''}`;

/**
 * Polls the collector output until every id is there; returns the spans
 * read last. what names the ids in the failure message.
 */
export async function waitForCollectorIds(env, ids, timeoutMs, what = 'span ids') {
  let spans = [];
  await waitFor(
    async () => {
      spans = await env.spans();
      const at = new Set(spans.map((s) => s.spanId));
      return ids.every((id) => at.has(id));
    },
    timeoutMs,
    {
      interval: 100,
      message: () => {
        const at = new Set(spans.map((s) => s.spanId));
        const missing = ids.filter((id) => !at.has(id));
        return `all ${ids.length} ${what} at the collector; missing ${missing.length}: ${listSome(missing)}`;
      },
    },
  );
  return spans;
}

/**
 * Makes sure everything the app sent so far is in the collector's file:
 * records one marker span, flushes (an explicit flush waits for any flush in
 * flight, in any tab) and waits for the marker. The collector pipeline is
 * synchronous and the file exporter appends in arrival order, so every
 * earlier export is in the file too. Returns the collector spans.
 */
export async function settleCollector(env, page, timeoutMs = 30_000) {
  const { spanIds: [marker] } = await appRecord(page, { count: 1, name: 'e2e.marker' });
  const f = await appFlush(page);
  if (f.error || f.pending !== 0) {
    throw new Error(`settleCollector: the marker flush did not export everything: ${JSON.stringify(f)}`);
  }
  return waitForCollectorIds(env, [marker], timeoutMs, 'marker span');
}

/**
 * Asserts that each of ids is at the collector exactly once (or at most
 * maxDup extra copies in total when maxDup is given); returns
 * {missing, duplicated, extra}.
 */
export function assertEachOnce(assert, spans, ids, what, { maxExtra = 0 } = {}) {
  const counts = idCounts(spans);
  const missing = ids.filter((id) => !counts.has(id));
  const duplicated = ids.filter((id) => counts.get(id) > 1);
  const extra = duplicated.reduce((a, id) => a + counts.get(id) - 1, 0);
  assert.deepEqual(missing.slice(0, 20), [], `every one of the ${ids.length} ${what} is at the collector; ${missing.length} missing: ${listSome(missing)}`);
  assert.ok(extra <= maxExtra,
    `${what}: at most ${maxExtra} duplicate copies at the collector, got ${extra} extra copies of ${duplicated.length} ids: ` +
    listSome(duplicated.map((id) => `${id}x${counts.get(id)}`)));
  return { missing, duplicated, extra };
}

/**
 * Prints a figure as a JSON line ("FIGURE {...}") and appends it to
 * e2e/test-results/figures.jsonl.
 */
export async function figure(obj) {
  const line = JSON.stringify({ at: new Date().toISOString(), ...obj });
  console.log(`FIGURE ${line}`);
  const file = path.join(E2E_DIR, 'test-results', 'figures.jsonl');
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.appendFile(file, line + '\n');
}

/** Median of numbers. */
export function median(xs) {
  const a = [...xs].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}

/** status().evicted.total, or the sum of its reasons when total is absent. */
export function evictedTotal(evicted) {
  if (!evicted) return undefined;
  if (typeof evicted.total === 'number') return evicted.total;
  return (evicted.count ?? 0) + (evicted.bytes ?? 0) + (evicted.age ?? 0) + (evicted.quota ?? 0);
}
