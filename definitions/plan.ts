/**
 * The execution plan: what `compile()` makes of a definition and what a case workflow interprets.
 *
 * Plain JSON (no classes, no functions) because it is workflow input, stored in Temporal history and
 * pinned by every case for its whole life: a new version of a bundle never changes a case in flight.
 * Workflow code imports this file, so it must stay free of Node modules.
 */
import type { AbsorbedItem, Commitments, Condition, Department, Field, Filing, ItemResult, LocalizedText, Material, Step, TimeoutPolicy } from './schema';

/**
 * Version of the plan format itself; bump when a workflow must tell old plans from new ones.
 * 2: materials carry resolved `grants`, items carry resolved `commitments`. A format-1 plan (compiled
 * before, e.g. pinned by a case in flight or kept in a published registry) has neither: read its
 * commitments as "allowed" and the grants of a material as the items that use it.
 */
export const PLAN_FORMAT = 2;

/** A material of the plan: as defined, with the items granted on its commitment resolved. */
export type PlanMaterial = Material & {
  /**
   * Items granted on the strength of the commitment when this material is tolerated missing (their
   * results are revoked if the commitment is broken): the definition's `grants`, or every item that uses
   * the material; in plan item order.
   */
  grants: string[];
};

export interface PlanItem {
  id: string;
  code: string;
  title: LocalizedText;
  department: string;
  kind: 'instant' | 'promised';
  statutoryDays: number;
  promisedDays: number;
  steps: Step[];
  trips: number;
  fields: string[];
  optionalFields: string[];
  materials: string[];
  /** "forbidden" when the item or its bundle forbids commitments (public safety, ecology, health and life). */
  commitments: Commitments;
  /** Items that must be approved (or skipped) before this one is dispatched. */
  dependsOn: string[];
  /** Items that wait for this one. */
  dependents: string[];
  /** 0 for items with no dependencies; otherwise 1 + the highest level among dependencies. */
  level: number;
  condition?: Condition;
  result: ItemResult;
  defaultable: boolean;
  timeout: TimeoutPolicy;
  /** Edition 2: "filing" when the item is filed (备案) rather than decided, for every applicant or by `filing.when`. */
  mode?: 'approval' | 'filing';
  /** Edition 2: how a filing is made (condition, check period, receipt); see `definitions/modes.ts`. */
  filing?: Filing;
  /** Edition 2: catalogue items merged into this one (合并办理), for the reductions and the result. */
  absorbs?: AbsorbedItem[];
  /**
   * Earliest start and finish, in working days from acceptance, on promised limits (a filing for every
   * applicant: on its check period).
   */
  earliestStartDay: number;
  earliestFinishDay: number;
  /** Whether the item is on `criticalPath.items` (one chain; where chains tie, the one first in definition order). */
  onCriticalPath: boolean;
}

export interface ExecutionPlan {
  planFormat: typeof PLAN_FORMAT;
  bundleId: string;
  /** Edition 2: the bundle's short code for case numbers (absent: the id in upper case, `case-number.ts`). */
  code?: string;
  /** Edition 2: how case numbers (办件编号) are made (absent: the default pattern). */
  caseNumber?: { pattern: string };
  version: number;
  /** sha256 (hex) of the canonical JSON of the parsed definition. */
  hash: string;
  title: LocalizedText;
  description?: LocalizedText;
  promisedDays: number;
  calendar: string;
  window: { department: string; title?: LocalizedText };
  /** The applicant's steps in the bundle: the definition's `applicantSteps` (edition 1: `steps`). */
  steps: number;
  trips: number;
  departments: Department[];
  sections: Array<{ id: string; title: LocalizedText; help?: LocalizedText }>;
  fields: Field[];
  materials: PlanMaterial[];
  /**
   * Items in a topological order (dependencies first, ties by definition order). Their steps and the
   * materials may carry edition 2's `duration` and `condition`.
   */
  items: PlanItem[];
  /** Item ids grouped by level: every item of a level can run in parallel once the levels before it are done. */
  levels: string[][];
  /** The longest dependency chain on promised limits. */
  criticalPath: { items: string[]; days: number };
}

/** The parts of a plan that only designing and filling in the form use (the API reads them from the registry). */
type DesignOnly = 'description' | 'departments' | 'sections' | 'fields' | 'levels' | 'criticalPath' | 'code' | 'caseNumber';

/**
 * What a case runs on of its plan: all of it but the form and the design views, so a case's input
 * (and every history and query that carries it) does not copy the form's fields. `hash` still names
 * the whole plan, kept in the registry by bundle and version.
 */
export type CasePlan = Omit<ExecutionPlan, DesignOnly>;

export function casePlan(plan: ExecutionPlan): CasePlan {
  // The case number is made by the API before the case starts: the case carries the number, not how to make it.
  const { description: _d, departments: _p, sections: _s, fields: _f, levels: _l, criticalPath: _c, code: _code, caseNumber: _n, ...runs } = plan;
  return runs;
}
