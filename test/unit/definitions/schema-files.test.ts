import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedFiles } from '../../../scripts/gen-schema';

describe('generated schema files', () => {
  it('match what scripts/gen-schema.ts produces (run `npm run gen` when this fails)', async () => {
    for (const [path, expected] of Object.entries(await generatedFiles())) {
      const actual = readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
      expect(actual, path).toBe(expected);
    }
  });

  it('describe the written form: properties with defaults are optional', async () => {
    const schema = JSON.parse((await generatedFiles())['definitions/bundle.schema.json']!);
    expect(schema.$defs.BundleDefinition.required).not.toContain('calendar');
    expect(schema.$defs.Item.required).toContain('defaultable');
    expect(schema.$defs.Item.required).not.toContain('dependsOn');
  });
});
