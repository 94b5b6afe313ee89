/**
 * The cluster's processes: each started detached in its own process group with its output appended to
 * `<cluster>/logs/<name>.log`, so `npm run cluster` can return and leave them running, and recorded in
 * `<cluster>/state.json` (name, pid, the command that started it) so `npm run cluster:stop` and the
 * drills find them again, kill one by its pid and start it again with the same command.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** How to start a process again, exactly as it was started. */
export interface ProcessSpec {
  /** Unique in the cluster: `postgres`, `temporal-frontend`, `worker-1`, `api-a`… */
  name: string;
  command: string;
  args: string[];
  /** Variables added to the cluster's own environment (secrets included: state.json is 0600). */
  env: Record<string, string>;
  cwd: string;
}

export interface ProcessRecord extends ProcessSpec {
  pid: number;
  log: string;
  startedAt: string;
}

export interface ClusterState {
  dir: string;
  processes: Record<string, ProcessRecord>;
  /** Anything the cluster wants to find again: ports, URLs, the admin key's file. */
  info: Record<string, unknown>;
}

export function statePath(dir: string): string {
  return join(dir, 'state.json');
}

export function readState(dir: string): ClusterState | undefined {
  const path = statePath(dir);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ClusterState) : undefined;
}

export function writeState(state: ClusterState): void {
  const path = statePath(state.dir);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

/** Starts `spec` detached, output appended to its log; the caller records the result in the state. */
export function startProcess(dir: string, spec: ProcessSpec): ProcessRecord {
  const logs = join(dir, 'logs');
  mkdirSync(logs, { recursive: true });
  const log = join(logs, `${spec.name}.log`);
  const fd = openSync(log, 'a');
  try {
    writeFileSync(fd, `\n===== ${new Date().toISOString()} start ${spec.command} ${spec.args.join(' ')}\n`);
    const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: { ...process.env, ...spec.env }, detached: true, stdio: ['ignore', fd, fd] });
    if (child.pid === undefined) throw new Error(`cannot start ${spec.name}: ${spec.command}`);
    child.unref();
    return { ...spec, pid: child.pid, log, startedAt: new Date().toISOString() };
  } finally {
    closeSync(fd);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie (dead, not yet reaped by a parent that still runs, as in a drill) counts as dead.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/**
 * Sends `signal` to the process's group (it leads one: detached), then SIGKILL after `graceMs`;
 * resolves once it is gone.
 */
export async function stopProcess(pid: number, signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
  const send = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        // gone already
      }
    }
  };
  if (!isAlive(pid)) return;
  send(signal);
  const deadline = Date.now() + graceMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      send('SIGKILL');
      await waitGone(pid, 5_000);
      return;
    }
    await sleep(100);
  }
}

async function waitGone(pid: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
}

/** The last `bytes` of a log, for error messages. */
export function tail(log: string, bytes = 4000): string {
  try {
    const text = readFileSync(log, 'utf8');
    return text.slice(-bytes);
  } catch {
    return '';
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
