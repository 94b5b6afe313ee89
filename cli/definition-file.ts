/**
 * Reading a definition file for the CLI: the file, its JSON (with positions for messages), its lint
 * issues and, when it has no errors, its plan. Every failure is a `CliError` with a message meant for the
 * person editing the file, never a stack trace.
 */
import { readFile } from 'node:fs/promises';
import { compile } from '../definitions/compile';
import type { LintIssue } from '../definitions/errors';
import { lint } from '../definitions/lint';
import type { ExecutionPlan } from '../definitions/plan';
import { parseJson, type DuplicateMember, type Position } from './json-source';

/** A failure to report as it is: `message` is complete and readable; the process exits with `exitCode`. */
export class CliError extends Error {
  override name = 'CliError';

  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** A definition file that is valid JSON, with its lint outcome. */
export interface LintedFile {
  file: string;
  positions: Map<string, Position>;
  issues: LintIssue[];
  /** The plan, when the definition has no errors (warnings allowed). */
  plan?: ExecutionPlan;
}

/** Reads, parses and lints a definition file; throws CliError when the file cannot be read or is not JSON. */
export async function lintFile(file: string): Promise<LintedFile> {
  const parsed = parseJson(await readText(file));
  if (!parsed.ok) {
    const { line, column } = parsed.position;
    const what = parsed.kind === 'syntax' ? 'not valid JSON' : 'refused';
    throw new CliError(`${file}:${line}:${column}: ${what} (line ${line}, column ${column}): ${parsed.message}\n${parsed.excerpt}`);
  }
  const duplicates = parsed.duplicates.map(duplicateIssue);
  const result = lint(parsed.value);
  return {
    file,
    positions: parsed.positions,
    issues: [...duplicates, ...result.issues],
    ...(result.definition && duplicates.length === 0 ? { plan: compile(result.definition) } : {}),
  };
}

/** A repeated member name is an error: the file says two things, and only the last would count. */
function duplicateIssue({ pointer, name, first, again }: DuplicateMember): LintIssue {
  return {
    path: pointer,
    code: 'duplicate-key',
    message: `${JSON.stringify(name)} appears twice in one object: at line ${first.line}, column ${first.column} and at line ${again.line}, column ${again.column}`,
    hint: 'Keep one of them: the names in a JSON object must be unique, and a reader would silently take only the last.',
    severity: 'error',
  };
}

/** The text of a file, or a CliError saying why it cannot be read. */
async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${fileProblem(error)}`);
  }
}

/** A readable reason for a file system error ("no such file", "it is a directory", …). */
export function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EISDIR':
      return 'it is a directory, not a file';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return (error as Error).message ?? String(error);
  }
}
