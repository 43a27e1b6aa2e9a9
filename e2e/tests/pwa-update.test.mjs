// Versioned assets and app updates. The wasm and the other web/ files are
// loaded from URLs that carry the build version (/web/VERSION/…), cached
// for a year by the browser and by the service worker; a new version of
// the server makes the installed app show "update available — reload", and
// reloading runs the new version.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import {
  startCollector, startServer, launchBrowser, waitForApp, waitForServiceWorkerControl, CHROMIUM_ARGS,
} from '../harness.mjs';

const IMMUTABLE = 'public, max-age=31536000, immutable';

let collector;
let browser;
const cleanups = [];
before(async () => {
  collector = await startCollector();
  browser = await launchBrowser();
});
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  await browser?.close();
  await collector?.stop();
});

async function persistentContext() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'spanfall-update-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  cleanups.push(async () => {
    await context.close();
    await fs.rm(dir, { recursive: true, force: true });
  });
  return context;
}

/** Records, through CDP, how each request for a URL matching re was answered. */
async function watchNetwork(page, re) {
  const cdp = await page.context().newCDPSession(page);
  const seen = new Map(); // requestId -> {url, fromDiskCache, fromServiceWorker, servedFromCache, headers}
  cdp.on('Network.requestWillBeSent', ({ requestId, request }) => {
    if (re.test(request.url)) seen.set(requestId, { url: request.url });
  });
  cdp.on('Network.requestServedFromCache', ({ requestId }) => {
    if (seen.has(requestId)) seen.get(requestId).servedFromCache = true;
  });
  cdp.on('Network.responseReceived', ({ requestId, response }) => {
    const r = seen.get(requestId);
    if (!r) return;
    Object.assign(r, {
      status: response.status,
      fromDiskCache: response.fromDiskCache,
      fromServiceWorker: response.fromServiceWorker,
      headers: Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k.toLowerCase(), v])),
    });
  });
  await cdp.send('Network.enable');
  return { list: () => [...seen.values()], reset: () => seen.clear() };
}

test('the wasm is loaded from its versioned URL and a repeat visit takes it from the HTTP cache', { timeout: 120_000 }, async () => {
  const server = await startServer({ collector, env: { SPANFALL_VERSION: 'e2e-cache.1' } });
  cleanups.push(() => server.stop());
  // No service worker here: only the HTTP cache can answer the repeat.
  const context = await browser.newContext({ serviceWorkers: 'block' });
  cleanups.push(() => context.close());
  const page = await context.newPage();
  const wasm = await watchNetwork(page, /\/app\.wasm$/);

  await page.goto(`${server.baseURL}/`);
  await waitForApp(page);
  const first = wasm.list();
  assert.equal(first.length, 1, `one wasm request: ${JSON.stringify(first)}`);
  assert.equal(first[0].url, `${server.baseURL}/web/e2e-cache.1/app.wasm`, 'the wasm URL carries the version');
  assert.equal(first[0].status, 200);
  assert.equal(first[0].headers['cache-control'], IMMUTABLE);
  assert.equal(first[0].headers['content-encoding'], 'br', 'served precompressed');
  assert.match(first[0].headers.vary ?? '', /Accept-Encoding/i);
  assert.ok(!first[0].fromDiskCache, 'the first visit downloads it');

  // The page itself is revalidated on every visit.
  const pageRes = await fetch(`${server.baseURL}/`);
  assert.equal(pageRes.headers.get('cache-control'), 'no-cache');
  for (const p of ['/app.js', '/app-worker.js', '/manifest.webmanifest']) {
    assert.equal((await fetch(server.baseURL + p)).headers.get('cache-control'), 'no-cache', `${p} is revalidated`);
  }

  wasm.reset();
  await page.goto(`${server.baseURL}/viewer`); // a new document: the wasm again
  await waitForApp(page);
  const again = wasm.list();
  assert.equal(again.length, 1, `one wasm request on the repeat visit: ${JSON.stringify(again)}`);
  assert.ok(again[0].fromDiskCache || again[0].servedFromCache,
    `the repeat visit takes the wasm from the HTTP cache: ${JSON.stringify(again[0])}`);
});

test('with the service worker, a reload takes the versioned wasm from its cache', { timeout: 120_000 }, async () => {
  const server = await startServer({ collector, env: { SPANFALL_VERSION: 'e2e-sw.1' } });
  cleanups.push(() => server.stop());
  const context = await persistentContext();
  const page = await context.newPage();
  await page.goto(`${server.baseURL}/`);
  await waitForApp(page);
  await waitForServiceWorkerControl(page);
  const cached = await page.evaluate(async () => (await caches.match('/web/e2e-sw.1/app.wasm'))?.headers.get('cache-control'));
  assert.equal(cached, IMMUTABLE, 'the worker cached the versioned wasm');

  const res = page.waitForResponse((r) => r.url().endsWith('/app.wasm'));
  await page.reload();
  const wasmRes = await res;
  assert.equal(wasmRes.url(), `${server.baseURL}/web/e2e-sw.1/app.wasm`);
  assert.ok(wasmRes.fromServiceWorker(), 'the reload takes the wasm from the service worker cache');
  await waitForApp(page);
});

test('a new server version shows "update available", and reload runs it', { timeout: 180_000 }, async () => {
  let server = await startServer({ collector, env: { SPANFALL_VERSION: 'e2e-a' } });
  const { port } = server;
  cleanups.push(() => server.stop());
  const context = await persistentContext();
  const page = await context.newPage();
  await page.goto(`${server.baseURL}/`);
  await waitForApp(page);
  await waitForServiceWorkerControl(page);
  assert.equal(await page.evaluate(() => goappGetenv('GOAPP_VERSION')), 'e2e-a');
  assert.equal(await page.locator('[data-testid="update-available"]').count(), 0, 'no banner while up to date');

  // Deploy version B on the same address.
  await server.stop();
  server = await startServer({ collector, port, env: { SPANFALL_VERSION: 'e2e-b' } });
  assert.equal(server.port, port);

  // The reload runs A from the worker's cache; the browser finds worker B.
  await page.reload();
  await waitForApp(page);
  assert.equal(await page.evaluate(() => goappGetenv('GOAPP_VERSION')), 'e2e-a', 'the cached version starts first');
  const banner = page.locator('[data-testid="update-available"]');
  await banner.waitFor({ state: 'visible', timeout: 60_000 });
  assert.match(await banner.innerText(), /update available/i);

  const wasm = page.waitForResponse((r) => r.url().endsWith('/app.wasm'));
  await Promise.all([page.waitForEvent('load'), banner.getByRole('button', { name: 'reload' }).click()]);
  await waitForApp(page);
  assert.equal(await page.evaluate(() => goappGetenv('GOAPP_VERSION')), 'e2e-b', 'the reload runs version B');
  assert.equal((await wasm).url(), `${server.baseURL}/web/e2e-b/app.wasm`, 'with the wasm of version B');
  assert.equal(await page.locator('[data-testid="update-available"]').count(), 0, 'no banner once updated');
});
