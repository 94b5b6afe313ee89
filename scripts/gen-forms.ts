/**
 * Generates forms/generated/<bundle-id>.ts: the TypeScript type of the one form of the latest version of
 * every bundle in definitions/bundles/ (see forms/typegen.ts).
 *
 * Run with `npx tsx scripts/gen-forms.ts`. A unit test compares the committed files with
 * `generatedFormFiles()`, so they never go stale.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DefinitionRegistry } from '../definitions/registry';
import { formTypes } from '../forms/typegen';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export const BUNDLES_DIR = join(ROOT, 'definitions', 'bundles');
export const FORM_TYPES_DIR = 'forms/generated';

/** The path (relative to the repository root) of the generated form types of a bundle. */
export function formTypesPath(bundleId: string): string {
  return `${FORM_TYPES_DIR}/${bundleId}.ts`;
}

/** The contents every generated form types file should have, keyed by path relative to the repository root. */
export async function generatedFormFiles(bundlesDir = BUNDLES_DIR): Promise<Record<string, string>> {
  const registry = await DefinitionRegistry.open({ bundlesDir });
  const files: Record<string, string> = {};
  for (const { id } of registry.list()) {
    files[formTypesPath(id)] = await formTypes(registry.get(id).plan);
  }
  return files;
}

async function main(): Promise<void> {
  for (const [path, contents] of Object.entries(await generatedFormFiles())) {
    await mkdir(dirname(join(ROOT, path)), { recursive: true });
    await writeFile(join(ROOT, path), contents, 'utf8');
    console.log(`wrote ${path}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
