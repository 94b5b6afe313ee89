/**
 * Builds the web screens (web/ → web/dist, Vite) when the build is missing or stale: `npm start` runs
 * it first (`prestart`), `npm test` before the tests, so the README's two set-up commands are enough.
 * Stale means the digest of its inputs (web/ but its build, the shared pure code it imports, the lock
 * file) differs from the one the last build wrote into web/dist/.build-digest. `--force` builds anyway.
 *
 *   npx tsx scripts/build-web.ts [--force]
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../runtime/config';

export const WEB_DIR = join(PROJECT_ROOT, 'web');
export const WEB_DIST = join(WEB_DIR, 'dist');
const DIGEST_FILE = join(WEB_DIST, '.build-digest');
/** What outside web/ the screens bundle: the pure layer they import from (conditions, the graph, work steps), and the locked packages. */
const SHARED_DIRS = ['definitions', 'domain'];
const SHARED_FILES = ['package-lock.json'];

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await files(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** SHA-256 over the inputs' paths and contents, in a stable order. */
export async function inputsDigest(): Promise<string> {
  const shared = await Promise.all(SHARED_DIRS.map((dir) => files(join(PROJECT_ROOT, dir))));
  const paths = [...(await files(WEB_DIR)), ...shared.flat().filter((p) => p.endsWith('.ts')), ...SHARED_FILES.map((p) => join(PROJECT_ROOT, p))].sort();
  const hash = createHash('sha256');
  for (const path of paths) {
    hash.update(relative(PROJECT_ROOT, path)).update('\0').update(await readFile(path)).update('\0');
  }
  return hash.digest('hex');
}

/** Builds unless the last build is of the same inputs; says which. */
export async function buildWeb({ force = false } = {}): Promise<'built' | 'up to date'> {
  const digest = await inputsDigest();
  const previous = await readFile(DIGEST_FILE, 'utf8').catch(() => '');
  if (!force && previous.trim() === digest) return 'up to date';
  const { build } = await import('vite');
  await build({ configFile: join(WEB_DIR, 'vite.config.ts'), logLevel: 'warn' });
  await writeFile(DIGEST_FILE, `${digest}\n`);
  return 'built';
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  const outcome = await buildWeb({ force: process.argv.includes('--force') });
  console.log(`web screens ${outcome} (web/dist, ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
