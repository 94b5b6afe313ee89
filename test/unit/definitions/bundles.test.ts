import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lint } from '../../../definitions/lint';

const dir = new URL('../../../definitions/bundles/', import.meta.url);
const files = readdirSync(dir).filter((name) => name.endsWith('.json'));

describe('definitions/bundles', () => {
  it('holds the modelled bundles', () => {
    expect(files).toEqual(expect.arrayContaining(['enterprise-startup.json', 'newborn.json', 'open-restaurant.json']));
  });

  it.each(files)('lints %s clean, with the editor schema and an id matching the file name', (name) => {
    const input = JSON.parse(readFileSync(new URL(name, dir), 'utf8'));
    expect(input.$schema).toBe('../bundle.schema.json');
    const result = lint(input);
    expect(result.issues).toEqual([]);
    expect(result.definition?.id).toBe(name.replace(/\.json$/, ''));
  });
});
