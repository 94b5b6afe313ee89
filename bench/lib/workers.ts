/**
 * Workers in their own process (`worker-host.ts`), so a benchmark reads the worker's CPU time and
 * memory apart from the load generator's and the server's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HostConfig, HostMessage, HostStats } from './worker-host';
import { processCpuSeconds, processRssBytes } from './proc';

const HOST = fileURLToPath(new URL('./worker-host.ts', import.meta.url));

export interface WorkerProcess {
  pid: number;
  stats(): Promise<HostStats>;
  /** A full garbage collection first, then stats (what is really retained). */
  statsAfterGc(): Promise<HostStats>;
  /** User + system CPU seconds of the worker process so far. */
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts a worker process and resolves once its workers poll. `env` adds variables (e.g. YJS_MAX_CACHED_WORKFLOWS). */
export async function startWorkerProcess(config: HostConfig, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<WorkerProcess> {
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--expose-gc', '--import', 'tsx', HOST], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env, BENCH_WORKER_CONFIG: JSON.stringify(config) },
  });
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const killOnExit = (): void => {
    if (!exited) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  const pending = new Map<number, { resolve: (stats: HostStats | undefined) => void; reject: (err: Error) => void }>();
  let nextId = 1;
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the benchmark worker did not start within 180 s')), 180_000);
    child.on('message', (message: HostMessage) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve();
      } else if (message.type === 'reply') {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.error) waiter?.reject(new Error(message.error));
        else waiter?.resolve(message.stats);
      }
    });
    void exitedPromise.then(() => {
      clearTimeout(timer);
      reject(new Error('the benchmark worker exited before it was ready'));
      for (const waiter of pending.values()) waiter.reject(new Error('the benchmark worker exited'));
    });
  });
  await ready;

  const ask = (type: 'stats' | 'gc' | 'stop'): Promise<HostStats | undefined> =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new Error('the benchmark worker has exited'));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, type });
    });
  const pid = child.pid!;
  return {
    pid,
    stats: async () => (await ask('stats'))!,
    statsAfterGc: async () => (await ask('gc'))!,
    async cpuSeconds() {
      const fromProc = processCpuSeconds(pid);
      if (fromProc !== undefined) return fromProc;
      const s = (await ask('stats'))!;
      return (s.cpuUserMicros + s.cpuSystemMicros) / 1e6;
    },
    async stop() {
      process.off('exit', killOnExit);
      if (!exited) {
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await ask('stop').catch(() => undefined);
        await exitedPromise;
        clearTimeout(timer);
      }
    },
  };
}

/** Waits until the worker has had nothing in flight for a second (at most `timeoutMs`); its stats then. */
export async function quiet(worker: WorkerProcess, timeoutMs = 600_000): Promise<HostStats> {
  const deadline = Date.now() + timeoutMs;
  let calm = 0;
  for (;;) {
    const stats = await worker.stats();
    calm = stats.workers.every((w) => w.inFlightActivations === 0) ? calm + 1 : 0;
    if (calm >= 4 || Date.now() > deadline) return stats;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export { processRssBytes };
