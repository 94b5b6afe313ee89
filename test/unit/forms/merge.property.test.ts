import type { ValidateFunction } from 'ajv/dist/2020';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../definitions/compile';
import { evaluateCondition } from '../../../definitions/condition';
import { BundleDefinition } from '../../../definitions/schema';
import type { ExecutionPlan } from '../../../definitions/plan';
import { conditionSchema, datePattern } from '../../../forms/condition-schema';
import { mergeForm, type FormSchema } from '../../../forms/merge';
import { createFormAjv, requiredFields, validateApplication } from '../../../forms/validate';
import { conditionOver, definitionsWithFields, fieldShapes, formOver, FORM_VALUES } from './arbitraries';

const ajv = createFormAjv();

/** The plan of a generated definition; the generator makes only definitions that lint clean. */
function planOf(definition: unknown): ExecutionPlan {
  return compile(BundleDefinition.parse(definition));
}

/** The merged schema as Ajv compiles it (without `$id`: every generated bundle has the same one). */
function validatorOf(schema: FormSchema): ValidateFunction {
  const { $id: _id, ...rest } = schema;
  return ajv.compile(rest);
}

/** Fields the schema says are missing: a `required` failure, or a blank value where one is required. */
function missingBySchema(validate: ValidateFunction, form: Record<string, unknown>): string[] {
  validate(form);
  const missing = new Set<string>();
  for (const error of validate.errors ?? []) {
    if (error.keyword === 'required') missing.add(String(error.params.missingProperty));
    if (error.schemaPath.startsWith('#/$defs/filled/')) missing.add(error.instancePath.slice(1));
  }
  return [...missing].sort();
}

const blank = (value: unknown) => value === undefined || value === null || value === '';

describe('mergeForm over random definitions', () => {
  it('keeps every field an item needs, once, in exactly one section', () => {
    fc.assert(
      fc.property(definitionsWithFields, ({ definition }) => {
        const plan = planOf(definition);
        const form = mergeForm(plan);
        const ids = plan.fields.map((field) => field.id);
        expect(Object.keys(form.properties)).toEqual(ids);
        for (const item of plan.items) {
          for (const id of [...item.fields, ...item.optionalFields]) {
            expect(form.properties[id], `${item.id} needs ${id}`).toBeDefined();
            expect(form.properties[id]!['x-items']).toContain(item.id);
          }
          for (const id of item.fields) expect(form.properties[id]!['x-required-by']).toContain(item.id);
        }
        const listed = form['x-sections'].flatMap((section) => section.fields);
        expect([...listed].sort()).toEqual([...ids].sort());
        for (const section of form['x-sections']) {
          for (const id of section.fields) expect(form.properties[id]!['x-section']).toBe(section.id);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('requires, for any values, exactly the fields requiredFields names that are not given', () => {
    fc.assert(
      fc.property(
        definitionsWithFields.chain(({ definition, fields }) => fc.tuple(fc.constant(definition), fc.array(formOver(fields), { minLength: 1, maxLength: 8 }))),
        ([definition, forms]) => {
          const plan = planOf(definition);
          const validate = validatorOf(mergeForm(plan));
          for (const form of forms) {
            const expected = [...requiredFields(plan, form)].filter((id) => blank(form[id])).sort();
            expect(missingBySchema(validate, form), JSON.stringify(form)).toEqual(expected);
            const issues = validateApplication(plan, { applicant: { subjectId: 's', kind: 'person', name: 'n' }, form, materials: [] });
            const required = issues.filter((issue) => issue.code === 'required').map((issue) => issue.path.slice('/form/'.length));
            expect(required.sort(), JSON.stringify(form)).toEqual(expected);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('conditionSchema', () => {
  it('states a condition as JSON Schema: a missing value equals nothing, null and "" are not set', () => {
    expect(conditionSchema({ field: 'a', equals: true })).toEqual({ required: ['a'], properties: { a: { const: true } } });
    expect(conditionSchema({ not: { field: 'a', isSet: true } })).toEqual({
      not: { required: ['a'], properties: { a: { not: { enum: [null, ''] } } } },
    });
    expect(conditionSchema({ any: [{ field: 'a', in: [1, 1, 2] }, { field: 'b', notEquals: 'x' }] })).toEqual({
      anyOf: [{ required: ['a'], properties: { a: { enum: [1, 2] } } }, { not: { required: ['b'], properties: { b: { const: 'x' } } } }],
    });
  });

  it('states ordered comparisons as minimum / maximum on numbers and a pattern on date-shaped strings', () => {
    expect(conditionSchema({ field: 'n', lt: 2 })).toEqual({ required: ['n'], properties: { n: { type: 'number', exclusiveMaximum: 2 } } });
    expect(conditionSchema({ field: 'n', between: [1, 2] })).toEqual({
      required: ['n'],
      properties: { n: { allOf: [{ type: 'number', minimum: 1 }, { type: 'number', maximum: 2 }] } },
    });
    expect(conditionSchema({ field: 'd', gte: '2025-01-31' })).toEqual({
      required: ['d'],
      properties: { d: { type: 'string', pattern: datePattern('gte', '2025-01-31') } },
    });
    expect(datePattern('lt', '0000-00-00')).toBe('^(?!)$');
  });

  it('matches exactly the date-shaped strings on the bound\'s side, as strings compare', () => {
    const digit = fc.constantFrom(...'0123456789'.split(''));
    const dateShaped = fc.tuple(fc.array(digit, { minLength: 8, maxLength: 8 })).map(([d]) => `${d.slice(0, 4).join('')}-${d.slice(4, 6).join('')}-${d.slice(6).join('')}`);
    // Near bounds more often than not: same year, same month.
    const nearby = fc.tuple(dateShaped, fc.integer({ min: 0, max: 9 }), fc.integer({ min: 5, max: 9 })).map(([d, x, at]) => d.slice(0, at) + x + d.slice(at + 1));
    const operators = fc.constantFrom('lt' as const, 'lte' as const, 'gt' as const, 'gte' as const);
    fc.assert(
      fc.property(dateShaped, operators, fc.array(fc.oneof(dateShaped, nearby.filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))), { minLength: 1, maxLength: 20 }), (bound, op, values) => {
        const pattern = new RegExp(datePattern(op, bound), 'u');
        for (const value of [...values, bound]) {
          const expected = op === 'lt' ? value < bound : op === 'lte' ? value <= bound : op === 'gt' ? value > bound : value >= bound;
          expect(pattern.test(value), `${value} ${op} ${bound}`).toBe(expected);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('holds for exactly the values evaluateCondition holds for', () => {
    const anyValue = fc.oneof({ arbitrary: fc.constantFrom(...FORM_VALUES), weight: 5 }, { arbitrary: fc.jsonValue(), weight: 1 });
    const cases = fieldShapes.chain((fields) =>
      fc.tuple(
        conditionOver(fields, 3),
        fc.array(
          fc.record(Object.fromEntries(fields.map((field) => [field.id, anyValue])), { requiredKeys: [] }),
          { minLength: 1, maxLength: 10 },
        ),
      ),
    );
    fc.assert(
      fc.property(cases, ([condition, valueSets]) => {
        const validate = ajv.compile(conditionSchema(condition));
        for (const values of valueSets) {
          expect(validate(values), JSON.stringify({ condition, values })).toBe(evaluateCondition(condition, values));
        }
      }),
      { numRuns: 300 },
    );
  });
});
