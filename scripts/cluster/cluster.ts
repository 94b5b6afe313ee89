/**
 * A whole cluster on one machine, as a province runs it on many: PostgreSQL (Temporal's two databases
 * and the app's own, each with its own role), the real Temporal server's four services as separate
 * processes with SQL visibility, its web UI, and the app as two workers (`runtime/worker-main.ts`) and
 * two API nodes (`runtime/api-main.ts`). {@link startCluster} brings up whatever of it is not running
 * (so a second `npm run cluster` only reports), {@link stopCluster} ends it all; the returned handle
 * lets the drills kill, restart and stop single parts.
 */
import { randomBytes } from 'node:crypto';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../runtime/config';
import { allPorts, busyPorts, clusterPorts, type ClusterPorts } from './ports';
import { openClusterPostgres, type ClusterPostgres } from './postgres';
import { isAlive, readState, sleep, startProcess, stopProcess, tail, writeState, type ClusterState, type ProcessRecord, type ProcessSpec } from './processes';
import {
  ensureNamespace,
  setupTemporalSchema,
  TEMPORAL_SERVICES,
  temporalServiceSpec,
  temporalUiSpec,
  waitForTemporal,
  writeTemporalConfig,
  type TemporalService,
} from './temporal-server';
import { clusterBinDir, findClusterBinaries, type ClusterBinaries } from './versions';

export const DEFAULT_CLUSTER_DIR = join(PROJECT_ROOT, '.data', 'cluster');
export const WORKERS = ['worker-1', 'worker-2'] as const;
export const APIS = ['api-a', 'api-b'] as const;

export interface ClusterOptions {
  /** Folder of everything the cluster keeps: PostgreSQL's data, configuration, logs, secrets, state. */
  dir?: string;
  /** Added to every port (ports.ts). */
  portOffset?: number;
  namespace?: string;
  /** Retention of closed workflows in a new namespace, in days. */
  retentionDays?: number;
  /** More variables for the four app processes (the test clock, outside services' URLs…). */
  appEnv?: Record<string, string>;
  /**
   * The app's source tree the four processes (and the key's minting) run from: this repository by
   * default; the drills give a snapshot of the commit they test, so that edits made meanwhile in the
   * working tree do not reach a process restarted mid-drill.
   */
  appRoot?: string;
  /** Build the Temporal binaries when missing (default true); false: fail saying how. */
  build?: boolean;
  log?: (line: string) => void;
}

export interface Cluster {
  dir: string;
  /** The source tree the app processes run from (a drill's snapshot of HEAD, or this repository). */
  appRoot: string;
  ports: ClusterPorts;
  namespace: string;
  /** `127.0.0.1:<frontend>`. */
  temporalAddress: string;
  /** Base URLs of API node A and B. */
  apiUrls: [string, string];
  uiUrl?: string;
  /** The app's `DATABASE_URL` (its own role and database). */
  databaseUrl: string;
  /** The operator's admin API key (also in `<dir>/admin-key`, 0600). */
  adminKey: string;
  postgres: ClusterPostgres;
  /** The current record of a process (its pid changes on a restart). */
  process(name: string): ProcessRecord;
  /** Sends a signal to one process (SIGKILL by default: `kill -9`) and waits until it is gone. */
  kill(name: string, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a stopped or killed process again with its command, and waits until it is ready. */
  restart(name: string): Promise<void>;
  /** Stops every Temporal service (SIGKILL: as a crash, or SIGTERM). */
  stopTemporal(signal?: NodeJS.Signals): Promise<void>;
  /** Starts every Temporal service again and waits until the frontend answers. */
  startTemporal(): Promise<void>;
  /** Stops the whole cluster. */
  stop(): Promise<void>;
}

interface Secrets {
  temporalPassword: string;
  appPassword: string;
  pageTokenSecret: string;
}

const secret = () => randomBytes(24).toString('hex');

/** The cluster's passwords, made once and kept in `<dir>/secrets.json` (0600). */
async function loadSecrets(dir: string): Promise<Secrets> {
  const path = join(dir, 'secrets.json');
  if (existsSync(path)) return JSON.parse(await readFile(path, 'utf8')) as Secrets;
  const secrets: Secrets = { temporalPassword: secret(), appPassword: secret(), pageTokenSecret: secret() };
  await writeFile(path, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}

/** The Temporal binaries, built by build-temporal.sh when missing (and `build` allows). */
export async function ensureClusterBinaries(build: boolean, log: (line: string) => void): Promise<ClusterBinaries> {
  const found = findClusterBinaries();
  if (found) return found;
  if (!build) throw new Error(`the Temporal server is not built in ${clusterBinDir()}: run \`npm run cluster:install\` first (about 7 minutes on 2 cores)`);
  log(`Temporal server not built yet in ${clusterBinDir()}: building it now (npm run cluster:install)`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn('bash', [join(PROJECT_ROOT, 'scripts', 'cluster', 'build-temporal.sh')], { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`scripts/cluster/build-temporal.sh exited with ${code}`))));
  });
  const built = findClusterBinaries();
  if (!built) throw new Error(`build-temporal.sh finished but ${clusterBinDir()} is incomplete`);
  return built;
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const log = options.log ?? ((line: string) => console.log(line));
  const dir = options.dir ?? DEFAULT_CLUSTER_DIR;
  const namespace = options.namespace ?? 'default';
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o755); // PostgreSQL's user must reach its folder inside
  const previous = readState(dir);
  const ports = clusterPorts(options.portOffset ?? Number(previous?.info.portOffset ?? 0));
  const state: ClusterState = previous ?? { dir, processes: {}, info: {} };
  state.info.portOffset = ports.offset;
  const running = (name: string) => {
    const record = state.processes[name];
    return record !== undefined && isAlive(record.pid);
  };

  // Ports our own live processes hold are fine; any other holder is not.
  const ours = Object.keys(state.processes).some(running);
  if (!ours) {
    const busy = await busyPorts(ports);
    if (busy.length > 0) {
      throw new Error(`ports in use: ${busy.join(', ')} (the cluster needs ${allPorts(ports).join(', ')}); stop what holds them, or set YJS_CLUSTER_PORT_OFFSET (e.g. 10000)`);
    }
  }

  const secrets = await loadSecrets(dir);
  const bin = await ensureClusterBinaries(options.build ?? true, log);
  const postgres = await openClusterPostgres(dir, ports.postgres);
  if (!(await postgres.running())) {
    await postgres.start();
    log(`PostgreSQL        127.0.0.1:${ports.postgres} (${await postgres.version()}, data ${postgres.dataDir})`);
  }
  const temporalDb = { user: 'temporal', password: secrets.temporalPassword };
  await setupTemporalSchema(postgres, bin, temporalDb, log);
  await postgres.ensureRoleAndDatabase('yijianshi', secrets.appPassword, 'yijianshi');
  const databaseUrl = `postgres://yijianshi:${secrets.appPassword}@127.0.0.1:${ports.postgres}/yijianshi`;

  const configFile = await writeTemporalConfig(dir, ports, temporalDb);
  const temporalAddress = `127.0.0.1:${ports.temporal.frontend}`;
  const launch = (spec: ProcessSpec) => {
    state.processes[spec.name] = startProcess(dir, spec);
    writeState(state);
  };
  const deadOne = (names: readonly string[]) => () => {
    for (const name of names) {
      const record = state.processes[name];
      if (record && !isAlive(record.pid)) return `${name} exited; its log ${record.log} ends:\n${tail(record.log, 1500)}`;
    }
    return undefined;
  };
  const temporalNames = TEMPORAL_SERVICES.map((service) => `temporal-${service}`);
  const startTemporalServices = async () => {
    // On a new database every service would write the cluster's metadata at once, and the losers exit
    // ("failed to initialize current cluster metadata"): one service writes it first.
    if (!(await postgres.psql('SELECT 1 FROM cluster_metadata_info LIMIT 1', 'temporal'))) {
      if (!running('temporal-history')) launch(temporalServiceSpec(bin, configFile, 'history'));
      const deadline = Date.now() + 120_000;
      while (!(await postgres.psql('SELECT 1 FROM cluster_metadata_info LIMIT 1', 'temporal'))) {
        const dead = deadOne(['temporal-history'])();
        if (dead) throw new Error(dead);
        if (Date.now() > deadline) throw new Error('Temporal\'s history service wrote no cluster metadata within 120 s');
        await sleep(500);
      }
    }
    for (const service of TEMPORAL_SERVICES) {
      if (!running(`temporal-${service}`)) launch(temporalServiceSpec(bin, configFile, service));
    }
    const connection = await waitForTemporal(temporalAddress, 180_000, deadOne(temporalNames));
    return connection;
  };
  const started = Date.now();
  const connection = await startTemporalServices();
  log(`Temporal server   ${temporalAddress} (${TEMPORAL_SERVICES.join(', ')}: separate processes; answered after ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  await ensureNamespace(connection, namespace, options.retentionDays ?? 365, log);
  await connection.close();

  const ui = await temporalUiSpec(dir, bin, ports, namespace);
  if (ui && !running(ui.name)) launch(ui);
  const uiUrl = ui ? `http://127.0.0.1:${ports.ui}` : undefined;

  // The operator's first key, as an operator mints it (the command migrates the app's database first,
  // once, rather than the four processes racing to under the migrator's lock): api-main refuses to
  // start without one.
  const appRoot = options.appRoot ?? PROJECT_ROOT;
  const adminKeyFile = join(dir, 'admin-key');
  if (!existsSync(adminKeyFile)) {
    const { stdout } = await promisify(execFile)(process.execPath, [join(appRoot, 'bin', 'yijianshi.mjs'), 'keys', 'create', '--role', 'admin', '--id', `cluster-admin-${Date.now()}`], {
      cwd: appRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl, YJS_API_KEYS_FILE: '' },
      timeout: 180_000,
    });
    await writeFile(adminKeyFile, `${stdout.trim()}\n`, { mode: 0o600 });
  }
  const adminKey = (await readFile(adminKeyFile, 'utf8')).trim();

  const appDataDir = join(dir, 'app-data');
  await mkdir(appDataDir, { recursive: true, mode: 0o700 });
  const appEnv = (extra: Record<string, string>): Record<string, string> => ({
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: namespace,
    DATABASE_URL: databaseUrl,
    // One data folder for all four, as hosts share a volume: seal keys and upload bytes.
    YJS_DATA_DIR: appDataDir,
    YJS_PAGE_TOKEN_SECRET: secrets.pageTokenSecret,
    YJS_LOG_LEVEL: 'warn',
    ...options.appEnv,
    ...extra,
  });
  const node = (entry: string) => [process.execPath, ['--import', 'tsx', join(appRoot, 'runtime', entry)]] as const;
  const workerSpec = (name: string): ProcessSpec => {
    const [command, args] = node('worker-main.ts');
    return { name, command, args: [...args], env: appEnv({}), cwd: appRoot };
  };
  const apiSpec = (name: string, port: number): ProcessSpec => {
    const [command, args] = node('api-main.ts');
    return { name, command, args: [...args], env: appEnv({ HOST: '127.0.0.1', PORT: String(port) }), cwd: appRoot };
  };
  const apiUrls: [string, string] = [`http://127.0.0.1:${ports.api[0]}`, `http://127.0.0.1:${ports.api[1]}`];
  const specs = new Map<string, ProcessSpec>([
    ...WORKERS.map((name) => [name, workerSpec(name)] as const),
    ...APIS.map((name, i) => [name, apiSpec(name, ports.api[i]!)] as const),
  ]);
  const ready = async (name: string, sinceBytes: number) => {
    const record = state.processes[name]!;
    const deadline = Date.now() + 240_000;
    for (;;) {
      if (!isAlive(record.pid)) throw new Error(`${name} exited; its log ${record.log} ends:\n${tail(record.log)}`);
      if (name.startsWith('worker')) {
        const text = (await readFile(record.log, 'utf8').catch(() => '')).slice(sinceBytes);
        if (/worker polling/.test(text)) return;
      } else {
        const url = apiUrls[APIS.indexOf(name as (typeof APIS)[number])]!;
        if (await fetch(`${url}/health`).then((r) => r.ok, () => false)) return;
      }
      if (Date.now() > deadline) throw new Error(`${name} not ready within 240 s; its log ${record.log} ends:\n${tail(record.log)}`);
      await sleep(250);
    }
  };
  const logSize = async (name: string) => (await readFile(join(dir, 'logs', `${name}.log`), 'utf8').catch(() => '')).length;
  const startApp = async (name: string) => {
    const since = await logSize(name);
    launch(specs.get(name)!);
    await ready(name, since);
  };
  const appStarts: Promise<void>[] = [];
  for (const name of specs.keys()) if (!running(name)) appStarts.push(startApp(name));
  await Promise.all(appStarts);

  Object.assign(state.info, { temporalAddress, apiUrls, uiUrl, namespace, databaseUrl: databaseUrl.replace(/:[^:@/]+@/, ':***@'), adminKeyFile, appDataDir });
  writeState(state);

  const cluster: Cluster = {
    dir,
    appRoot,
    ports,
    namespace,
    temporalAddress,
    apiUrls,
    uiUrl,
    databaseUrl,
    adminKey,
    postgres,
    process: (name) => {
      const record = state.processes[name];
      if (!record) throw new Error(`no process ${name} in this cluster`);
      return record;
    },
    async kill(name, signal = 'SIGKILL') {
      const { pid } = cluster.process(name);
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
      const deadline = Date.now() + 30_000;
      while (isAlive(pid) && Date.now() < deadline) await sleep(50);
    },
    async restart(name) {
      if (running(name)) return;
      if (specs.has(name)) return startApp(name);
      const service = name.replace(/^temporal-/, '') as TemporalService;
      if ((TEMPORAL_SERVICES as readonly string[]).includes(service)) {
        launch(temporalServiceSpec(bin, configFile, service));
        return;
      }
      throw new Error(`cannot restart ${name}`);
    },
    async stopTemporal(signal = 'SIGKILL') {
      await Promise.all(temporalNames.map((name) => (running(name) ? stopProcess(state.processes[name]!.pid, signal) : undefined)));
    },
    async startTemporal() {
      const connection = await startTemporalServices();
      await connection.close();
    },
    stop: () => stopCluster(dir, log),
  };
  return cluster;
}

/** Stops every process of the cluster in `dir` (API nodes and workers first, PostgreSQL last). */
export async function stopCluster(dir = DEFAULT_CLUSTER_DIR, log: (line: string) => void = console.log): Promise<void> {
  const state = readState(dir);
  if (state) {
    const order = [...APIS, ...WORKERS, 'temporal-ui', 'temporal-frontend', 'temporal-matching', 'temporal-worker', 'temporal-history'];
    const names = [...order.filter((name) => state.processes[name]), ...Object.keys(state.processes).filter((name) => !order.includes(name))];
    for (const group of [names.filter((n) => !n.startsWith('temporal')), names.filter((n) => n.startsWith('temporal'))]) {
      await Promise.all(
        group.map(async (name) => {
          const record = state.processes[name]!;
          if (isAlive(record.pid)) {
            await stopProcess(record.pid, 'SIGTERM', 20_000);
            log(`stopped ${name} (pid ${record.pid})`);
          }
        }),
      );
    }
    writeState(state);
  }
  if (existsSync(join(dir, 'postgres', 'data', 'PG_VERSION'))) {
    const postgres = await openClusterPostgres(dir, clusterPorts(Number(state?.info.portOffset ?? 0)).postgres);
    if (await postgres.running()) {
      await postgres.stop('fast');
      log('stopped PostgreSQL');
    }
  }
}
