/**
 * Large synthetic bundle definitions for the pure benchmark, past the schema's limits on purpose: the
 * compiler and the form merge must not be what holds those limits down (as
 * test/unit/definitions/compile.test.ts checks at 1,000 items). Parsed with the limits on items and
 * fields lifted, everything else as published.
 */
import { z } from 'zod';
import { BundleDefinition, Field, Item, type BundleDefinitionInput } from '../../definitions/schema';

type ItemInput = BundleDefinitionInput['items'][number];
type FieldInput = NonNullable<BundleDefinitionInput['fields']>[number];

const text = (en: string) => ({ zh: en, en });
const DEPARTMENTS = 10;
const DEPTH = 100;

/** The bundle schema without the item and field counts (every other rule kept). */
export const UnlimitedDefinition = BundleDefinition.safeExtend({ items: z.array(Item).min(1), fields: z.array(Field).default([]) });

function item(id: string, overrides: Partial<ItemInput>): ItemInput {
  return {
    id,
    code: `code-${id}`,
    title: text(`item ${id}`),
    department: 'dept-0',
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

function departments(): BundleDefinitionInput['departments'] {
  return Array.from({ length: DEPARTMENTS }, (_, d) => ({ id: `dept-${d}`, name: text(`department ${d}`) }));
}

/**
 * `items` items in {@link DEPTH} levels of `items / DEPTH`; each item after the first level depends on
 * two items of the level before (so edges grow linearly), uses three of 60 fields and two of 30
 * materials, and every tenth is conditional. Its critical path is DEPTH working days.
 */
export function itemsDefinition(items: number): BundleDefinitionInput {
  const width = Math.max(1, Math.floor(items / DEPTH));
  const id = (level: number, column: number) => `n-${level}-${column}`;
  const fields: FieldInput[] = [
    { id: 'flag', label: text('flag'), type: 'boolean' },
    ...Array.from({ length: 59 }, (_, f): FieldInput => ({ id: `f${f}`, label: text(`field ${f}`), type: 'string', section: 'main' })),
  ];
  const list: ItemInput[] = [];
  for (let level = DEPTH - 1; level >= 0; level--) {
    for (let column = 0; column < width; column++) {
      const n = level * width + column;
      list.push(
        item(id(level, column), {
          department: `dept-${n % DEPARTMENTS}`,
          dependsOn: level === 0 ? [] : [id(level - 1, column), id(level - 1, (column + 1) % width)].filter((v, i, all) => all.indexOf(v) === i),
          fields: [`f${n % 59}`, `f${(n + 7) % 59}`, `f${(n + 19) % 59}`],
          materials: [`m${n % 30}`, `m${(n + 11) % 30}`],
          ...(n % 10 === 9 ? { condition: { field: 'flag', equals: true } } : {}),
        }),
      );
    }
  }
  return {
    id: 'bench-items',
    version: 1,
    title: text('benchmark bundle'),
    promisedDays: DEPTH,
    window: { department: 'dept-0' },
    departments: departments(),
    sections: [{ id: 'main', title: text('main') }],
    fields,
    materials: Array.from({ length: 30 }, (_, m) => ({ id: `m${m}`, name: text(`material ${m}`), source: { kind: 'applicant' as const } })),
    items: list,
  };
}

/**
 * `fields` fields in 10 sections used by 20 items: each item has its own `fields / 20` and shares five
 * with all; every tenth field is asked only when `flag` is set, and two items apply only then.
 */
export function fieldsDefinition(fields: number): BundleDefinitionInput {
  const ITEMS = 20;
  const perItem = Math.max(1, Math.floor(fields / ITEMS));
  const list: FieldInput[] = [{ id: 'flag', label: text('flag'), type: 'boolean', section: 's0' }];
  for (let f = 1; f < fields; f++) {
    const type = (['string', 'integer', 'date', 'enum', 'phone'] as const)[f % 5]!;
    list.push({
      id: `f${f}`,
      label: text(`field ${f}`),
      type,
      section: `s${f % 10}`,
      ...(type === 'enum' ? { options: [{ value: 'a', label: text('a') }, { value: 'b', label: text('b') }] } : {}),
      ...(type === 'string' ? { maxLength: 100 } : {}),
      ...(f % 10 === 0 ? { condition: { field: 'flag', equals: true } } : {}),
    });
  }
  const shared = ['flag', 'f1', 'f2', 'f3', 'f4'];
  const items = Array.from({ length: ITEMS }, (_, i) => {
    const own = Array.from({ length: perItem }, (_, k) => `f${1 + ((i * perItem + k) % (fields - 1))}`).filter((f) => !shared.includes(f));
    return item(`i${i}`, {
      department: `dept-${i % DEPARTMENTS}`,
      fields: [...shared, ...own],
      ...(i >= ITEMS - 2 ? { condition: { field: 'flag', equals: true } } : {}),
    });
  });
  return {
    id: 'bench-fields',
    version: 1,
    title: text('benchmark form'),
    promisedDays: 5,
    window: { department: 'dept-0' },
    departments: departments(),
    sections: Array.from({ length: 10 }, (_, s) => ({ id: `s${s}`, title: text(`section ${s}`) })),
    fields: list,
    items,
  };
}
