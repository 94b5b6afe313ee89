/**
 * The clock activity as a local activity, for lean cases and their items: working-day arithmetic
 * takes milliseconds, so it runs in the workflow task that needs it and its answer is recorded as one
 * marker, instead of a scheduled activity's three events and a second workflow task.
 */
import { proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { Card, ClockView, ComputedClock } from './contract';

export const { computeItemClock: computeItemClockLocally } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** The clock as views show it: a computed clock with its card, keys in the order items have always shown them. */
export function clockView(computed: ComputedClock, card: Card): ClockView {
  return Object.assign({ card, pausedDays: 0, paused: false, estimated: false }, computed);
}
