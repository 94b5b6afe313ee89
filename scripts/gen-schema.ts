/**
 * Generates, from the zod schema in definitions/schema.ts, definitions/bundle.schema.json: the JSON
 * Schema editors use (bundles start with "$schema": "../bundle.schema.json"). The TypeScript type of a
 * definition as written is `BundleDefinitionInput` (`z.input` of the schema), not generated.
 *
 * Run with `npm run gen`. A unit test compares the committed file with `generatedFiles()`, so it never goes stale.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { BundleDefinition } from '../definitions/schema';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const SCHEMA_PATH = 'definitions/bundle.schema.json';
const SCHEMA_ID = 'urn:yijianshi:bundle-definition';

/** The JSON Schema of a definition as written (`io: 'input'`: properties with defaults are optional). */
export function bundleJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(BundleDefinition, { target: 'draft-2020-12', io: 'input' });
  return { $schema, $id: SCHEMA_ID, title: 'yijianshi bundle definition', ...rest };
}

/** The contents every generated file should have, keyed by path relative to the repository root. */
export async function generatedFiles(): Promise<Record<string, string>> {
  return { [SCHEMA_PATH]: JSON.stringify(bundleJsonSchema(), null, 2) + '\n' };
}

async function main(): Promise<void> {
  for (const [path, contents] of Object.entries(await generatedFiles())) {
    await mkdir(dirname(join(ROOT, path)), { recursive: true });
    await writeFile(join(ROOT, path), contents, 'utf8');
    console.log(`wrote ${path}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
