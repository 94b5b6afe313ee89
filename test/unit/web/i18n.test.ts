/**
 * Every word the screens show goes through i18n: each key the code names exists in Chinese and in
 * English, both files have the same keys, and no component writes Chinese text of its own.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../runtime/config';

const SRC = join(PROJECT_ROOT, 'web', 'src');

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'generated') out.push(...(await sources(path)));
    else if (/\.tsx?$/.test(entry.name)) out.push(path);
  }
  return out;
}

function keys(tree: unknown, prefix = ''): string[] {
  if (typeof tree !== 'object' || tree === null) return [prefix];
  return Object.entries(tree).flatMap(([key, value]) => keys(value, prefix ? `${prefix}.${key}` : key));
}

const load = async (language: string) => JSON.parse(await readFile(join(SRC, 'i18n', `${language}.json`), 'utf8')) as Record<string, unknown>;

describe('the screens\' words (web/src/i18n)', () => {
  it('has the same keys in Chinese and English', async () => {
    const [zh, en] = await Promise.all([load('zh-CN'), load('en')]);
    expect(keys(en).sort()).toEqual(keys(zh).sort());
  });

  it('has every key the code names with t(\'…\')', async () => {
    const leaves = keys(await load('zh-CN'));
    // A key may name a leaf, or a branch read whole (`returnObjects`).
    const known = new Set(leaves.flatMap((key) => key.split('.').map((_, i, parts) => parts.slice(0, i + 1).join('.'))));
    const missing: string[] = [];
    for (const file of await sources(SRC)) {
      const text = await readFile(file, 'utf8');
      for (const match of text.matchAll(/\bt\(\s*'([a-zA-Z0-9_.-]+)'/g)) {
        if (!known.has(match[1]!)) missing.push(`${relative(SRC, file)}: ${match[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('has no Chinese text written into the code', async () => {
    const found: string[] = [];
    for (const file of await sources(SRC)) {
      const lines = (await readFile(file, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        const code = line.replace(/\/\/.*$|^\s*\*.*$|\/\*.*?\*\//g, ''); // comments may explain in Chinese
        if (/[\u4e00-\u9fff]/.test(code)) found.push(`${relative(SRC, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(found).toEqual([]);
  });
});
