import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DefinitionRegistry } from '../../../definitions/registry';
import type { ExecutionPlan } from '../../../definitions/plan';
import { requiredFields, validateApplication } from '../../../forms/validate';
import { PROJECT_ROOT } from '../../../runtime/config';
import { enterpriseApplication, restaurantApplication } from '../../fixtures/applications';

let restaurant: ExecutionPlan;
let enterprise: ExecutionPlan;
let newborn: ExecutionPlan;
beforeAll(async () => {
  const registry = await DefinitionRegistry.open({ bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles') });
  restaurant = registry.get('open-restaurant').plan;
  enterprise = registry.get('enterprise-startup').plan;
  newborn = registry.get('newborn').plan;
});

describe('validateApplication', () => {
  it('accepts the fixtures', () => {
    expect(validateApplication(restaurant, restaurantApplication())).toEqual([]);
    expect(validateApplication(restaurant, restaurantApplication({ sellsTobacco: false }))).toEqual([]);
    expect(validateApplication(enterprise, enterpriseApplication())).toEqual([]);
  });

  it('requires a field of a conditional item only when its condition holds', () => {
    expect(requiredFields(restaurant, { sellsTobacco: true }).has('nearestTobaccoRetailerMeters')).toBe(true);
    expect(requiredFields(restaurant, { sellsTobacco: false }).has('nearestTobaccoRetailerMeters')).toBe(false);
  });

  it('reports every problem at once with its path', () => {
    const application = restaurantApplication();
    const issues = validateApplication(restaurant, {
      ...application,
      form: { ...application.form, applicantIdNumber: '123', businessForm: 'empire', seatCount: 2.5 },
      materials: [...application.materials, { id: 'no-such-material' }, { id: 'premises-proof' }],
    });
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ['/form/applicantIdNumber', 'invalid-value'],
      ['/form/businessForm', 'invalid-value'],
      ['/form/seatCount', 'invalid-value'],
      ['/materials/6/id', 'unknown-material'],
      ['/materials/7/id', 'duplicate-material'],
    ]);
  });

  it('names all three paths when three fields are wrong', () => {
    const application = enterpriseApplication();
    const issues = validateApplication(enterprise, {
      ...application,
      form: { ...application.form, enterpriseType: 'empire', registeredCapital: -5, legalRepPhone: '0271234' },
    });
    expect(issues).toEqual([
      { path: '/form/enterpriseType', code: 'invalid-value', message: 'expected one of: limited-liability, sole-proprietorship, partnership' },
      { path: '/form/registeredCapital', code: 'invalid-value', message: 'expected at least 0' },
      { path: '/form/legalRepPhone', code: 'invalid-value', message: 'expected an 11-digit mobile number' },
    ]);
  });

  it('reports a wrong, an unknown and a missing field each once, in plain words', () => {
    const { shopName: _missing, ...form } = restaurantApplication().form;
    const issues = validateApplication(restaurant, {
      ...restaurantApplication(),
      form: { ...form, applicantPhone: '12', seatCount: 'many', businessForm: 'empire', nonsense: 1 },
    });
    expect(issues).toEqual([
      { path: '/form/applicantPhone', code: 'invalid-value', message: 'expected an 11-digit mobile number' },
      { path: '/form/shopName', code: 'required', message: '"店铺名称（字号）" (Shop name) is required.' },
      { path: '/form/businessForm', code: 'invalid-value', message: 'expected one of: individual, company' },
      { path: '/form/seatCount', code: 'invalid-value', message: 'expected a whole number' },
      { path: '/form/nonsense', code: 'unknown-field', message: 'The bundle has no field "nonsense".' },
    ]);
  });

  it('requires a conditional field with one issue when its condition holds', () => {
    const { nearestTobaccoRetailerMeters: _distance, ...form } = restaurantApplication().form;
    expect(validateApplication(restaurant, { ...restaurantApplication(), form })).toEqual([
      { path: '/form/nearestTobaccoRetailerMeters', code: 'required', message: '"与最近卷烟零售点的距离（米）" (Distance to the nearest tobacco retailer (m)) is required.' },
    ]);
    expect(validateApplication(restaurant, { ...restaurantApplication(), form: { ...form, sellsTobacco: false } })).toEqual([]);
  });

  it('reads null and blank values as not given', () => {
    const application = enterpriseApplication();
    const form = { ...application.form, financeContactName: null, companyName: '', legalRepName: null, nonsense: null };
    expect(validateApplication(enterprise, { ...application, form }).map((i) => [i.path, i.code])).toEqual([
      ['/form/companyName', 'required'],
      ['/form/legalRepName', 'required'],
      ['/form/nonsense', 'unknown-field'],
    ]);
    expect(validateApplication(enterprise, { ...application, form: { ...application.form, financeContactName: '' } })).toEqual([]);
  });

  it('checks formats: dates, lengths and whole numbers', () => {
    const application = restaurantApplication();
    const issues = validateApplication(restaurant, {
      ...application,
      form: { ...application.form, shopName: 'x', applicantName: 'x'.repeat(51), businessArea: 0, sellsTobacco: 'yes' },
    });
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ['/form/applicantName', 'expected at most 50 characters'],
      ['/form/shopName', 'expected at least 2 characters'],
      ['/form/businessArea', 'expected at least 1'],
      ['/form/sellsTobacco', 'expected true or false'],
    ]);
    const birth = validateApplication(newborn, { ...application, form: { childBirthDate: '2025-02-30' }, materials: [] });
    expect(birth.find((i) => i.path === '/form/childBirthDate')).toEqual({
      path: '/form/childBirthDate',
      code: 'invalid-value',
      message: 'expected a date as YYYY-MM-DD',
    });
  });
});
