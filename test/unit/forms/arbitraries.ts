/**
 * fast-check generators for the forms tests: random bundle definitions that lint clean (edition 2:
 * random fields, items using random subsets of them as required or optional fields, random conditions,
 * ordered comparisons included, on items and fields), random conditions over given fields, and random
 * form values that often meet them.
 */
import fc from 'fast-check';
import type { BundleDefinitionInput, Condition } from '../../../definitions/schema';

type FieldInput = NonNullable<BundleDefinitionInput['fields']>[number];
type FieldType = FieldInput['type'];
type Scalar = string | number | boolean;

const text = (en: string) => ({ zh: `中文 ${en}`, en });

const FIELD_TYPES: FieldType[] = ['string', 'text', 'integer', 'number', 'boolean', 'date', 'enum', 'id-number', 'phone', 'email'];
const OPTION_VALUES = ['a', 'b', 'c'];

/**
 * Values a form may hold: every value conditions compare with, values of every type, and the ones the
 * condition language reads as not set (null, the empty string).
 */
export const FORM_VALUES: unknown[] = [
  null,
  '',
  'x',
  'y',
  'a',
  'b',
  'c',
  0,
  1,
  2,
  1.5,
  -1,
  true,
  false,
  '2025-01-31',
  '2025-02-01',
  '2024-12-31',
  '2025-01-30',
  '2025-13-45', // date-shaped, no date: compares as its digits
  '2025-1-31', // not date-shaped: compares with no date
  '13800138000',
];

/** Bounds of ordered comparisons: numbers for number and integer fields, dates for date fields. */
const NUMBER_BOUNDS = [0, 1, 1.5, 2];
export const DATE_BOUNDS = ['2025-01-31', '2025-02-01', '2024-12-31', '0000-00-00', '9999-99-99'];

/** Values a condition may compare a field of this type with, so that lint finds no type mismatch. */
function comparable(type: FieldType, options: string[]): fc.Arbitrary<Scalar> {
  switch (type) {
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.constantFrom(0, 1, 2);
    case 'number':
      return fc.constantFrom(0, 1, 1.5);
    case 'enum':
      return fc.constantFrom(...options);
    default:
      return fc.constantFrom('', 'x', 'y', '2025-01-31', '13800138000');
  }
}

export interface FieldShape {
  id: string;
  type: FieldType;
  options: string[];
}

/** A random condition (at most `depth` levels of all / any / not) over the given fields. */
export function conditionOver(fields: FieldShape[], depth = 2): fc.Arbitrary<Condition> {
  const leaf = fc.constantFrom(...fields).chain((field): fc.Arbitrary<Condition> => {
    const value = comparable(field.type, field.options);
    const basic: Array<fc.Arbitrary<Condition>> = [
      value.map((equals) => ({ field: field.id, equals })),
      value.map((notEquals) => ({ field: field.id, notEquals })),
      fc.array(value, { minLength: 1, maxLength: 3 }).map((values) => ({ field: field.id, in: values })),
      fc.boolean().map((isSet) => ({ field: field.id, isSet })),
    ];
    const bounds = field.type === 'integer' || field.type === 'number' ? NUMBER_BOUNDS : field.type === 'date' ? DATE_BOUNDS : undefined;
    if (!bounds) return fc.oneof(...basic);
    // Edition 2's ordered comparisons, on the fields that have an order; `between` low to high (lint).
    const bound = fc.constantFrom(...bounds);
    const ordered: Array<fc.Arbitrary<Condition>> = [
      ...(['lt', 'lte', 'gt', 'gte'] as const).map((op) => bound.map((b) => ({ field: field.id, [op]: b }) as Condition)),
      fc.tuple(bound, bound).map(([a, b]) => ({ field: field.id, between: (a <= b ? [a, b] : [b, a]) as [number | string, number | string] })),
    ];
    return fc.oneof(...basic, ...ordered);
  });
  if (depth === 0) return leaf;
  const inner = conditionOver(fields, depth - 1);
  return fc.oneof(
    { arbitrary: leaf, weight: 3 },
    { arbitrary: fc.array(inner, { minLength: 1, maxLength: 3 }).map((all) => ({ all })), weight: 1 },
    { arbitrary: fc.array(inner, { minLength: 1, maxLength: 3 }).map((any) => ({ any })), weight: 1 },
    { arbitrary: inner.map((not) => ({ not })), weight: 1 },
  );
}

/** Random field shapes `f0` … `fN` (ids that name no Object.prototype member). */
export const fieldShapes: fc.Arbitrary<FieldShape[]> = fc
  .array(
    fc.record({
      type: fc.constantFrom(...FIELD_TYPES),
      options: fc.subarray(OPTION_VALUES, { minLength: 1 }),
    }),
    { minLength: 1, maxLength: 7 },
  )
  .map((shapes) => shapes.map((shape, i) => ({ id: `f${i}`, ...shape })));

/** Random form values over the fields: each absent, or one of `FORM_VALUES`. */
export function formOver(fields: FieldShape[]): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(Object.fromEntries(fields.map((field) => [field.id, fc.constantFrom(...FORM_VALUES)])), {
    requiredKeys: [],
  });
}

/** A random definition that lints clean: no dependencies, so limits never conflict. */
export const definitions: fc.Arbitrary<BundleDefinitionInput> = fieldShapes.chain((shapes) => {
  const ids = shapes.map((shape) => shape.id);
  const maybeCondition = fc.option(conditionOver(shapes), { nil: undefined, freq: 2 });
  const field = (shape: FieldShape, sectionCount: number): fc.Arbitrary<FieldInput> =>
    fc
      .record({
        section: fc.option(fc.integer({ min: 0, max: Math.max(0, sectionCount - 1) }), { nil: undefined }),
        condition: maybeCondition,
      })
      .map(({ section, condition }) => ({
        id: shape.id,
        label: text(`field ${shape.id}`),
        type: shape.type,
        ...(section !== undefined && sectionCount > 0 ? { section: `s${section}` } : {}),
        ...(shape.type === 'enum' ? { options: shape.options.map((value) => ({ value, label: text(value) })) } : {}),
        ...(condition ? { condition } : {}),
      }));
  const item = fc
    .record({
      used: fc.subarray(ids),
      optionalShare: fc.nat(),
      condition: maybeCondition,
    })
    .map(({ used, optionalShare, condition }) => {
      // Required and optional fields of an item are disjoint (lint: required-and-optional-field).
      const split = used.length === 0 ? 0 : optionalShare % (used.length + 1);
      return { fields: used.slice(split), optionalFields: used.slice(0, split), condition };
    });
  return fc.integer({ min: 0, max: 3 }).chain((sectionCount) =>
    fc
      .record({
        fields: fc.tuple(...shapes.map((shape) => field(shape, sectionCount))),
        items: fc.array(item, { minLength: 1, maxLength: 5 }),
      })
      .map(({ fields, items }) => ({
        formatVersion: 2 as const,
        id: 'random-bundle',
        version: 1,
        title: text('random bundle'),
        promisedDays: 30,
        window: { department: 'window' },
        departments: [
          { id: 'window', name: text('window') },
          { id: 'dept', name: text('department') },
        ],
        sections: Array.from({ length: sectionCount }, (_, k) => ({ id: `s${k}`, title: text(`section ${k}`) })),
        fields,
        items: items.map((used, k) => ({
          id: `item-${k}`,
          code: `000131127${String(k).padStart(3, '0')}`, // a 基本编码 (edition 2 checks codes)
          title: text(`item ${k}`),
          department: 'dept',
          kind: 'promised' as const,
          statutoryDays: 5,
          promisedDays: 1 + (k % 3),
          steps: [{ id: 'review', title: text('review') }],
          result: { kind: 'permit' as const, title: text(`permit ${k}`) },
          defaultable: true,
          timeout: { policy: 'default-approve' as const },
          fields: used.fields,
          optionalFields: used.optionalFields,
          ...(used.condition ? { condition: used.condition } : {}),
        })),
      })),
  );
});

/** A random definition with the shapes of its fields, for forms over them. */
export const definitionsWithFields = definitions.map((definition) => ({
  definition,
  fields: (definition.fields ?? []).map((field) => ({
    id: field.id,
    type: field.type,
    options: (field.options ?? []).map((option) => option.value),
  })),
}));
