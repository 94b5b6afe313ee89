/**
 * The README and docs/ stay true to the tree: every repository path they name in code spans
 * (`domain/calendar.ts`, `adapters/data/`) exists. Paths with placeholders (`<bundle>`, `{case}`,
 * `YYYY`, `…`, `*`) are patterns, not files, and are left out.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../runtime/config';

const FOLDERS = ['definitions', 'domain', 'adapters', 'activities', 'workflows', 'api', 'forms', 'runtime', 'cli', 'scripts', 'bench', 'bin', 'test', 'docs', 'examples'];
const PATH = new RegExp(`^(${FOLDERS.join('|')})/[\\w./-]*$`);

const documents = ['README.md', ...readdirSync(join(PROJECT_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Repository paths named in a Markdown text's code spans. */
function namedPaths(markdown: string): string[] {
  const spans = [...markdown.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!.trim());
  return [...new Set(spans.filter((span) => PATH.test(span) && !/YYYY/.test(span)))];
}

describe('paths named in the docs', () => {
  it.each(documents)('exist, for each one %s names', (document) => {
    const missing = namedPaths(readFileSync(join(PROJECT_ROOT, document), 'utf8')).filter((path) => !existsSync(join(PROJECT_ROOT, path)));
    expect(missing).toEqual([]);
  });
});
