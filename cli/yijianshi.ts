/**
 * `yijianshi`: the designer's command line for bundle definition files in a repository. Validate a
 * definition with every issue at once, compile it, see its merged form and form types, and judge it by
 * its four reductions (四减) before publishing.
 *
 * Run through `bin/yijianshi.mjs` (`npx yijianshi …`) or `tsx cli/yijianshi.ts …`. `main` returns the
 * exit status and never throws: input problems are readable messages on stderr, never stack traces
 * (set YIJIANSHI_DEBUG=1 to see the stack of an unexpected error).
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ExecutionPlan } from '../definitions/plan';
import { reductions, type Reductions } from '../domain/reductions';
import { mergeForm } from '../forms/merge';
import { formTypes } from '../forms/typegen';
import { CliError, fileProblem, lintFile, type LintedFile } from './definition-file';
import { dbCommand, DB_USAGE } from './db';
import { keysCommand, KEYS_USAGE } from './keys';
import { countIssues, formatIssues, formatReductions, formatReductionsTable, totalReductions, validationSummary } from './report';

export const USAGE = `yijianshi: design tools for "one thing" bundle definitions (一件事定义设计工具)

Usage:
  yijianshi validate <file> [--json]         lint a definition: every error and warning, where it is, how to fix it (校验)
  yijianshi compile <file> [--out <file>]    the execution plan as JSON (执行计划)
  yijianshi form <file> [--out <file>]       the merged application form as JSON Schema (一表申请)
  yijianshi types <file> [--out <file>]      TypeScript types of the application form
  yijianshi reductions <file> [--json]       the four reductions (四减: 减时限、减材料、减环节、减跑动)
  yijianshi reductions --all <dir> [--json]  the four reductions of every *.json definition in <dir>, and in total
${KEYS_USAGE}
${DB_USAGE}

Options:
  -o, --out <file>  write the output to <file> instead of standard output
      --json        print JSON instead of text
      --all <dir>   (reductions) every definition in a directory
  -h, --help        show this help

Exit status: 0 done (warnings allowed), 1 invalid definition or unreadable file, 2 wrong usage.
Example: yijianshi validate definitions/bundles/open-restaurant.json
`;

/** Where output goes; the launcher passes the process streams, tests may pass collectors. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

type Command = 'validate' | 'compile' | 'form' | 'types' | 'reductions';
type Option = 'out' | 'json' | 'all';

/** The options each command accepts; any other is a usage error. */
const COMMANDS: Record<Command, readonly Option[]> = {
  validate: ['json'],
  compile: ['out'],
  form: ['out'],
  types: ['out'],
  reductions: ['json', 'all'],
};

interface Invocation {
  command: Command;
  file?: string;
  out?: string;
  json: boolean;
  all?: string;
}

/** Runs the CLI on its arguments (without `node` and the script) and returns the exit status. */
export async function main(args: readonly string[], io: Io = processIo): Promise<number> {
  if (args[0] === 'keys') return operatorCommand('keys', keysCommand, args.slice(1), io);
  if (args[0] === 'db') return operatorCommand('db', dbCommand, args.slice(1), io);
  let invocation: Invocation | 'help';
  try {
    invocation = parseInvocation(args);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    io.err(`yijianshi: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (invocation === 'help') {
    io.out(USAGE);
    return 0;
  }
  try {
    return await run(invocation, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`yijianshi ${invocation.command}: ${error.message}\n`);
      return error.exitCode;
    }
    io.err(`yijianshi ${invocation.command}: unexpected error: ${(error as Error)?.message ?? String(error)}\n`);
    if (process.env.YIJIANSHI_DEBUG) io.err(`${(error as Error)?.stack}\n`);
    return 1;
  }
}

/** The operators' commands: `yijianshi keys …` (API keys, `cli/keys.ts`) and `yijianshi db …` (the database, `cli/db.ts`). */
async function operatorCommand(name: string, command: (args: readonly string[], io: Io) => Promise<number>, args: readonly string[], io: Io): Promise<number> {
  try {
    return await command(args, io);
  } catch (error) {
    if (!(error instanceof CliError)) {
      io.err(`yijianshi ${name}: unexpected error: ${(error as Error)?.message ?? String(error)}\n`);
      if (process.env.YIJIANSHI_DEBUG) io.err(`${(error as Error)?.stack}\n`);
      return 1;
    }
    io.err(`yijianshi ${name}: ${error.message}\n${error.exitCode === 2 ? `\n${USAGE}` : ''}`);
    return error.exitCode;
  }
}

function parseInvocation(args: readonly string[]): Invocation | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        out: { type: 'string', short: 'o' },
        json: { type: 'boolean' },
        all: { type: 'string' },
      },
    });
  } catch (error) {
    // parseArgs explains itself ("Unknown option '--x'", "Option '--out <value>' argument missing").
    throw new CliError(firstSentence((error as Error).message), 2);
  }
  const { values, positionals } = parsed;
  const [name, ...rest] = positionals;
  if (values.help || name === 'help') return 'help';
  if (name === undefined) throw new CliError('no command given', 2);
  if (!Object.hasOwn(COMMANDS, name)) throw new CliError(`unknown command "${name}"`, 2);
  const command = name as Command;
  for (const option of ['out', 'json', 'all'] as const) {
    if (values[option] !== undefined && !COMMANDS[command].includes(option)) {
      throw new CliError(`${command} takes no --${option}`, 2);
    }
  }
  if (values.all !== undefined) {
    if (rest.length > 0) throw new CliError(`${command} --all <dir> takes no file`, 2);
  } else {
    if (rest.length === 0) throw new CliError(`${command} needs a definition file`, 2);
    if (rest.length > 1) throw new CliError(`${command} takes one definition file, not ${rest.length}`, 2);
  }
  if (values.out === '' || values.all === '') throw new CliError(`--${values.out === '' ? 'out' : 'all'} needs a path`, 2);
  return {
    command,
    ...(rest[0] !== undefined ? { file: rest[0] } : {}),
    ...(values.out !== undefined ? { out: values.out } : {}),
    json: values.json ?? false,
    ...(values.all !== undefined ? { all: values.all } : {}),
  };
}

async function run(invocation: Invocation, io: Io): Promise<number> {
  if (invocation.all !== undefined) return reductionsOfAll(invocation.all, invocation.json, io);
  const linted = await lintFile(invocation.file!);
  switch (invocation.command) {
    case 'validate':
      return validate(linted, invocation.json, io);
    case 'compile':
      return emit(invocation, json(planOf(linted, io)), 'execution plan', io);
    case 'form': {
      const plan = planOf(linted, io);
      return emit(invocation, json(mergeForm(plan)), 'form JSON Schema', io);
    }
    case 'types': {
      const plan = planOf(linted, io);
      const types = await formTypes(plan);
      return emit(invocation, types.endsWith('\n') ? types : types + '\n', 'form types', io);
    }
    case 'reductions': {
      const plan = planOf(linted, io);
      const figures = reductions(plan);
      io.out(invocation.json ? json(figures) : formatReductions(plan, figures));
      return 0;
    }
  }
}

/** `validate`: issues grouped errors then warnings, and a summary line; 1 when there is an error. */
function validate(linted: LintedFile, asJson: boolean, io: Io): number {
  const valid = linted.plan !== undefined;
  if (asJson) {
    io.out(json({ file: linted.file, valid, issues: linted.issues }));
  } else {
    const issues = formatIssues(linted.file, linted.issues, linted.positions);
    io.out(`${issues}${validationSummary(linted.file, linted.issues, linted.plan)}\n`);
  }
  return valid ? 0 : 1;
}

/** The plan of a linted file; warnings go to stderr (stdout stays the command's output), errors stop here. */
function planOf(linted: LintedFile, io: Io): ExecutionPlan {
  if (linted.issues.length > 0) io.err(formatIssues(linted.file, linted.issues, linted.positions));
  if (!linted.plan) {
    throw new CliError(`${linted.file} is not a valid definition (${countIssues(linted.issues)}); run yijianshi validate ${linted.file}`);
  }
  return linted.plan;
}

/** Prints `text`, or writes it to `--out` and says so on stderr. */
async function emit(invocation: Invocation, text: string, what: string, io: Io): Promise<number> {
  if (invocation.out === undefined) {
    io.out(text);
    return 0;
  }
  try {
    await writeFile(invocation.out, text, 'utf8');
  } catch (error) {
    throw new CliError(`cannot write ${invocation.out}: ${fileProblem(error)}`);
  }
  io.err(`wrote the ${what} of ${invocation.file} to ${invocation.out}\n`);
  return 0;
}

/** `reductions --all <dir>`: every `*.json` in the directory; invalid ones are reported and make the status 1. */
async function reductionsOfAll(dir: string, asJson: boolean, io: Io): Promise<number> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    throw new CliError(`cannot read the directory ${dir}: ${fileProblem(error)}`);
  }
  if (names.length === 0) throw new CliError(`no definition files (*.json) in ${dir}`);
  const all: Reductions[] = [];
  let failed = 0;
  for (const name of names) {
    const file = join(dir, name);
    try {
      const linted = await lintFile(file);
      if (linted.plan) all.push(reductions(linted.plan));
      else {
        failed++;
        io.err(`yijianshi reductions: skipped ${file}: not a valid definition (${countIssues(linted.issues)}); run yijianshi validate ${file}\n`);
      }
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      failed++;
      io.err(`yijianshi reductions: skipped ${error.message}\n`);
    }
  }
  if (asJson) io.out(json({ bundles: all, total: totalReductions(all) }));
  else if (all.length > 0) io.out(formatReductionsTable(dir, all));
  return failed > 0 ? 1 : 0;
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

function firstSentence(message: string): string {
  const end = message.search(/\.\s/);
  return end === -1 ? message.replace(/\.$/, '') : message.slice(0, end);
}

/** Runs the CLI as the process: its arguments, streams and exit status. */
export async function runAsProcess(): Promise<void> {
  // A reader that stops early (`yijianshi compile x.json | head`) closes the pipe: stop quietly, as other tools do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
  process.exitCode = await main(process.argv.slice(2));
}

// Run when started directly (`tsx cli/yijianshi.ts …`); the launcher calls `runAsProcess` itself.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await runAsProcess();
