// Viewer output is inert: span names and attribute values holding HTML,
// script, javascript: URLs and very long strings are shown as text (long
// ones cut, with a way to see them whole), never executed, and the app
// runs under its Content-Security-Policy without a single violation.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, withDiagnostics, waitForApp } from '../harness.mjs';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

const EVIL_NAME = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
const EVIL_URL = 'javascript:window.__pwned=3';
const LONG = 'L'.repeat(5000) + '<b>end</b>';

test('hostile span text is shown as text, never run, with no CSP violation', { timeout: 120_000 }, async () => {
  const { page, context } = await env.newPage({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await withDiagnostics(env, 'viewer-inert', () => page, async () => {
    await page.goto(`${env.baseURL}/`);
    await waitForApp(page);
    const r = await page.evaluate((o) => window.spanfall.record(o), {
      count: 1, name: EVIL_NAME, attrs: { 'url.full': EVIL_URL, 'html': '<iframe src="javascript:alert(1)"></iframe>', 'long': LONG },
    });
    const [traceId] = r.traceIds;
    const [spanId] = r.spanIds;

    await page.goto(`${env.baseURL}/viewer?trace=${traceId}&span=${spanId}`);
    const pane = page.locator('[data-testid="span-detail"]');
    await pane.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await pane.locator('[data-testid="detail-name"]').innerText(), EVIL_NAME, 'the name is shown verbatim as text');
    const paneText = await pane.innerText();
    assert.ok(paneText.includes(EVIL_URL), 'the javascript: URL is shown as text');
    assert.ok(!paneText.includes(LONG), 'a 5,000-character value is cut');
    const more = pane.locator('[data-testid="show-more"]').first();
    await more.click();
    await page.waitForFunction((long) => document.querySelector('[data-testid="span-detail"]').innerText.includes(long), LONG, { timeout: 5_000 });

    const injected = await page.evaluate(() => ({
      imgs: document.querySelectorAll('img[src="x"]').length,
      iframes: document.querySelectorAll('iframe').length,
      links: [...document.querySelectorAll('a[href^="javascript:"]')].length,
      pwned: window.__pwned ?? null,
      csp: window.__csp,
    }));
    assert.deepEqual(injected, { imgs: 0, iframes: 0, links: 0, pwned: null, csp: [] },
      'no element was injected, no script ran, no CSP violation was reported');
  });
});
