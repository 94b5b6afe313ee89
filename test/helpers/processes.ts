/**
 * The product's own entry points (`runtime/api-main.ts`, `runtime/worker-main.ts`) as separate OS
 * processes of a test, as a deployment runs them: `node --import tsx`, the environment given, their
 * output kept (the last 64 KiB) for failure messages, ended by a signal and awaited.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../runtime/config';

export interface RuntimeProcess {
  readonly name: string;
  readonly pid: number;
  /** What it wrote to stdout and stderr, interleaved (the last 64 KiB). */
  output(): string;
  /** Resolves once its output matches `pattern`; rejects if it exits first or `timeoutMs` passes. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Sends `signal` and resolves with how it ended once it has. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Undefined while it runs. */
  exited(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
}

const KEEP = 64 * 1024;

/**
 * Starts `runtime/<entry>` with this process's environment plus `env` (a key set to undefined is
 * removed). The child is killed (SIGKILL) if the test process exits without stopping it.
 */
export function startRuntime(entry: 'api-main.ts' | 'worker-main.ts', name: string, env: Record<string, string | undefined>): RuntimeProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete childEnv[key];
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'runtime', entry)], {
    cwd: PROJECT_ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  let ended: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-KEEP);
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      ended = { code, signal };
      for (const listener of listeners) listener();
      resolve(ended);
    }),
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  return {
    name,
    pid: child.pid!,
    output: () => log,
    exited: () => ended,
    waitFor(pattern, timeoutMs = 90_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(log)) done(() => resolve());
          else if (ended) done(() => reject(new Error(`${name} exited (${JSON.stringify(ended)}) before ${pattern}:\n${log}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`${name}: no ${pattern} within ${timeoutMs} ms:\n${log}`))), timeoutMs);
        const done = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    async stop(signal = 'SIGTERM') {
      process.off('exit', killOnExit);
      if (!ended) child.kill(signal);
      return exit;
    },
  };
}

/** A TCP port of 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
