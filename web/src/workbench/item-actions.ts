/**
 * The acts on an item from the workbench, one entry each: what the person fills in, when it is offered
 * (the item's state and current step, the person's department and role: the API decides in the end and
 * says why not), and its typed API call. A new act of the API is one more entry here and its words in
 * the i18n files.
 */
import { mayPauseClock } from '../../../definitions/special-steps';
import { workStepsOf, type WorkStep } from '../../../domain/work-steps';
import { api, data, type ProgressItem } from '../api/client';
import type { Item } from '../api/definitions';
import type { Person } from '../auth/session';

/** What an act asks for: an opinion (审查意见), a reason, materials to supplement, an officer's id, an earlier step, a note, a special step. */
export type Input = 'opinion' | 'comment' | 'reason' | 'materials' | 'officer' | 'earlierStep' | 'note' | 'specialStep';

/** Inputs chosen from a list, never empty: they start at the list's first entry. */
export const CHOSEN_INPUTS: ReadonlySet<Input> = new Set(['earlierStep', 'specialStep']);

export interface ItemActionContext {
  caseId: string;
  itemId: string;
  step: string;
  values: Record<Input, string>;
  idempotencyKey: string;
}

/** The item as the acts see it: its progress, its planned steps, where it is. */
export interface ItemState {
  item: ProgressItem;
  planned?: Item;
  /** The steps people work (special steps that pause the clock are not among them). */
  steps: WorkStep[];
  current?: WorkStep;
  /** Steps before the current one (send back targets). */
  earlier: WorkStep[];
  /**
   * The item's special steps (hearing, inspection, testing, appraisal, expert review declared
   * `countsTowardLimit: false`): started and ended by the department, their time leaves the limit.
   */
  special: Item['steps'];
}

export function itemState(item: ProgressItem, planned: Item | undefined): ItemState {
  const steps = planned ? workStepsOf(planned.steps.map((s) => ({ ...s, countsTowardLimit: s.countsTowardLimit ?? true }))) : [];
  // Until its first act the case has not heard from the item's steps: work starts at the first one.
  const index = item.step ? steps.findIndex((s) => s.id === item.step) : 0;
  const special = (planned?.steps ?? []).filter((s) => s.countsTowardLimit === false && !s.duration && mayPauseClock(s.kind));
  return { item, planned, steps, current: index >= 0 ? steps[index] : undefined, earlier: index > 0 ? steps.slice(0, index) : [], special };
}

export interface ItemAction {
  id: string;
  inputs: Input[];
  /** Inputs that may stay empty. */
  optional?: Input[];
  tone: 'primary' | 'danger' | 'plain';
  offered(state: ItemState, person: Person): boolean;
  run(context: ItemActionContext): Promise<unknown>;
}

const open = ({ item }: ItemState) => item.status === 'in-review';
const officer = ({ item }: ItemState, person: Person) => person.roles.includes('department') && item.department === person.department && Boolean(person.departmentRole);
const mine = (s: ItemState, person: Person) => officer(s, person) && s.current?.role === person.departmentRole && !s.current?.countersign;
const heldByMe = ({ item }: ItemState, person: Person) => item.holder?.officer === person.id;
const freeOrMine = (s: ItemState, person: Person) => !s.item.holder?.officer || heldByMe(s, person);
const isLast = (s: ItemState) => s.current !== undefined && s.steps[s.steps.length - 1]?.id === s.current.id;
const headers = (c: ItemActionContext, act: string) => ({ 'idempotency-key': `${act}-${c.idempotencyKey}` });
const item = (c: ItemActionContext) => ({ path: { caseId: c.caseId, itemId: c.itemId } });
const step = (c: ItemActionContext) => ({ path: { caseId: c.caseId, itemId: c.itemId, step: c.step } });

export const ITEM_ACTIONS: ItemAction[] = [
  {
    id: 'claim',
    inputs: [],
    tone: 'primary',
    offered: (s, p) => open(s) && mine(s, p) && !s.item.holder?.officer,
    run: (c) => data(api.POST('/cases/{caseId}/items/{itemId}/steps/{step}/claim', { params: step(c), headers: headers(c, 'claim'), body: {} })),
  },
  {
    id: 'complete',
    inputs: ['opinion'],
    tone: 'primary',
    offered: (s, p) => open(s) && mine(s, p) && freeOrMine(s, p) && !isLast(s),
    run: (c) => data(api.POST('/cases/{caseId}/items/{itemId}/steps/{step}/complete', { params: step(c), headers: headers(c, 'complete'), body: { opinion: c.values.opinion } })),
  },
  {
    id: 'decideApprove',
    inputs: ['opinion'],
    tone: 'primary',
    offered: (s, p) => open(s) && mine(s, p) && freeOrMine(s, p) && isLast(s),
    run: (c) =>
      data(api.POST('/cases/{caseId}/items/{itemId}/steps/{step}/complete', { params: step(c), headers: headers(c, 'approve'), body: { opinion: c.values.opinion, decision: 'approve' } })),
  },
  {
    id: 'decideReject',
    inputs: ['opinion'],
    tone: 'danger',
    offered: (s, p) => open(s) && mine(s, p) && freeOrMine(s, p) && isLast(s),
    run: (c) =>
      data(api.POST('/cases/{caseId}/items/{itemId}/steps/{step}/complete', { params: step(c), headers: headers(c, 'reject'), body: { opinion: c.values.opinion, decision: 'reject' } })),
  },
  {
    id: 'signAgree',
    inputs: ['opinion'],
    tone: 'primary',
    offered: (s, p) =>
      open(s) && Boolean(s.current?.countersign) && ((officer(s, p) && s.current!.countersign!.roles?.includes(p.departmentRole!)) || Boolean(p.department && s.current!.countersign!.departments?.includes(p.department))),
    run: (c) => data(api.POST('/cases/{caseId}/items/{itemId}/steps/{step}/sign', { params: step(c), headers: headers(c, 'sign'), body: { opinion: c.values.opinion, agree: true } })),
  },
  {
    id: 'signDisagree',
    inputs: ['opinion'],
    tone: 'danger',
    offered: (s, p) =>
      open(s) && Boolean(s.current?.countersign) && ((officer(s, p) && s.current!.countersign!.roles?.includes(p.departmentRole!)) || Boolean(p.department && s.current!.countersign!.departments?.includes(p.department))),
    run: (c) => data(api.POST('/cases/{caseId}/items/{itemId}/steps/{step}/sign', { params: step(c), headers: headers(c, 'sign'), body: { opinion: c.values.opinion, agree: false } })),
  },
  {
    id: 'sendBack',
    inputs: ['earlierStep', 'reason'],
    tone: 'plain',
    offered: (s, p) => open(s) && officer(s, p) && s.earlier.length > 0 && (s.current?.role === p.departmentRole || p.departmentRole === 'head'),
    run: (c) => data(api.POST('/cases/{caseId}/items/{itemId}/steps/{step}/send-back', { params: step(c), headers: headers(c, 'send-back'), body: { to: c.values.earlierStep, reason: c.values.reason } })),
  },
  {
    id: 'transfer',
    inputs: ['officer', 'reason'],
    tone: 'plain',
    offered: (s, p) => open(s) && mine(s, p) && heldByMe(s, p),
    run: (c) =>
      data(api.POST('/cases/{caseId}/items/{itemId}/steps/{step}/transfer', { params: step(c), headers: headers(c, 'transfer'), body: { to: { officer: c.values.officer }, reason: c.values.reason } })),
  },
  {
    id: 'release',
    inputs: [],
    tone: 'plain',
    offered: (s, p) => open(s) && officer(s, p) && Boolean(s.item.holder?.officer) && (heldByMe(s, p) || p.departmentRole === 'head'),
    run: (c) => data(api.POST('/cases/{caseId}/items/{itemId}/steps/{step}/release', { params: step(c), headers: headers(c, 'release'), body: {} })),
  },
  {
    id: 'assign',
    inputs: ['officer'],
    tone: 'plain',
    offered: (s, p) => open(s) && officer(s, p) && p.departmentRole === 'head' && Boolean(s.current),
    run: (c) => data(api.POST('/cases/{caseId}/items/{itemId}/steps/{step}/assign', { params: step(c), headers: headers(c, 'assign'), body: { to: { officer: c.values.officer } } })),
  },
  {
    id: 'requestSupplement',
    inputs: ['reason', 'materials'],
    tone: 'plain',
    offered: (s, p) => open(s) && officer(s, p),
    run: (c) =>
      data(
        api.POST('/cases/{caseId}/items/{itemId}/supplement-requests', {
          params: item(c),
          headers: headers(c, 'supplement'),
          body: { reason: c.values.reason, materials: c.values.materials.split('\n').map((d) => d.trim()).filter(Boolean).map((description) => ({ description })) },
        }),
      ),
  },
  // An item without declared steps is still one decision.
  {
    id: 'approve',
    inputs: ['comment'],
    optional: ['comment'],
    tone: 'primary',
    offered: (s, p) => open(s) && officer(s, p) && s.steps.length === 0,
    run: (c) => data(api.POST('/cases/{caseId}/items/{itemId}/approve', { params: item(c), headers: headers(c, 'approve'), body: c.values.comment ? { comment: c.values.comment } : {} })),
  },
  {
    id: 'reject',
    inputs: ['reason'],
    tone: 'danger',
    offered: (s, p) => open(s) && officer(s, p) && s.steps.length === 0,
    run: (c) => data(api.POST('/cases/{caseId}/items/{itemId}/reject', { params: item(c), headers: headers(c, 'reject'), body: { reason: c.values.reason } })),
  },
  // 特别程序 (Administrative Licensing Law art. 45): the clock stops while it runs, not during a timed step.
  {
    id: 'startSpecialStep',
    inputs: ['specialStep'],
    tone: 'plain',
    offered: (s, p) => open(s) && officer(s, p) && s.special.length > 0 && !s.item.timedStep,
    run: (c) =>
      data(api.POST('/cases/{caseId}/items/{itemId}/special-step/start', { params: item(c), headers: headers(c, 'special-start'), body: { step: c.values.specialStep } })),
  },
  {
    id: 'endSpecialStep',
    inputs: [],
    tone: 'primary',
    offered: (s, p) => s.item.status === 'special-step' && officer(s, p),
    run: (c) => data(api.POST('/cases/{caseId}/items/{itemId}/special-step/end', { params: item(c), headers: headers(c, 'special-end') })),
  },
  {
    id: 'urge',
    inputs: ['note'],
    optional: ['note'],
    tone: 'plain',
    offered: (s, p) => ['in-review', 'supplementing', 'special-step'].includes(s.item.status) && (p.roles.includes('supervisor') || p.roles.includes('window')),
    run: (c) => data(api.POST('/cases/{caseId}/items/{itemId}/urge', { params: item(c), headers: headers(c, 'urge'), body: c.values.note ? { note: c.values.note } : {} })),
  },
];
