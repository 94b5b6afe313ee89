/**
 * `npm run drill -- <name> [--cases N] [--keep]`: one fault drill against a cluster of its own (a fresh
 * folder under /tmp, ports at a free offset, so it never touches `npm run cluster`'s), with a verdict.
 * The result, with the numbers measured, the date, the commit and the machine, goes to
 * `bench/results/drill-<name>-<time>.json`; the exit code is 0 for PASS, 1 for FAIL. `--keep` leaves
 * the cluster's folder (logs, data) after a failure for a look; `npm run drill -- list` names the drills.
 *
 * Drills run one at a time: each starts PostgreSQL, four Temporal services and four app processes.
 */
import { execFileSync, execSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../runtime/config';
import { startCluster, stopCluster, type Cluster } from './cluster';
import { DRILLS } from './drills';
import { freeOffset } from './ports';
import { clusterVersions } from './versions';

const args = process.argv.slice(2);
const name = args.find((a) => !a.startsWith('--'));
const flag = (key: string) => {
  const i = args.indexOf(key);
  return i >= 0 ? args[i + 1] : undefined;
};

if (!name || name === 'list' || !DRILLS[name]) {
  if (name && name !== 'list') console.error(`no drill ${name}`);
  console.log('drills:');
  for (const [key, drill] of Object.entries(DRILLS)) console.log(`  ${key.padEnd(18)} ${drill.title}`);
  process.exit(name && name !== 'list' ? 1 : 0);
}

const drill = DRILLS[name]!;
const cases = Number(flag('--cases') ?? drill.defaultCases);
const keep = args.includes('--keep');
/** `--working-tree`: the app runs from this working tree as it is, not from a snapshot of HEAD. */
const workingTree = args.includes('--working-tree');
const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
const dir = await mkdtemp(join(tmpdir(), `yjs-drill-${name}-`));
const startedAt = new Date();
const log = (line: string) => console.log(`[${((Date.now() - startedAt.getTime()) / 1000).toFixed(1).padStart(6)} s] ${line}`);
let cluster: Cluster | undefined;
let outcome: { problems: string[]; numbers: Record<string, unknown> } = { problems: [], numbers: {} };
let crashed: Error | undefined;
const load: number[] = [loadavg()[0]!];

// Ctrl-C or a kill: the cluster's processes are detached, so stop them before going, and remove its
// folder (a database and logs under /tmp) unless --keep.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the drill's cluster`);
    void stopCluster(dir, log)
      .catch(() => undefined)
      .then(() => (keep ? log(`cluster folder kept: ${dir}`) : rm(dir, { recursive: true, force: true })))
      .catch(() => undefined)
      .finally(() => process.exit(130));
  });
}

try {
  log(`drill ${name}: ${drill.title}; ${cases} cases; cluster in ${dir}`);
  const clusterStarted = Date.now();
  const appEnv = { ...drill.appEnv, ...(await drill.before?.()) };
  // The commit tested, as committed: several people edit this working tree, and a process restarted
  // mid-drill must run the code the others run. node_modules is the working tree's.
  let appRoot: string | undefined;
  if (!workingTree) {
    appRoot = join(dir, 'app');
    await mkdir(appRoot);
    execSync(`git -C ${JSON.stringify(PROJECT_ROOT)} archive --format=tar HEAD | tar -x -C ${JSON.stringify(appRoot)}`);
    await symlink(join(PROJECT_ROOT, 'node_modules'), join(appRoot, 'node_modules'));
    log(`app: a snapshot of HEAD (${commit}) in ${appRoot}`);
  }
  cluster = await startCluster({ dir, portOffset: await freeOffset(), appEnv, appRoot, build: false, log });
  log(`cluster up in ${((Date.now() - clusterStarted) / 1000).toFixed(1)} s: API ${cluster.apiUrls.join(' ')}, Temporal ${cluster.temporalAddress}`);
  const sampler = setInterval(() => load.push(loadavg()[0]!), 5_000);
  try {
    outcome = await drill.run({ cluster, cases, log, run: `drill-${Date.now().toString(36)}` });
  } finally {
    clearInterval(sampler);
  }
} catch (err) {
  crashed = err as Error;
  log(`drill stopped: ${crashed.stack ?? crashed.message}`);
}

const verdict = !crashed && outcome.problems.length === 0 ? 'PASS' : 'FAIL';
const result = {
  drill: name,
  title: drill.title,
  verdict,
  problems: crashed ? [`the drill stopped: ${crashed.message}`, ...outcome.problems] : outcome.problems,
  numbers: outcome.numbers,
  cases,
  date: startedAt.toISOString(),
  durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
  commit: workingTree ? `${commit} + working tree` : commit,
  versions: { ...clusterVersions(), node: process.version },
  machine: { cores: cpus().length, loadAverage1m: { min: Math.min(...load), max: Math.max(...load) } },
};
const resultsDir = join(PROJECT_ROOT, 'bench', 'results');
await mkdir(resultsDir, { recursive: true });
const file = join(resultsDir, `drill-${name}-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);

if (cluster) await cluster.stop().catch((err: Error) => log(`stopping the cluster: ${err.message}`));
await drill.after?.().catch((err: Error) => log(`after the drill: ${err.message}`));
if (verdict === 'PASS' || !keep) await rm(dir, { recursive: true, force: true });
else log(`cluster folder kept: ${dir} (logs in ${dir}/logs)`);

console.log(`\n${verdict}  ${name}: ${drill.title}`);
for (const problem of result.problems) console.log(`  - ${problem}`);
console.log(`numbers: ${JSON.stringify(result.numbers)}`);
console.log(`result: ${file}`);
process.exit(verdict === 'PASS' ? 0 : 1);
