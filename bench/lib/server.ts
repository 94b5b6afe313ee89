/**
 * A fresh in-memory Temporal dev server per benchmark (`temporal server start-dev`, no database file,
 * no UI, a free port), from the CLI `runtime/tools.ts` finds (TEMPORAL_CLI_PATH, PATH or `.tools/`),
 * with the engine's search attributes. Its pid is known, so its CPU time and memory can be read.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { ensureSearchAttributes } from '../../runtime/temporal';
import { findTemporalCli } from '../../runtime/tools';
import { processCpuSeconds, processRssBytes } from './proc';

export interface DevServer {
  address: string;
  namespace: string;
  pid: number;
  client: Client;
  connection: Connection;
  /** User + system CPU seconds of the server process so far (undefined off Linux). */
  cpuSeconds(): number | undefined;
  rssBytes(): number | undefined;
  /** A native connection for a worker in this process. */
  nativeConnection(): Promise<NativeConnection>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `dbFile`: keep the server's state in a SQLite file in its temporary folder instead of memory (the
 * in-memory server ran out of memory between 10,000 and 100,000 open workflows here).
 */
export async function startDevServer(options: { dynamicConfig?: Record<string, unknown>; dbFile?: boolean } = {}): Promise<DevServer> {
  const cli = await findTemporalCli();
  if (!cli) throw new Error('No temporal CLI: run `npm run temporal:install`, or set TEMPORAL_CLI_PATH.');
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const namespace = 'default';
  const logDir = mkdtempSync(join(tmpdir(), 'yjs-bench-temporal-'));
  const logFile = join(logDir, 'server.log');
  const args = ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error'];
  if (options.dbFile) args.push('--db-filename', join(logDir, 'temporal.db'));
  for (const [key, value] of Object.entries(options.dynamicConfig ?? {})) args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  const fd = openSync(logFile, 'a');
  const child = spawn(cli, args, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let exited = false;
  let stopping = false;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  // A server that dies under a benchmark would leave its clients retrying for ever: end the run, loudly.
  child.once('exit', (code, signal) => {
    if (stopping) return;
    let tail = '';
    try {
      tail = readFileSync(logFile, 'utf8').slice(-2000);
    } catch {
      // the log is gone with its folder
    }
    console.error(`[bench] the Temporal dev server exited during the run (code ${code}, signal ${signal}):\n${tail}`);
    process.exit(1);
  });
  const killOnExit = (): void => {
    if (!exited) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  const stopServer = async (): Promise<void> => {
    stopping = true;
    process.off('exit', killOnExit);
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exitedPromise;
      clearTimeout(timer);
    }
    rmSync(logDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  let connection: Connection | undefined;
  let lastError = '';
  while (!connection && Date.now() < deadline) {
    if (exited) break;
    try {
      const candidate = await Connection.connect({ address, connectTimeout: 1_000 });
      await candidate.withDeadline(Date.now() + 2_000, () => candidate.workflowService.describeNamespace({ namespace }));
      connection = candidate;
    } catch (err) {
      lastError = (err as Error).message;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  if (!connection) {
    const log = safeRead(logFile);
    await stopServer();
    throw new Error(`the Temporal dev server did not answer on ${address} (${exited ? 'it exited' : lastError}):\n${log.slice(-2000)}`);
  }
  await ensureSearchAttributes(connection, namespace, undefined, { strict: true });
  const client = new Client({ connection, namespace });
  const pid = child.pid!;
  return {
    address,
    namespace,
    pid,
    client,
    connection,
    cpuSeconds: () => processCpuSeconds(pid),
    rssBytes: () => processRssBytes(pid),
    nativeConnection: () => NativeConnection.connect({ address }),
    async stop() {
      await connection!.close().catch(() => undefined);
      await stopServer();
    },
  };
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
