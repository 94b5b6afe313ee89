/**
 * Which departments a case concerns: applicable items only (skipped ones and false conditions do not
 * count), and escalations in both directions.
 */
import { describe, expect, it } from 'vitest';
import { applicabilityOf, assertCaseRead, departmentHasAccess } from '../../../api/access';
import type { Principal } from '../../../api/auth';
import type { CaseInput, CaseProgress, ItemProgress } from '../../../workflows/contract';

const item = (id: string, department: string, status: ItemProgress['status'], extra: Partial<ItemProgress> = {}): ItemProgress => ({
  id,
  code: id,
  title: { zh: id, en: id },
  department,
  status,
  level: 0,
  dependsOn: [],
  ...extra,
});

const progress = (items: ItemProgress[]): CaseProgress => ({ items }) as unknown as CaseProgress;

/** The case input, for conditions: `tobacco` applies only when the form says sellsTobacco. */
const input = (sellsTobacco: boolean) => async (): Promise<CaseInput> =>
  ({
    plan: { items: [{ id: 'licence' }, { id: 'tobacco', condition: { field: 'sellsTobacco', equals: true } }] },
    application: { form: { sellsTobacco } },
  }) as unknown as CaseInput;

const unreadable = async (): Promise<CaseInput> => {
  throw new Error('the case input is not needed once an item was dispatched');
};

describe('departmentHasAccess', () => {
  it('is false for a department whose only item was skipped', async () => {
    const p = progress([item('licence', 'market', 'in-review'), item('tobacco', 'tobacco', 'skipped')]);
    expect(await departmentHasAccess('tobacco', p, applicabilityOf(unreadable))).toBe(false);
    expect(await departmentHasAccess('market', p, applicabilityOf(unreadable))).toBe(true);
    expect(await departmentHasAccess('fire', p, applicabilityOf(unreadable))).toBe(false);
  });

  it('decides a pending conditional item by its condition before acceptance', async () => {
    const p = progress([item('licence', 'market', 'pending'), item('tobacco', 'tobacco', 'pending')]);
    expect(await departmentHasAccess('tobacco', p, applicabilityOf(input(false)))).toBe(false);
    expect(await departmentHasAccess('tobacco', p, applicabilityOf(input(true)))).toBe(true);
    expect(await departmentHasAccess('market', p, applicabilityOf(input(false)))).toBe(true);
  });

  it('counts the departments an item escalated from and to', async () => {
    const escalated = item('licence', 'supervision-office', 'in-review', { escalations: [{ at: '2026-01-01T00:00:00Z', from: 'market', to: 'supervision-office' }] });
    const p = progress([escalated]);
    expect(await departmentHasAccess('market', p, applicabilityOf(unreadable))).toBe(true);
    expect(await departmentHasAccess('supervision-office', p, applicabilityOf(unreadable))).toBe(true);
  });
});

describe('assertCaseRead', () => {
  const p = progress([item('licence', 'market', 'in-review'), item('tobacco', 'tobacco', 'skipped')]);
  const principal = (roles: Principal['roles'], department?: string): Principal => ({ id: 'p', roles, ...(department ? { department } : {}) });

  it('lets integrators, windows, supervisors and admins read any case', async () => {
    for (const roles of [['integrator'], ['window'], ['supervisor'], ['admin']] as Array<Principal['roles']>) {
      await expect(assertCaseRead(principal(roles, 'gov'), p, applicabilityOf(unreadable))).resolves.toBeUndefined();
    }
  });

  it('refuses designers, skipped and uninvolved departments with 403', async () => {
    for (const who of [principal(['designer']), principal(['department'], 'tobacco'), principal(['department'], 'fire')]) {
      await expect(assertCaseRead(who, p, applicabilityOf(unreadable))).rejects.toMatchObject({ slug: 'forbidden' });
    }
    await expect(assertCaseRead(principal(['department'], 'market'), p, applicabilityOf(unreadable))).resolves.toBeUndefined();
  });
});
