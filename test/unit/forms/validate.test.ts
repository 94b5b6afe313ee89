import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DefinitionRegistry } from '../../../definitions/registry';
import type { ExecutionPlan } from '../../../definitions/plan';
import { requiredFields, validateApplication } from '../../../forms/validate';
import { PROJECT_ROOT } from '../../../runtime/config';
import { enterpriseApplication, restaurantApplication } from '../../fixtures/applications';

let restaurant: ExecutionPlan;
let enterprise: ExecutionPlan;
beforeAll(async () => {
  const registry = await DefinitionRegistry.open({ bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles') });
  restaurant = registry.get('open-restaurant').plan;
  enterprise = registry.get('enterprise-startup').plan;
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
});
