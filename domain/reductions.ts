/**
 * The four reductions (四减: 减时限、减材料、减环节、减跑动) of a bundle, computed from its definition alone:
 * how the bundle compares with handling its items one by one, department after department, before the
 * reform. This is how a policy designer judges a bundle before publishing it; figures from real cases
 * are a different measure.
 *
 * Pure: reads only the plan, so it runs anywhere a plan does.
 */
import { filingOf } from '../definitions/modes';
import type { ExecutionPlan } from '../definitions/plan';

/** One of the four reductions: `reduction` is `before - after`, `reductionPercent` its share of `before`. */
export interface Reduction {
  before: number;
  after: number;
  /** `before - after`; negative when the bundle needs more than its items did. */
  reduction: number;
  /** `reduction / before` in percent, rounded to one decimal (half away from zero); 0 when `before` is 0. */
  reductionPercent: number;
}

/** The materials reduction, with the number of distinct materials across the items. */
export interface MaterialsReduction extends Reduction {
  /** Distinct materials the items use, whoever provides them (一套材料: each handed in once). */
  distinct: number;
}

export interface Reductions {
  bundleId: string;
  version: number;
  /** Number of items in the bundle, conditional ones included. */
  items: number;
  /**
   * 合并办理 (edition 2, present when an item absorbs catalogue items): catalogue items before the merge
   * (the items and the ones they absorbed) and after (the items). The absorbed items count in every
   * "before" below with their own statutory limits, steps, trips and materials.
   */
  catalogueItems?: Reduction;
  /**
   * 备案 (edition 2, present when the bundle has filings): items filed for every applicant, and those
   * filed for some (by condition) and decided for the others. A filing counts as what it is: its
   * statutory period before, its check period on the critical path after (0 when filed at once).
   */
  filings?: { always: string[]; byCondition: string[] };
  /**
   * 减时限, in working days. Before: the items' statutory limits (法定时限) one after another (串联审批),
   * those of merged catalogue items included. After: the bundle's critical path on promised limits
   * (承诺时限), `plan.criticalPath.days`.
   */
  time: Reduction;
  /**
   * 减材料. Before: each item asked for its own copy of every material it uses (the sum over items).
   * After: the distinct materials, less those fetched from electronic licences the state holds
   * (`source.kind === 'electronic-licence'`, 免证明). Optional materials count like required ones.
   */
  materials: MaterialsReduction;
  /** 减环节. Before: the sum of the items' steps (办理环节). After: the bundle's `steps`. */
  steps: Reduction;
  /** 减跑动. Before: the sum of the items' trips (跑动次数). After: the bundle's `trips` (1 or 0). */
  trips: Reduction;
}

/**
 * The four reductions of a compiled bundle.
 *
 * Every item counts, conditional ones too (e.g. the tobacco permit of 开办餐饮店, only for applicants who
 * sell tobacco): a bundle is judged by everything it can take on, not by one applicant's case. So the
 * figures are those of the widest application the bundle accepts, before and after alike: conditional
 * steps and materials count too. Merged catalogue items (合并办理) count before the merge with their own
 * figures (absent steps, trips or materials of theirs count 0: the report never claims more than was written).
 */
export function reductions(plan: ExecutionPlan): Reductions {
  const materialIds = new Set<string>();
  let materialsBefore = 0;
  for (const item of plan.items) {
    // A material listed twice by one item is still one copy (lint refuses such a definition anyway).
    const own = new Set(item.materials);
    materialsBefore += own.size;
    for (const id of own) materialIds.add(id);
  }
  // 合并办理: each absorbed catalogue item asked for its own copies, took its own steps and trips.
  const absorbed = plan.items.flatMap((item) => item.absorbs ?? []);
  for (const entry of absorbed) materialsBefore += new Set(entry.materials ?? []).size;
  const filed = (how: 'always' | 'by-condition') => plan.items.filter((item) => filingOf(item) === how).map((item) => item.id);
  const fetched = new Set(
    plan.materials.filter((material) => material.source.kind === 'electronic-licence').map((material) => material.id),
  );
  const materialsAfter = [...materialIds].filter((id) => !fetched.has(id)).length;

  const filings = { always: filed('always'), byCondition: filed('by-condition') };
  return {
    bundleId: plan.bundleId,
    version: plan.version,
    items: plan.items.length,
    ...(absorbed.length > 0 ? { catalogueItems: reduction(plan.items.length + absorbed.length, plan.items.length) } : {}),
    ...(filings.always.length + filings.byCondition.length > 0 ? { filings } : {}),
    time: reduction(sum([...plan.items, ...absorbed].map((item) => item.statutoryDays)), plan.criticalPath.days),
    materials: { ...reduction(materialsBefore, materialsAfter), distinct: materialIds.size },
    steps: reduction(sum([...plan.items.map((item) => item.steps.length), ...absorbed.map((entry) => entry.steps ?? 0)]), plan.steps),
    trips: reduction(sum([...plan.items.map((item) => item.trips), ...absorbed.map((entry) => entry.trips ?? 0)]), plan.trips),
  };
}

/** A reduction from its two ends; the percentage is rounded on integers, so no float noise decides a digit. */
export function reduction(before: number, after: number): Reduction {
  const difference = before - after;
  return { before, after, reduction: difference, reductionPercent: percent(difference, before) };
}

function percent(part: number, whole: number): number {
  if (whole === 0) return 0;
  // Tenths of a percent, rounded half away from zero; `+ 0` turns -0 into 0.
  const tenths = Math.sign(part) * Math.round(Math.abs(part * 1000) / whole);
  return tenths / 10 + 0;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
