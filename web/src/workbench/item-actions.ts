/**
 * The acts an officer can do on an item from the workbench, one entry each: what it asks for (an
 * opinion, a reason, materials), when it is offered, and its typed API call. A new step action of the
 * API (claim, send back, transfer, co-sign…) is one more entry here and its words in the i18n files.
 */
import { api, data, type ProgressItem } from '../api/client';
import type { Person } from '../auth/session';

export type Input = 'comment' | 'reason' | 'materials';

export interface ItemActionContext {
  caseId: string;
  itemId: string;
  /** The officer's words, by the inputs the action asks for. */
  comment: string;
  reason: string;
  materials: string;
  idempotencyKey: string;
}

export interface ItemAction {
  id: string;
  /** What the officer fills in first. */
  inputs: Input[];
  /** Shown as the main act, a dangerous one, or a plain one. */
  tone: 'primary' | 'danger' | 'plain';
  offered(item: ProgressItem, person: Person): boolean;
  /** Does it; the case's progress is read again afterwards. */
  run(context: ItemActionContext): Promise<unknown>;
}

const open = (item: ProgressItem) => item.status === 'in-review';
const ofMine = (item: ProgressItem, person: Person) => person.roles.includes('department') && item.department === person.department;
const headers = (c: ItemActionContext, act: string) => ({ 'idempotency-key': `${act}-${c.idempotencyKey}` });
const params = (c: ItemActionContext) => ({ path: { caseId: c.caseId, itemId: c.itemId } });

export const ITEM_ACTIONS: ItemAction[] = [
  {
    id: 'approve',
    inputs: ['comment'],
    tone: 'primary',
    offered: (item, person) => open(item) && ofMine(item, person),
    run: (c) => data(api.POST('/cases/{caseId}/items/{itemId}/approve', { params: params(c), headers: headers(c, 'approve'), body: c.comment ? { comment: c.comment } : {} })),
  },
  {
    id: 'requestSupplement',
    inputs: ['reason', 'materials'],
    tone: 'plain',
    offered: (item, person) => open(item) && ofMine(item, person),
    run: (c) =>
      data(
        api.POST('/cases/{caseId}/items/{itemId}/supplement-requests', {
          params: params(c),
          headers: headers(c, 'supplement'),
          body: { reason: c.reason, materials: c.materials.split('\n').map((d) => d.trim()).filter(Boolean).map((description) => ({ description })) },
        }),
      ),
  },
  {
    id: 'reject',
    inputs: ['reason'],
    tone: 'danger',
    offered: (item, person) => open(item) && ofMine(item, person),
    run: (c) => data(api.POST('/cases/{caseId}/items/{itemId}/reject', { params: params(c), headers: headers(c, 'reject'), body: { reason: c.reason } })),
  },
];
