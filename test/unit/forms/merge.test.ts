import { join } from 'node:path';
import type { ValidateFunction } from 'ajv/dist/2020';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../../definitions/compile';
import type { ExecutionPlan } from '../../../definitions/plan';
import { DefinitionRegistry } from '../../../definitions/registry';
import { BundleDefinition } from '../../../definitions/schema';
import { mergeForm, type FormSchema } from '../../../forms/merge';
import { createFormAjv } from '../../../forms/validate';
import { PROJECT_ROOT } from '../../../runtime/config';
import { enterpriseApplication, restaurantApplication } from '../../fixtures/applications';

let enterprise: ExecutionPlan;
let restaurant: ExecutionPlan;
let newborn: ExecutionPlan;
beforeAll(async () => {
  const registry = await DefinitionRegistry.open({ bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles') });
  enterprise = registry.get('enterprise-startup').plan;
  restaurant = registry.get('open-restaurant').plan;
  newborn = registry.get('newborn').plan;
});

const ajv = createFormAjv();
function validator(schema: FormSchema): ValidateFunction {
  const { $id: _id, ...rest } = schema;
  return ajv.compile(rest);
}

/** Fields the schema says are missing, for these values. */
function missing(schema: FormSchema, form: Record<string, unknown>): string[] {
  const validate = validator(schema);
  validate(form);
  return (validate.errors ?? []).filter((e) => e.keyword === 'required').map((e) => String(e.params.missingProperty));
}

/** The `then.required` of the `if` whose condition is `condition`, or undefined. */
function requiredWhen(schema: FormSchema, condition: unknown): string[] | undefined {
  const branch = (schema.allOf ?? []).find((entry) => JSON.stringify(entry.if) === JSON.stringify(condition));
  return (branch?.then as { required?: string[] } | undefined)?.required;
}

const hiresStaff = { required: ['hiresStaff'], properties: { hiresStaff: { const: true } } };
const sellsTobacco = { required: ['sellsTobacco'], properties: { sellsTobacco: { const: true } } };

describe('mergeForm', () => {
  it('names the form after its bundle version and keeps the bundle', () => {
    const schema = mergeForm(restaurant);
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'urn:yijianshi:form:open-restaurant:1',
      title: '开办餐饮店一件事',
      type: 'object',
      additionalProperties: false,
      'x-bundle': { id: 'open-restaurant', version: 1, hash: restaurant.hash, title: restaurant.title },
    });
    expect(ajv.validateSchema(schema)).toBe(true);
  });

  it('asks each field shared by several items once when merging enterprise-startup', () => {
    const schema = mergeForm(enterprise);
    expect(Object.keys(schema.properties)).toEqual(enterprise.fields.map((f) => f.id));
    expect(schema.properties.companyName!['x-required-by']).toEqual(enterprise.items.map((i) => i.id));
    expect(schema.properties.legalRepName!['x-items']).toEqual(enterprise.items.map((i) => i.id));
    expect(schema.properties.legalRepIdNumber!['x-required-by']).toEqual(['business-registration', 'seal-engraving', 'tax-invoicing', 'social-insurance', 'bank-account']);
    expect(schema.properties.financeContactName).toMatchObject({ 'x-items': ['tax-invoicing', 'bank-account'], 'x-required-by': [] });
    const listed = schema['x-sections'].flatMap((s) => s.fields);
    expect(listed.sort()).toEqual(enterprise.fields.map((f) => f.id).sort());
    expect(schema['x-sections'].map((s) => s.id)).toEqual(['enterprise', 'legal-representative', 'operations']);
  });

  it('describes each field: type, labels, section, prefill and options', () => {
    const schema = mergeForm(restaurant);
    expect(schema.properties.applicantIdNumber).toMatchObject({
      type: 'string',
      pattern: '^\\d{17}[\\dX]$',
      title: '经营者身份证号码',
      'x-label': { zh: '经营者身份证号码', en: "Operator's ID number" },
      'x-section': 'applicant',
      'x-prefill': { licenceType: 'resident-id-card', attribute: 'idNumber' },
    });
    expect(schema.properties.applicantPhone).toMatchObject({ type: 'string', pattern: '^1\\d{10}$' });
    expect(schema.properties.shopName).toMatchObject({ type: 'string', minLength: 2, maxLength: 100 });
    expect(schema.properties.seatCount).toMatchObject({ type: 'integer', minimum: 0 });
    expect(schema.properties.signWidthMeters).toMatchObject({ type: 'number', minimum: 0.1, maximum: 50 });
    expect(schema.properties.sellsTobacco).toMatchObject({ type: 'boolean', 'x-items': [] });
    expect(schema.properties.businessForm).toMatchObject({
      type: 'string',
      enum: ['individual', 'company'],
      'x-options': [
        { value: 'individual', label: { zh: '个体工商户', en: 'Individual business' } },
        { value: 'company', label: { zh: '有限责任公司', en: 'Limited liability company' } },
      ],
    });
    expect(schema.properties.nearestTobaccoRetailerMeters!['x-condition']).toEqual({ field: 'sellsTobacco', equals: true });
    expect(mergeForm(newborn).properties.childBirthDate).toMatchObject({ type: 'string', format: 'date' });
  });

  it('requires employeeCount only when hiresStaff is true, the condition of the items needing it', () => {
    const schema = mergeForm(enterprise);
    expect(schema.properties.employeeCount!['x-items']).toEqual(['social-insurance', 'housing-fund']);
    expect(schema.required).toContain('companyName');
    expect(schema.required).not.toContain('employeeCount');
    expect(schema.required).not.toContain('housingFundRate');
    expect(requiredWhen(schema, hiresStaff)).toEqual(['employeeCount', 'housingFundRate']);

    const { employeeCount: _count, housingFundRate: _rate, ...withoutStaffFields } = enterpriseApplication().form;
    expect(missing(schema, enterpriseApplication().form)).toEqual([]);
    expect(missing(schema, { ...withoutStaffFields, hiresStaff: false })).toEqual([]);
    expect(missing(schema, { ...withoutStaffFields, hiresStaff: true }).sort()).toEqual(['employeeCount', 'housingFundRate']);
    const { hiresStaff: _hires, ...unanswered } = withoutStaffFields;
    expect(missing(schema, unanswered)).toEqual([]);
    expect(validator(schema)(enterpriseApplication().form)).toBe(true);
  });

  it('requires nearestTobaccoRetailerMeters only when sellsTobacco is true when merging open-restaurant', () => {
    const schema = mergeForm(restaurant);
    expect(schema.required).not.toContain('nearestTobaccoRetailerMeters');
    // The item's condition and the field's are the same: it is stated once.
    expect(requiredWhen(schema, sellsTobacco)).toEqual(['nearestTobaccoRetailerMeters']);
    expect(schema.allOf).toHaveLength(2);

    const form = restaurantApplication({ sellsTobacco: false }).form;
    expect(missing(schema, form)).toEqual([]);
    expect(missing(schema, { ...form, sellsTobacco: true })).toEqual(['nearestTobaccoRetailerMeters']);
    expect(validator(schema)(restaurantApplication().form)).toBe(true);
  });

  it('reads a blank value where one is required as missing', () => {
    const validate = validator(mergeForm(restaurant));
    expect(validate({ ...restaurantApplication().form, applicantName: '' })).toBe(false);
    expect(validate.errors?.map((e) => [e.instancePath, e.schemaPath])).toEqual([['/applicantName', '#/$defs/filled/not']]);
  });

  it('puts fields without a section in a trailing "other" section', () => {
    const definition = BundleDefinition.parse({
      id: 'sections',
      version: 2,
      title: { zh: '分节', en: 'Sections' },
      promisedDays: 5,
      window: { department: 'window' },
      departments: [{ id: 'window', name: { zh: '窗口', en: 'Window' } }],
      sections: [
        { id: 'main', title: { zh: '主要', en: 'Main' }, help: { zh: '帮助', en: 'Help' } },
        { id: 'empty', title: { zh: '空', en: 'Empty' } },
      ],
      fields: [
        { id: 'loose', label: { zh: '散', en: 'Loose' }, type: 'string' },
        { id: 'name', label: { zh: '名', en: 'Name' }, type: 'string', section: 'main', help: { zh: '全名', en: 'Full name' } },
      ],
      items: [
        {
          id: 'only',
          code: 'c-1',
          title: { zh: '事项', en: 'Item' },
          department: 'window',
          kind: 'promised',
          statutoryDays: 5,
          promisedDays: 5,
          steps: [{ id: 'review', title: { zh: '审查', en: 'Review' } }],
          fields: ['name'],
          optionalFields: ['loose'],
          result: { kind: 'permit', title: { zh: '许可', en: 'Permit' } },
          defaultable: true,
          timeout: { policy: 'default-approve' },
        },
      ],
    });
    const schema = mergeForm(compile(definition));
    expect(schema['x-sections']).toEqual([
      { id: 'main', title: { zh: '主要', en: 'Main' }, help: { zh: '帮助', en: 'Help' }, fields: ['name'] },
      { id: 'empty', title: { zh: '空', en: 'Empty' }, fields: [] },
      { id: 'other', title: { zh: '其他', en: 'Other' }, fields: ['loose'] },
    ]);
    expect(schema.properties.loose!['x-section']).toBe('other');
    expect(schema.properties.name).toMatchObject({ description: '全名', 'x-help': { zh: '全名', en: 'Full name' } });
    expect(schema.required).toEqual(['name']);
  });

  it('is deterministic and shares nothing with the plan', () => {
    const first = mergeForm(enterprise);
    expect(JSON.stringify(mergeForm(enterprise))).toBe(JSON.stringify(first));
    first.properties.companyName!['x-label'].zh = 'changed';
    expect(enterprise.fields.find((f) => f.id === 'companyName')!.label.zh).not.toBe('changed');
  });
});
