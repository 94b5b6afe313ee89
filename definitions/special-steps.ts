/**
 * Which steps may stop an item's clock. Administrative Licensing Law art. 45 leaves out of the
 * statutory limit only the time of a hearing, an inspection, testing, an appraisal (鉴定) or an
 * expert review; every other step counts. Lint refuses `countsTowardLimit: false` on other kinds,
 * and the item workflow refuses to start them as special steps (plans published before the rule).
 *
 * Pure and free of zod: workflow code imports it.
 */
import type { Step } from './schema';

/** The step kinds whose time the law lets leave the limit, in the schema's order. */
export const CLOCK_PAUSING_STEP_KINDS = ['hearing', 'inspection', 'testing', 'appraisal', 'expert-review'] as const satisfies ReadonlyArray<Step['kind']>;

/** Whether a step of this kind may be declared `countsTowardLimit: false` and so pause the clock. */
export function mayPauseClock(kind: string | undefined): boolean {
  return (CLOCK_PAUSING_STEP_KINDS as readonly string[]).includes(kind ?? '');
}
