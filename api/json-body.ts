/**
 * JSON request bodies: fastify's own parser (syntax, prototype poisoning), then the rules of
 * `definitions/strict-json.ts` — unique member names, no lone surrogates, nesting at most
 * MAX_JSON_DEPTH deep — so that what reaches a route can be canonicalized, hashed and walked
 * recursively. A body that breaks them is a 400 naming each place as a JSON pointer under `/body`.
 */
import type { FastifyInstance } from 'fastify';
import { lineAndColumn, MAX_JSON_DEPTH, strictJsonIssues } from '../definitions/strict-json';
import { HttpProblem, type ProblemIssue } from './problems';

/** Most issues listed in one answer. */
const MAX_LISTED = 20;

/** Replaces the root instance's `application/json` parser; child plugins inherit it. */
export function installJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parse(request, body as string, (error, value) => {
      if (error) return done(error, undefined);
      const problem = strictJsonProblem(body as string);
      if (problem) return done(problem, undefined);
      done(null, value);
    });
  });
}

/** The 400 for valid JSON text that breaks the rules, or undefined. */
export function strictJsonProblem(text: string): HttpProblem | undefined {
  const issues = strictJsonIssues(text, MAX_LISTED);
  if (issues.length === 0) return undefined;
  const errors: ProblemIssue[] = issues.map((issue) => {
    const at = where(text, issue.offset);
    const first = issue.firstOffset === undefined ? '' : `; first at ${where(text, issue.firstOffset)}`;
    return { path: `/body${issue.pointer}`, code: issue.code, message: `${issue.message} (${at}${first})` };
  });
  return new HttpProblem(
    'malformed-request',
    `The JSON body is refused: member names must be unique, strings well-formed Unicode, and values nested at most ${MAX_JSON_DEPTH} deep.`,
    errors,
  );
}

function where(text: string, offset: number): string {
  const { line, column } = lineAndColumn(text, offset);
  return `line ${line}, column ${column}`;
}
