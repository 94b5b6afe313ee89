/**
 * The `projectCase` activity: writes a case's projection to the read model, once per revision (a
 * retry or a replay of the same revision changes nothing), with the measures statistics aggregate —
 * working days from dispatch to decision in the item's calendar, and whether it was decided the day
 * it arrived — computed here, where the holiday data is.
 */
import { measuresOf, type ReadModelStore } from '../adapters/read-model';
import type { CaseProjection } from '../domain/read-model';

export async function projectCase(store: ReadModelStore, projection: CaseProjection, calendarDataDir?: string): Promise<boolean> {
  return store.write(projection, await measuresOf(projection, calendarDataDir));
}
