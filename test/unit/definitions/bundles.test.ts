import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAndCompile } from '../../../definitions/compile';
import { lint } from '../../../definitions/lint';

const dir = new URL('../../../definitions/bundles/', import.meta.url);
const files = readdirSync(dir).filter((name) => name.endsWith('.json'));
const read = (name: string) => JSON.parse(readFileSync(new URL(name, dir), 'utf8'));

/**
 * The hashes of the bundles published in edition 1 of the format. The second edition must not change
 * them: an edition-1 definition parses to the same canonical form as before (`hashDefinition`), so every
 * case pinned to these versions, and every registry holding them, still recognises them.
 */
const EDITION_1_HASHES: Record<string, string> = {
  'enterprise-startup.json': '3f271d9b2bd5663551f302e32a10f7e118b618d99110023f60e552562bec107c',
  'newborn.json': '46fe085551658fc7dd8dc7dc6e56dab51460d80268f7fac5b7ed83b49509805f',
  'open-restaurant.json': '1a42559f4595395bc4a9b24e3efc117104c69597df32c7a686f2a2a742747d07',
};

describe('definitions/bundles', () => {
  it('holds the modelled bundles', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'enterprise-startup.json',
        'newborn.json',
        'open-restaurant.json',
        'enterprise-deregistration.json',
        'property-transfer-utilities.json',
      ]),
    );
  });

  it.each(files)('lints %s without errors, with the editor schema and an id matching the file name', (name) => {
    const input = read(name);
    expect(input.$schema).toBe('../bundle.schema.json');
    const result = lint(input);
    if (input.formatVersion === 2) {
      expect(result.issues).toEqual([]);
    } else {
      // Edition 1 loads unchanged; lint says what to rename to move it to edition 2.
      expect(result.issues.map((issue) => [issue.severity, issue.code, issue.path])).toEqual([['warning', 'renamed-property', '/steps']]);
      expect(result.issues[0]!.hint).toMatch(/rename "steps" to "applicantSteps"/);
    }
    expect(result.definition?.id).toBe(name.replace(/\.json$/, ''));
  });

  it.each(Object.entries(EDITION_1_HASHES))('keeps the published hash of %s', (name, hash) => {
    expect(read(name).formatVersion).toBeUndefined();
    expect(parseAndCompile(read(name)).hash).toBe(hash);
  });
});
