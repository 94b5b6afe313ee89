/**
 * `itemWorkflow`: one item (事项) with its department, from dispatch to decision.
 *
 * Started by its case as a child workflow as soon as its dependencies are cleared. The department
 * decides through Updates whose validators refuse the wrong department and the wrong state; the
 * item's search attributes make it appear in the department's inbox. The item owns its decision
 * (and, with working-day clocks, its deadline), so a decision and a timeout can never both win.
 */
import { condition, isCancellation, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { invalidRequest, wrongDepartment } from './errors';
import { advanceItem, initialItemSnapshot, itemStatus, SETTLED_ITEM_STATUSES, type ItemEvent, type ItemSnapshot } from './lifecycle';
import {
  approveItem,
  getItem,
  rejectItem,
  type Actor,
  type ItemInput,
  type ItemOutcome,
  type ItemView,
} from './messages';
import { ItemStatusKey } from './search-attributes';

export async function itemWorkflow(input: ItemInput): Promise<ItemOutcome> {
  const startedAt = now();
  let snapshot: ItemSnapshot = advanceItem(initialItemSnapshot(input.item.department), { type: 'DISPATCH' });
  let decision: { at: string; by?: Actor; reason?: string } | undefined;

  const view = (): ItemView => ({
    caseId: input.caseId,
    itemId: input.item.id,
    department: snapshot.context.department,
    status: itemStatus(snapshot),
    startedAt,
    decidedAt: decision?.at,
    decidedBy: decision?.by,
    reason: decision?.reason,
  });

  /** Moves the machine and mirrors the status into the inbox search attribute. */
  const apply = (event: ItemEvent): void => {
    snapshot = advanceItem(snapshot, event);
    upsertSearchAttributes([{ key: ItemStatusKey, value: itemStatus(snapshot) }]);
  };

  const refuseUnlessResponsible = (actor: Actor, event: ItemEvent): void => {
    if (actor.department !== snapshot.context.department) {
      throw wrongDepartment(snapshot.context.department, actor.department, `Item "${input.item.id}"`);
    }
    advanceItem(snapshot, event); // throws IllegalTransition when the item cannot take the event now
  };

  setHandler(getItem, view);
  setHandler(
    approveItem,
    ({ actor, comment }) => {
      apply({ type: 'APPROVE' });
      decision = { at: now(), by: actor, reason: comment };
      return view();
    },
    { validator: ({ actor }) => refuseUnlessResponsible(actor, { type: 'APPROVE' }) },
  );
  setHandler(
    rejectItem,
    ({ actor, reason }) => {
      apply({ type: 'REJECT' });
      decision = { at: now(), by: actor, reason: reason.trim() };
      return view();
    },
    {
      validator: ({ actor, reason }) => {
        if (typeof reason !== 'string' || reason.trim() === '') throw invalidRequest('A rejection needs a reason.');
        refuseUnlessResponsible(actor, { type: 'REJECT' });
      },
    },
  );

  try {
    await condition(() => SETTLED_ITEM_STATUSES.includes(itemStatus(snapshot)));
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // The case ended (another item was rejected): settle as cancelled, on the record.
    apply({ type: 'CANCEL' });
    decision = { at: now(), reason: 'cancelled by the case' };
  }

  const outcome: ItemOutcome = {
    itemId: input.item.id,
    status: itemStatus(snapshot) as ItemOutcome['status'],
    department: snapshot.context.department,
    decidedAt: decision?.at ?? now(),
    decidedBy: decision?.by,
    reason: decision?.reason,
  };
  return outcome;
}

function now(): string {
  return new Date().toISOString(); // deterministic inside workflows: the workflow task's time
}
