/**
 * The four reductions (四减: 减时限、减材料、减环节、减跑动) of a bundle, computed from its definition alone:
 * how the bundle compares with handling its items one by one, department after department, before the
 * reform. This is how a policy designer judges a bundle before publishing it; figures from real cases
 * are a different measure.
 *
 * Pure: reads only the plan, so it runs anywhere a plan does.
 */
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
   * 减时限, in working days. Before: the items' statutory limits (法定时限) one after another (串联审批).
   * After: the bundle's critical path on promised limits (承诺时限), `plan.criticalPath.days`.
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
 * figures are those of the widest application the bundle accepts, before and after alike.
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
  const fetched = new Set(
    plan.materials.filter((material) => material.source.kind === 'electronic-licence').map((material) => material.id),
  );
  const materialsAfter = [...materialIds].filter((id) => !fetched.has(id)).length;

  return {
    bundleId: plan.bundleId,
    version: plan.version,
    items: plan.items.length,
    time: reduction(sum(plan.items.map((item) => item.statutoryDays)), plan.criticalPath.days),
    materials: { ...reduction(materialsBefore, materialsAfter), distinct: materialIds.size },
    steps: reduction(sum(plan.items.map((item) => item.steps.length)), plan.steps),
    trips: reduction(sum(plan.items.map((item) => item.trips)), plan.trips),
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
