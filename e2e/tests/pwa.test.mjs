// The installable PWA: Chromium finds the app installable (manifest, local
// icons, service worker), and the manifest names only local icons.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startCollector, startServer, waitForApp, waitForServiceWorkerControl, CHROMIUM_ARGS, REPO_ROOT } from '../harness.mjs';

let collector;
let server;
let userDataDir;
let context;
before(async () => {
  collector = await startCollector();
  server = await startServer({ collector });
  userDataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'spanfall-pwa-'));
  // Installability needs a persistent (non-incognito) profile.
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
});
after(async () => {
  await context?.close();
  await server?.stop();
  await collector?.stop();
  if (userDataDir) await fs.rm(userDataDir, { recursive: true, force: true });
});

test('Chromium reports the app installable, with local icons only', { timeout: 120_000 }, async () => {
  const page = await context.newPage();
  await page.goto(`${server.baseURL}/`);
  await waitForApp(page);
  await waitForServiceWorkerControl(page);

  const manifestURL = await page.evaluate(() => document.querySelector('link[rel="manifest"]')?.href);
  assert.ok(manifestURL, 'the page links a web app manifest');
  const manifest = await (await fetch(manifestURL)).json();
  for (const key of ['name', 'short_name', 'start_url', 'display', 'theme_color', 'background_color']) {
    assert.ok(manifest[key], `manifest has ${key}`);
  }
  const icons = manifest.icons ?? [];
  const sizes = icons.map((i) => i.sizes);
  assert.ok(sizes.includes('192x192') && sizes.includes('512x512'), `icons 192 and 512: ${JSON.stringify(sizes)}`);
  assert.ok(icons.some((i) => (i.purpose ?? '').includes('maskable')), 'a maskable icon');
  for (const icon of icons) {
    const url = new URL(icon.src, manifestURL);
    assert.equal(url.origin, new URL(server.baseURL).origin, `icon ${icon.src} is served locally (a remote icon breaks offline caching)`);
    const res = await fetch(url);
    assert.equal(res.status, 200, `icon ${url} answers 200`);
  }

  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  assert.deepEqual(installabilityErrors, [], `Page.getInstallabilityErrors: ${JSON.stringify(installabilityErrors)}`);
});

test('app.wasm is served precompressed by Accept-Encoding', { timeout: 60_000 }, async () => {
  const raw = (await fs.stat(path.join(REPO_ROOT, 'web', 'app.wasm'))).size;
  for (const [accept, want] of [['br, gzip', 'br'], ['gzip', 'gzip'], ['identity', null]]) {
    const res = await fetch(`${server.baseURL}/web/app.wasm`, { headers: { 'Accept-Encoding': accept } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-encoding'), want, `Accept-Encoding: ${accept}`);
    assert.equal(res.headers.get('content-type'), 'application/wasm');
    const body = new Uint8Array(await res.arrayBuffer()); // fetch decodes br and gzip
    assert.equal(body.length, raw, `decoded size with Accept-Encoding: ${accept}`);
    if (want) {
      assert.ok(Number(res.headers.get('content-length')) < raw / 3, `the ${want} copy is much smaller than ${raw} bytes`);
    }
  }
  const page = await context.newPage();
  await page.goto(`${server.baseURL}/`);
  const total = await page.evaluate(() => goappWasmContentLength);
  assert.equal(Number(total), raw, 'the loading screen counts against the decompressed size');
});

test('offline after one visit: the app starts, records spans and the viewer works from the service worker cache', { timeout: 120_000 }, async () => {
  const page = await context.newPage();
  await page.goto(`${server.baseURL}/`);
  await waitForApp(page);
  await waitForServiceWorkerControl(page);
  await context.setOffline(true);
  try {
    const res = await page.reload();
    assert.ok(res?.fromServiceWorker(), 'the offline reload is served by the service worker');
    await waitForApp(page);
    const { spanIds: [id], traceIds: [traceId] } = await page.evaluate(() => window.spanfall.record({ count: 1, name: 'offline.shell' }));
    assert.ok(id, 'a span is recorded offline');
    await page.goto(`${server.baseURL}/viewer?trace=${traceId}`);
    await page.locator(`[data-testid="trace-row"][data-trace-id="${traceId}"]`).waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator(`[role="treegrid"] [role="row"][data-span-id="${id}"]`).waitFor({ state: 'visible', timeout: 30_000 });
  } finally {
    await context.setOffline(false);
  }
});
