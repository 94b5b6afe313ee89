/**
 * Definitions for the definitions tests: a small valid bundle to break one rule at a time, and a
 * generator of large layered bundles whose levels and critical path are known in advance.
 */
import type { BundleDefinitionInput } from '../../../definitions/schema';

type ItemInput = BundleDefinitionInput['items'][number];

const text = (en: string) => ({ zh: en, en });

/** An item with everything required filled in; `overrides` replaces any property. */
export function item(id: string, overrides: Partial<ItemInput> = {}): ItemInput {
  return {
    id,
    code: `code-${id}`,
    title: text(`item ${id}`),
    department: 'dept-a',
    kind: 'promised',
    statutoryDays: 5,
    promisedDays: 1,
    steps: [{ id: 'accept', title: text('accept'), kind: 'accept' }],
    result: { kind: 'permit', title: text(`result ${id}`) },
    defaultable: true,
    timeout: { policy: 'default-approve' },
    ...overrides,
  };
}

/**
 * A valid bundle without any issue: a → b (2 days) and a → c (conditional on sellsTobacco), so the critical
 * path is a, b: 3 days. Returns a fresh copy each time, so tests may mutate it.
 */
export function validDefinition(): BundleDefinitionInput {
  return {
    $schema: '../bundle.schema.json',
    id: 'test-bundle',
    version: 1,
    title: text('test bundle'),
    promisedDays: 3,
    window: { department: 'window' },
    departments: [
      { id: 'window', name: text('window') },
      { id: 'dept-a', name: text('department a') },
      { id: 'dept-b', name: text('department b') },
    ],
    sections: [{ id: 'main', title: text('main') }],
    fields: [
      { id: 'applicantName', label: text('name'), type: 'string', section: 'main' },
      { id: 'sellsTobacco', label: text('sells tobacco'), type: 'boolean' },
      {
        id: 'tobaccoDistance',
        label: text('distance'),
        type: 'integer',
        condition: { field: 'sellsTobacco', equals: true },
      },
    ],
    materials: [
      { id: 'id-card', name: text('ID card'), source: { kind: 'electronic-licence', licenceType: 'resident-id-card' } },
      { id: 'lease', name: text('lease'), source: { kind: 'applicant' }, tolerable: true, commitmentDays: 1 },
    ],
    items: [
      item('a', { fields: ['applicantName'], materials: ['id-card', 'lease'], statutoryDays: 3 }),
      item('b', { department: 'dept-b', promisedDays: 2, fields: ['applicantName'], materials: ['id-card'], dependsOn: ['a'] }),
      item('c', {
        department: 'dept-b',
        fields: ['tobaccoDistance'],
        dependsOn: ['a'],
        condition: { field: 'sellsTobacco', equals: true },
      }),
    ],
  };
}

/** The id of the item in column `column` of level `level` of a layered bundle. */
export const layeredId = (level: number, column: number) => `n-${level}-${column}`;

/**
 * `depth` levels of `width` items; every item depends on every item of the level before. In level L the item
 * in column L % width takes `slowDays`, the others 1 day, so the critical path runs through those items and
 * takes depth × slowDays. Items are written last level first, so compiling must really sort them.
 */
export function layeredDefinition(depth: number, width: number, slowDays = 3): BundleDefinitionInput {
  const items: ItemInput[] = [];
  for (let level = depth - 1; level >= 0; level--) {
    for (let column = 0; column < width; column++) {
      const previous = level === 0 ? [] : Array.from({ length: width }, (_, k) => layeredId(level - 1, k));
      const days = column === level % width ? slowDays : 1;
      items.push(
        item(layeredId(level, column), { dependsOn: previous, promisedDays: days, statutoryDays: Math.max(days, 1) }),
      );
    }
  }
  return {
    id: 'layered',
    version: 1,
    title: text('layered'),
    promisedDays: Math.min(366, depth * slowDays),
    window: { department: 'dept-a' },
    departments: [{ id: 'dept-a', name: text('department a') }],
    items,
  };
}

/** Catalogue codes for edition-2 fixtures: a 基本编码, a 业务办理项编码 and a 实施编码 (valid credit code). */
export const CATALOGUE_CODES = ['000131127004', '00013112700403', '11100000000013127D000131127004'] as const;

/** The valid fixture in edition 2: `formatVersion: 2` and catalogue codes; lints clean. */
export function edition2Definition(): BundleDefinitionInput {
  const definition = validDefinition();
  definition.formatVersion = 2;
  definition.items.forEach((entry, i) => (entry.code = CATALOGUE_CODES[i]!));
  return definition;
}
