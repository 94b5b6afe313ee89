/**
 * The notes the engine writes in English (workflows/item/state.ts, workflows/case/items.ts) are shown
 * in the reader's language; every such note the workflows write has its words in both languages.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../runtime/config';
import { engineNote } from '../../../web/src/shared/engine-words';

const words = async (language: string) =>
  (JSON.parse(await readFile(join(PROJECT_ROOT, 'web', 'src', 'i18n', `${language}.json`), 'utf8')) as { engineNote: Record<string, string> }).engineNote;

describe('engineNote', () => {
  it('shows the engine’s own notes in Chinese and English, and anything else as written', async () => {
    for (const language of ['zh-CN', 'en']) {
      const table = await words(language);
      const t = ((key: string) => table[key.replace(/^engineNote\./, '')] ?? `missing ${key}`) as unknown as TFunction;
      for (const note of ['cancelled by the case', 'the case was withdrawn', 'the case was rejected', 'condition not met by the application']) {
        expect(engineNote(t, note)).not.toMatch(/^missing/);
        if (language === 'zh-CN') expect(engineNote(t, note)).toMatch(/[\u4e00-\u9fff]/);
      }
      expect(engineNote(t, '材料不全，请补正')).toBe('材料不全，请补正');
    }
  });

  it('knows every note the workflows write', async () => {
    const sources = await Promise.all(['workflows/item/state.ts', 'workflows/case/items.ts'].map((p) => readFile(join(PROJECT_ROOT, p), 'utf8')));
    // The phrases (words with spaces) on the lines that set an item's note or a decision's reason.
    const lines = sources.flatMap((s) => s.split('\n')).filter((line) => /\b(reason|note): /.test(line));
    const written = lines.flatMap((line) => [...line.matchAll(/'([a-z]+(?: [a-z]+)+)'/g)].map((m) => m[1]!));
    expect(written.length).toBeGreaterThanOrEqual(3);
    const t = ((key: string) => key) as unknown as TFunction;
    for (const note of written) expect(engineNote(t, note), note).toMatch(/^engineNote\./);
  });
});
