import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureConsoleBuilt } from './build-console.ts';

/**
 * The built console's weight as a browser downloads it (gzip level 9, like a CDN's): what the
 * first page load fetches (the entry script and stylesheets index.html names), and everything the
 * build holds (the OIDC client is a chunk loaded only in JWT mode).
 */
export async function benchConsole(): Promise<{ console_bytes_gz: number; console_bytes_gz_all: number; console_bytes_raw_all: number }> {
  await ensureConsoleBuilt({ quiet: true });
  const dist = resolve(import.meta.dirname, '../web/dist');
  const gz = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => join(dist, m[1]));
  const all = readdirSync(join(dist, 'assets'))
    .filter((f) => /\.(js|css)$/.test(f))
    .map((f) => join(dist, 'assets', f));
  return {
    console_bytes_gz: initial.reduce((n, f) => n + gz(f), 0),
    console_bytes_gz_all: all.reduce((n, f) => n + gz(f), 0),
    console_bytes_raw_all: all.reduce((n, f) => n + readFileSync(f).length, 0),
  };
}
