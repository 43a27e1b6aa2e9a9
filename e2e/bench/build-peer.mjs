// Bundles the peer page (peer/entry.js: OpenTelemetry JS, exact versions
// pinned in e2e/package.json) with esbuild into peer/dist/, minified as an
// app would ship it, and writes peer/dist/index.html. Cached: rebuilt only
// when the entry or package-lock.json changed. Prints the output dir.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, 'peer', 'dist');

export async function buildPeer() {
  const entry = path.join(here, 'peer', 'entry.js');
  const hash = crypto.createHash('sha256')
    .update(await fs.readFile(entry))
    .update(await fs.readFile(path.join(here, '..', 'package-lock.json')))
    .update(await fs.readFile(fileURLToPath(import.meta.url)))
    .digest('hex');
  const stamp = path.join(out, '.stamp');
  if ((await fs.readFile(stamp, 'utf8').catch(() => '')) === hash) return out;
  await fs.rm(out, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [entry], bundle: true, minify: true, format: 'iife',
    target: 'es2020', outfile: path.join(out, 'peer.js'), logLevel: 'warning',
  });
  await fs.writeFile(path.join(out, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>OTel JS peer</title><script src="peer.js"></script>\n');
  await fs.writeFile(stamp, hash);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await buildPeer());
