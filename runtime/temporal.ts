/**
 * Finds or starts the Temporal server the product runs on (Architecture §9, "embedded by default, a
 * cluster when outgrown"). In order:
 *
 * 1. `TEMPORAL_ADDRESS` set: connect to that server (namespace `TEMPORAL_NAMESPACE`, default
 *    `default`) and check it answers; no fallback, a wrong address is an error.
 * 2. Something already answers as Temporal on 127.0.0.1:<port> (an earlier `npm start`, a dev
 *    server started by hand): reuse it, mode `external`; `stop()` leaves it running.
 * 3. The `temporal` CLI (see `tools.ts`, installed into `.tools` on demand): spawn
 *    `temporal server start-dev` on a SQLite file in `.data/`, with the web UI; mode `cli`.
 * 4. The SDK's `TestWorkflowEnvironment.createLocal`, which downloads the CLI itself; mode
 *    `sdk-download`.
 * If all fail, one {@link TemporalProvisionError} lists every attempt and why it failed.
 *
 * In every mode the custom search attributes of `workflows/search-attributes.ts` are made to exist in
 * the namespace: `start-dev --search-attribute` registers them only when it creates the namespace,
 * so attributes added to the code after the SQLite file was created would otherwise be missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { defineSearchAttributeKey, type SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { PROJECT_ROOT } from './config';
import { TEMPORAL_CLI, resolveTool, toolsBinary, whichSync, type FindToolOptions } from './tools';

export type TemporalMode = 'external' | 'cli' | 'sdk-download';

export interface ProvisionedTemporal {
  /** gRPC frontend, `host:port`. */
  address: string;
  namespace: string;
  /** The web UI, when this process started it or found it next to a reused server. */
  uiUrl?: string;
  mode: TemporalMode;
  /** Stops what this call started (never a reused or external server). Idempotent. */
  stop(): Promise<void>;
}

export interface ProvisionOptions {
  /** Directory of the SQLite file and the server log; default `<project>/.data`. */
  dataDir?: string;
  /** SQLite file of the embedded server; default `<dataDir>/temporal.db`. */
  dbFilename?: string;
  /** Server output of the embedded server; default `<dataDir>/temporal-server.log`. */
  logFile?: string;
  /** gRPC port of the embedded server; default `TEMPORAL_PORT` or 7233. */
  port?: number;
  /** Web UI port of the embedded server; default `TEMPORAL_UI_PORT` or port + 1000 (8233). */
  uiPort?: number;
  /** Namespace; default `TEMPORAL_NAMESPACE` or `default`. */
  namespace?: string;
  /** Name → server type name (`Keyword`, `Datetime`, …); default {@link SEARCH_ATTRIBUTES}. */
  searchAttributes?: Record<string, string>;
  /** Environment to read; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** How long the embedded server may take to answer; default 60 s. */
  startTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL; default 10 s. */
  stopTimeoutMs?: number;
  /** Reuse a Temporal server already answering on the port (step 2); default true. */
  reuseRunning?: boolean;
  /** Fall back to the SDK's own download (step 4); default true. */
  sdkDownload?: boolean;
  /** How to look for the CLI (e.g. `{ install: false }`); see `tools.ts`. */
  tools?: FindToolOptions;
  /** Progress lines; default stderr prefixed `[temporal]`. */
  log?: (line: string) => void;
}

/** Every way `provisionTemporal` tried, and why each failed. */
export class TemporalProvisionError extends Error {
  constructor(readonly attempts: { mode: string; reason: string }[]) {
    super(
      [
        'No Temporal server could be had. Attempts:',
        ...attempts.map((a, i) => `  ${i + 1}. ${a.mode}: ${a.reason}`),
        'Fix one of them, or: set TEMPORAL_ADDRESS=host:port of a running server; set TEMPORAL_CLI_PATH to a temporal ' +
          'binary; run `npm run temporal:install`; or `go install github.com/temporalio/cli/cmd/temporal@v1.9.1`.',
      ].join('\n'),
    );
    this.name = 'TemporalProvisionError';
  }
}

const LOCAL_IP = '127.0.0.1';
// gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html).
const GRPC_NOT_FOUND = 5;
const GRPC_ALREADY_EXISTS = 6;
const GRPC_UNIMPLEMENTED = 12;

/** Finds or starts a Temporal server; see the module comment for the order. */
export async function provisionTemporal(options: ProvisionOptions = {}): Promise<ProvisionedTemporal> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`[temporal] ${line}\n`));
  const namespace = options.namespace ?? env.TEMPORAL_NAMESPACE ?? 'default';
  const searchAttributes = options.searchAttributes ?? SEARCH_ATTRIBUTES;

  if (env.TEMPORAL_ADDRESS) {
    const address = env.TEMPORAL_ADDRESS;
    await verifyServer(address, namespace, searchAttributes, 10_000, log).catch((err: Error) => {
      throw new Error(`TEMPORAL_ADDRESS=${address} is set, but ${err.message}. Fix the address, start that server, or unset TEMPORAL_ADDRESS to run the embedded one.`);
    });
    log(`using the Temporal server at ${address} (TEMPORAL_ADDRESS), namespace ${namespace}`);
    return { address, namespace, mode: 'external', stop: async () => undefined };
  }

  const port = options.port ?? (Number(env.TEMPORAL_PORT) || 7233);
  const uiPort = options.uiPort ?? (Number(env.TEMPORAL_UI_PORT) || port + 1000);
  const address = `${LOCAL_IP}:${port}`;
  const dataDir = options.dataDir ?? join(PROJECT_ROOT, '.data');
  const dbFilename = options.dbFilename ?? join(dataDir, 'temporal.db');
  const logFile = options.logFile ?? join(dataDir, 'temporal-server.log');
  const attempts: { mode: string; reason: string }[] = [];

  if (await isListening(LOCAL_IP, port)) {
    if (options.reuseRunning === false) {
      attempts.push({ mode: 'reuse', reason: `port ${port} is in use and reuse is disabled` });
    } else {
      try {
        await verifyServer(address, namespace, searchAttributes, 3_000, log);
        const uiUrl = (await isListening(LOCAL_IP, uiPort)) ? `http://${LOCAL_IP}:${uiPort}` : undefined;
        log(`reusing the Temporal server already answering on ${address} (not started by this process; stop() leaves it running)`);
        return { address, namespace, ...(uiUrl ? { uiUrl } : {}), mode: 'external', stop: async () => undefined };
      } catch (err) {
        attempts.push({ mode: 'reuse', reason: `port ${port} is in use, but it cannot be reused: ${(err as Error).message}` });
        // Starting on the same port cannot work either.
        throw new TemporalProvisionError([
          ...attempts,
          { mode: 'cli', reason: `not tried: port ${port} is taken (choose another with TEMPORAL_PORT or the port option)` },
        ]);
      }
    }
  }

  mkdirSync(dataDir, { recursive: true });
  const common = { address, port, uiPort, namespace, dbFilename, logFile, searchAttributes, log };
  const found = await resolveTool(TEMPORAL_CLI, options.tools);
  if (found.found) {
    const cli = found.path;
    try {
      return await startCliServer(cli, { ...common, startTimeoutMs: options.startTimeoutMs ?? 60_000, stopTimeoutMs: options.stopTimeoutMs ?? 10_000 });
    } catch (err) {
      attempts.push({ mode: `cli (${cli})`, reason: (err as Error).message });
      log(`the CLI dev server did not start: ${(err as Error).message}`);
    }
  } else {
    attempts.push({ mode: 'cli', reason: `no temporal CLI: ${found.reasons.join('; ')}` });
  }

  if (options.sdkDownload === false) {
    attempts.push({ mode: 'sdk-download', reason: 'disabled' });
    throw new TemporalProvisionError(attempts);
  }
  try {
    log('falling back to the SDK download of the Temporal CLI (TestWorkflowEnvironment.createLocal)…');
    return await startSdkServer(common);
  } catch (err) {
    attempts.push({ mode: 'sdk-download', reason: (err as Error).message });
    throw new TemporalProvisionError(attempts);
  }
}

interface StartCommon {
  address: string;
  port: number;
  uiPort: number;
  namespace: string;
  dbFilename: string;
  logFile: string;
  searchAttributes: Record<string, string>;
  log: (line: string) => void;
}

/** Arguments of `temporal server start-dev` for the embedded server. */
export function devServerArgs(o: Pick<StartCommon, 'port' | 'uiPort' | 'namespace' | 'dbFilename' | 'searchAttributes'>, withSearchAttributes = true): string[] {
  const args = ['server', 'start-dev', '--db-filename', o.dbFilename, '--ip', LOCAL_IP, '--port', String(o.port), '--ui-port', String(o.uiPort)];
  args.push('--namespace', o.namespace, '--log-level', 'warn');
  if (withSearchAttributes) {
    for (const [name, type] of Object.entries(o.searchAttributes)) args.push('--search-attribute', `${name}=${type}`);
  }
  return args;
}

async function startCliServer(cli: string, o: StartCommon & { startTimeoutMs: number; stopTimeoutMs: number }): Promise<ProvisionedTemporal> {
  const started = Date.now();
  let server: ManagedProcess;
  try {
    server = await launchAndWait(cli, devServerArgs(o), o);
  } catch (err) {
    // Older CLIs refuse to start when a --search-attribute already exists in a persisted DB; the
    // attributes are ensured over the API below anyway.
    if (!/search attribute.*already exist/i.test((err as Error).message)) throw err;
    o.log('the CLI refused search attributes that already exist in the DB; restarting without --search-attribute');
    server = await launchAndWait(cli, devServerArgs(o, false), o);
  }
  try {
    const connection = await quickConnect(o.address, 5_000);
    try {
      await ensureSearchAttributes(connection, o.namespace, o.searchAttributes, { strict: true, log: o.log });
    } finally {
      await connection.close();
    }
  } catch (err) {
    await server.stop(o.stopTimeoutMs);
    throw err;
  }
  const uiUrl = `http://${LOCAL_IP}:${o.uiPort}`;
  o.log(`Temporal dev server up on ${o.address} in ${Date.now() - started} ms (db ${o.dbFilename}, log ${o.logFile}, UI ${uiUrl})`);
  return { address: o.address, namespace: o.namespace, uiUrl, mode: 'cli', stop: () => server.stop(o.stopTimeoutMs) };
}

/** Spawns the server and resolves once its frontend answers, or rejects with the log tail. */
async function launchAndWait(cli: string, args: string[], o: StartCommon & { startTimeoutMs: number }): Promise<ManagedProcess> {
  rotateLog(o.logFile);
  const logFd = openSync(o.logFile, 'a');
  const logStart = statSync(o.logFile).size;
  writeSync(logFd, `\n=== ${new Date().toISOString()} ${cli} ${args.join(' ')}\n`);
  let server: ManagedProcess;
  try {
    server = spawnManaged(cli, args, logFd);
  } finally {
    closeSync(logFd); // the child has its own copy
  }
  const tail = (): string => logTail(o.logFile, logStart);
  const deadline = Date.now() + o.startTimeoutMs;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    if (server.exited) {
      throw new Error(`temporal server start-dev exited with ${server.exitDescription} before answering on ${o.address}. Log ${o.logFile}:\n${tail()}`);
    }
    // A TCP probe first: gRPC backs off a whole second after a refused connection.
    if (!(await isListening(LOCAL_IP, o.port, 500))) {
      await sleep(100);
      continue;
    }
    try {
      const connection = await quickConnect(o.address, 2_000);
      try {
        await connection.withDeadline(Date.now() + 2_000, () => connection.workflowService.getSystemInfo({}));
        await connection.withDeadline(Date.now() + 2_000, () => connection.workflowService.describeNamespace({ namespace: o.namespace }));
        return server;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = (err as Error).message;
    }
    await sleep(200);
  }
  await server.stop(5_000);
  throw new Error(`temporal server start-dev did not answer on ${o.address} within ${o.startTimeoutMs / 1000} s (last error: ${lastError}). Log ${o.logFile}:\n${tail()}`);
}

async function startSdkServer(o: StartCommon): Promise<ProvisionedTemporal> {
  // Loaded lazily: @temporalio/testing pulls in the worker runtime, which `npm start` needs anyway
  // but which the external and CLI paths do not.
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      ip: LOCAL_IP,
      port: o.port,
      ui: true,
      uiPort: o.uiPort,
      namespace: o.namespace,
      dbFilename: o.dbFilename,
      searchAttributes: searchAttributeKeys(o.searchAttributes),
    },
  });
  try {
    await ensureSearchAttributes(env.connection, o.namespace, o.searchAttributes, { strict: true, log: o.log });
  } catch (err) {
    await env.teardown();
    throw err;
  }
  const uiUrl = `http://${LOCAL_IP}:${o.uiPort}`;
  o.log(`Temporal dev server (SDK download) up on ${env.address}, UI ${uiUrl}`);
  let stopping: Promise<void> | undefined;
  return { address: env.address, namespace: o.namespace, uiUrl, mode: 'sdk-download', stop: () => (stopping ??= env.teardown()) };
}

/** Connects, checks the frontend and the namespace, and makes sure the search attributes exist. */
async function verifyServer(address: string, namespace: string, attrs: Record<string, string>, timeoutMs: number, log: (line: string) => void): Promise<void> {
  const hostPort = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  if (hostPort && !(await isListening(hostPort[1]!, Number(hostPort[2]), timeoutMs))) {
    throw new Error(`nothing answers on ${address} (no TCP connection)`);
  }
  let connection: Connection;
  try {
    connection = await quickConnect(address, timeoutMs);
  } catch (err) {
    throw new Error(`nothing answers on ${address} (${(err as Error).message})`);
  }
  try {
    await connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({})).catch((err: Error) => {
      throw new Error(`${address} does not answer as a Temporal frontend (${err.message})`);
    });
    await connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.describeNamespace({ namespace })).catch((err: Error & { code?: number }) => {
      if (err.code === GRPC_NOT_FOUND) {
        throw new Error(`namespace "${namespace}" does not exist on ${address} (create it: temporal operator namespace create --namespace ${namespace} --address ${address})`);
      }
      throw err;
    });
    await ensureSearchAttributes(connection, namespace, attrs, { strict: true, log });
  } finally {
    await connection.close();
  }
}

/** A connection without the retry interceptor, so a dead address fails fast. */
function quickConnect(address: string, timeoutMs: number): Promise<Connection> {
  return Connection.connect({ address, connectTimeout: timeoutMs, interceptors: [] });
}

// temporal.api.enums.v1.IndexedValueType (temporal/api/enums/v1/common.proto); wire values never change.
const INDEXED_VALUE_TYPES: Record<string, number> = { Text: 1, Keyword: 2, Int: 3, Double: 4, Bool: 5, Datetime: 6, KeywordList: 7 };

function indexedValueType(name: string, type: string): number {
  const value = INDEXED_VALUE_TYPES[type];
  if (value === undefined) throw new Error(`search attribute ${name} has unknown type "${type}" (one of ${Object.keys(INDEXED_VALUE_TYPES).join(', ')})`);
  return value;
}

function typeName(value: number): string {
  return Object.entries(INDEXED_VALUE_TYPES).find(([, v]) => v === value)?.[0] ?? `type #${value}`;
}

/** `{ CaseId: 'Keyword' }` → typed keys, the shape `TestWorkflowEnvironment.createLocal` wants. */
export function searchAttributeKeys(attrs: Record<string, string> = SEARCH_ATTRIBUTES): SearchAttributeKey<SearchAttributeType>[] {
  return Object.entries(attrs).map(([name, type]) => {
    indexedValueType(name, type); // validates the type name
    const sdkType = type.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase() as SearchAttributeType;
    return defineSearchAttributeKey(name, sdkType);
  });
}

export interface EnsureSearchAttributesResult {
  /** Attributes this call registered. */
  added: string[];
  /** False when the server cannot list attributes (the Java test server): presence was inferred from AlreadyExists. */
  listed: boolean;
}

/**
 * Makes the custom search attributes exist in `namespace`: lists them when the server can, adds the
 * missing ones one by one (AlreadyExists counts as present, so concurrent callers are fine), and with
 * `strict` fails on one registered with another type or that cannot be added.
 */
export async function ensureSearchAttributes(
  connection: Connection,
  namespace: string,
  attrs: Record<string, string> = SEARCH_ATTRIBUTES,
  opts: { strict?: boolean; log?: (line: string) => void } = {},
): Promise<EnsureSearchAttributesResult> {
  const wanted = Object.entries(attrs).map(([name, type]) => ({ name, type, value: indexedValueType(name, type) }));
  let existing: Record<string, number> | undefined;
  try {
    const listing = await connection.operatorService.listSearchAttributes({ namespace });
    existing = { ...(listing.customAttributes ?? {}) } as Record<string, number>;
  } catch (err) {
    if ((err as { code?: number }).code !== GRPC_UNIMPLEMENTED) throw new Error(`cannot list search attributes of namespace ${namespace}: ${(err as Error).message}`);
  }
  const problems: string[] = [];
  const added: string[] = [];
  for (const { name, type, value } of wanted) {
    const current = existing?.[name];
    if (current !== undefined) {
      if (current !== value) problems.push(`${name} is registered as ${typeName(current)}, the code needs ${type}`);
      continue;
    }
    try {
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: { [name]: value } });
      added.push(name);
    } catch (err) {
      if ((err as { code?: number }).code === GRPC_ALREADY_EXISTS) continue;
      problems.push(`${name} (${type}) cannot be added: ${(err as Error).message}`);
    }
  }
  if (added.length > 0) opts.log?.(`registered search attributes in ${namespace}: ${added.join(', ')}`);
  if (problems.length > 0) {
    const message =
      `search attributes of namespace ${namespace} do not match workflows/search-attributes.ts: ${problems.join('; ')}. ` +
      `Register them with: ${wanted.map((w) => `temporal operator search-attribute create --namespace ${namespace} --name ${w.name} --type ${w.type}`).join(' && ')}`;
    if (opts.strict) throw new Error(message);
    opts.log?.(`warning: ${message}`);
  }
  return { added, listed: existing !== undefined };
}

/** A child process that dies with us. */
interface ManagedProcess {
  readonly exited: boolean;
  readonly exitDescription: string;
  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves when the process is gone. Idempotent. */
  stop(timeoutMs: number): Promise<void>;
}

/**
 * Spawns `command` in its own process group (so a terminal's Ctrl-C reaches our shutdown code first,
 * which then stops the server in order) and makes sure it does not outlive this process:
 * - `stop()` sends SIGTERM, then SIGKILL after a timeout;
 * - on `exit` of this process it is sent SIGTERM;
 * - on SIGINT/SIGTERM/SIGHUP with no other handler, it is sent SIGTERM and the signal re-raised;
 * - on Linux, when a python3 is at hand, the parent-death signal (prctl PR_SET_PDEATHSIG) covers
 *   this process being killed outright (SIGKILL, OOM), where no handler runs.
 */
function spawnManaged(command: string, args: string[], logFd: number): ManagedProcess {
  const [file, argv] = withParentDeathSignal(command, args);
  const child: ChildProcess = spawn(file, argv, { stdio: ['ignore', logFd, logFd], detached: true });
  let exited = false;
  let exitDescription = 'unknown status';
  let spawnError: Error | undefined;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      exitDescription = signal ? `signal ${signal}` : `code ${code}`;
      resolve();
    });
    child.once('error', (err) => {
      spawnError = err;
      exited = true;
      exitDescription = `spawn error ${err.message}`;
      resolve();
    });
  });
  child.unref(); // our lifetime decides, not the server's

  const terminate = (): void => {
    if (!exited) child.kill('SIGTERM');
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    // Someone else (runtime/main.ts) handles the signal and will call stop() in order.
    if (process.listenerCount(signal) > 1) return;
    terminate();
    removeHooks();
    process.kill(process.pid, signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const removeHooks = (): void => {
    process.off('exit', terminate);
    for (const s of signals) process.off(s, onSignal);
  };
  process.on('exit', terminate);
  for (const s of signals) process.on(s, onSignal);
  void exitedPromise.then(removeHooks);

  let stopping: Promise<void> | undefined;
  return {
    get exited() {
      return exited;
    },
    get exitDescription() {
      return spawnError ? `spawn error ${spawnError.message}` : exitDescription;
    },
    stop(timeoutMs: number) {
      stopping ??= (async () => {
        if (exited) return;
        child.kill('SIGTERM');
        const killTimer = setTimeout(() => {
          if (!exited) child.kill('SIGKILL');
        }, timeoutMs);
        await exitedPromise;
        clearTimeout(killTimer);
      })();
      return stopping;
    },
  };
}

/** On Linux with a python3 available: `python3 -c <set PDEATHSIG, exec>` around the command. */
function withParentDeathSignal(command: string, args: string[]): [string, string[]] {
  if (process.platform !== 'linux') return [command, args];
  // The .tools venv's python is a plain symlink; a PATH python may be a slower shim (pyenv).
  const venvPython = toolsBinary(PROJECT_ROOT, 'python3');
  const python = existsSync(venvPython) ? venvPython : whichSync('python3');
  if (!python) return [command, args];
  // prctl(PR_SET_PDEATHSIG=1, SIGTERM); if the parent already died before that, give up; then exec
  // (same pid, so kill() and exit codes work as if spawned directly).
  const script =
    'import ctypes, os, signal, sys\n' +
    'try:\n  ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)\nexcept Exception:\n  pass\n' +
    'if os.getppid() != int(sys.argv[1]):\n  sys.exit(1)\n' +
    'os.execv(sys.argv[2], sys.argv[2:])\n';
  return [python, ['-c', script, String(process.pid), command, ...args]];
}

function isListening(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect({ host, port });
    const done = (result: boolean): void => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Keeps the server log from growing without bound: one previous generation at 20 MB. */
function rotateLog(path: string): void {
  try {
    if (statSync(path).size > 20 * 1024 * 1024) renameSync(path, `${path}.1`);
  } catch {
    // no log yet
  }
}

function logTail(path: string, from: number, lines = 30): string {
  try {
    const text = readFileSync(path).subarray(from).toString('utf8');
    return text.split('\n').slice(-lines).join('\n').trim() || '(empty)';
  } catch {
    return '(no log)';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
