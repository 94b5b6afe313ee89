/**
 * Workflow bundles, built once per benchmark run and handed to worker processes as files: the
 * engine's (`runtime/worker.ts` bundles `workflows/`) and the benchmarks' own (`bench/handwritten/`).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { bundleWorkflows } from '../../runtime/worker';

export type BundleKind = 'engine' | 'bench';

const BENCH_WORKFLOWS = fileURLToPath(new URL('../handwritten/index.ts', import.meta.url));
const built = new Map<BundleKind, Promise<string>>();
let dir: string | undefined;

/** The file holding the bundle's code; built on first use. */
export function bundleFile(kind: BundleKind): Promise<string> {
  let file = built.get(kind);
  if (!file) {
    file = (async () => {
      const started = Date.now();
      const bundle = kind === 'engine' ? await bundleWorkflows() : await bundleWorkflowCode({ workflowsPath: BENCH_WORKFLOWS, logger: quiet });
      dir ??= mkdtempSync(join(tmpdir(), 'yjs-bench-bundles-'));
      const path = join(dir, `${kind}.js`);
      writeFileSync(path, bundle.code);
      process.stderr.write(`[bench] bundled the ${kind} workflows in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      return path;
    })();
    built.set(kind, file);
  }
  return file;
}

const quiet = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn(message: string) {
    process.stderr.write(`[bundle] ${message}\n`);
  },
  error(message: string) {
    process.stderr.write(`[bundle] ${message}\n`);
  },
};
