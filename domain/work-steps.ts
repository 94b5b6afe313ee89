/**
 * An item worked through its steps (办理环节) by the people of its department: who may act on which
 * step, and what each act does. Pure: the item workflow keeps a `Work` and applies these moves in its
 * Update handlers; a move that is not allowed throws a `DomainRuleError` (403 for the wrong person or
 * role, 409 for the wrong step or state, 422 for a bad request) and changes nothing.
 *
 * - A step's role (承办人 handler, 审核人 reviewer, 负责人 head) is the definition's, else its kind's
 *   default: accept → handler, review → reviewer, decide → head, any other counted step → handler.
 * - One person holds a step: claim / release; a head assigns and reassigns; 转办 hands it to another
 *   officer of the department who may act on it, with a reason.
 * - Completing a step with an opinion moves to the next; the last step decides (approve or reject).
 * - 退回 sends the item back to an earlier step, to the person who completed it then.
 * - 会签: a step that needs several roles or departments is signed by each party; it completes when
 *   all, any, or a ratio of them agree, and fails (sent back, or rejected on the last step) when that
 *   can no longer happen.
 */
import type { Actor, DepartmentRole } from './application';
import { DomainRuleError, FailureType, illegalNow, invalidRequest } from './errors';

export interface Countersign {
  /** Roles of the item's department that each sign. */
  roles?: DepartmentRole[];
  /** Other departments that each sign (any of their officers). */
  departments?: string[];
  mode: 'all' | 'any' | 'ratio';
  /** For `ratio`: the share of parties that must agree, in (0, 1]. */
  ratio?: number;
}

export interface WorkStep {
  id: string;
  kind: string;
  role: DepartmentRole;
  countersign?: Countersign;
  /** The step's own limit in working days, with the item's cards (yellow 50%, red 90%, overdue). */
  limitDays?: number;
  /**
   * A timed step (e.g. a public notice period 公示期): nobody works it; it starts when the item reaches
   * it and ends by itself (`domain/timed-steps.ts`). `counted: false`: the item's clock stops meanwhile.
   */
  timed?: { days: number; unit: 'working-days' | 'calendar-days'; counted: boolean };
}

export interface Signature {
  party: string;
  by: Actor;
  at: string;
  opinion: string;
  agree: boolean;
}

/** One act on the item's steps, attributed, for the timeline. */
export interface WorkRecord {
  at: string;
  /** `timer-start` / `timer-end`: a timed step began or ended by itself (`domain/timed-steps.ts`). */
  act: 'claim' | 'release' | 'assign' | 'complete' | 'send-back' | 'transfer' | 'sign' | 'decide' | 'timer-start' | 'timer-end';
  step: string;
  by: Actor;
  to?: Actor | string;
  opinion?: string;
  decision?: 'approve' | 'reject';
}

export interface Work {
  steps: WorkStep[];
  /** Index of the current step. */
  at: number;
  /** When the item reached the current step (its own limit counts from here). */
  enteredAt: string;
  holder?: Actor;
  signatures: Signature[];
  /** Who completed each step last, to send the item back to them. */
  completedBy: Record<string, Actor>;
  trail: WorkRecord[];
}

/** What a move ends in: the item goes on, or the last step decided it. */
export interface WorkMove {
  work: Work;
  decision?: { decision: 'approve' | 'reject'; by: Actor; opinion: string };
}

const DEFAULT_ROLES: Record<string, DepartmentRole> = { accept: 'handler', review: 'reviewer', decide: 'head' };

export function defaultStepRole(kind: string): DepartmentRole {
  return DEFAULT_ROLES[kind] ?? 'handler';
}

/**
 * The steps people work, from the item's declared steps (uncounted special steps pause the clock
 * instead), with the timed steps among them (counted or not), which run by themselves.
 */
export function workStepsOf(
  steps: ReadonlyArray<{
    id: string;
    kind: string;
    countsTowardLimit: boolean;
    role?: DepartmentRole;
    countersign?: Countersign;
    limitDays?: number;
    duration?: { days: number; unit: 'working-days' | 'calendar-days' };
  }>,
): WorkStep[] {
  return steps
    .filter((s) => s.countsTowardLimit || s.duration)
    .map((s) => ({
      id: s.id,
      kind: s.kind,
      role: s.role ?? defaultStepRole(s.kind),
      ...(s.countersign ? { countersign: s.countersign } : {}),
      ...(s.limitDays ? { limitDays: s.limitDays } : {}),
      ...(s.duration ? { timed: { ...s.duration, counted: s.countsTowardLimit } } : {}),
    }));
}

export function startWork(steps: WorkStep[], at: string): Work {
  return { steps, at: 0, enteredAt: at, signatures: [], completedBy: {}, trail: [] };
}

export function currentStep(work: Work): WorkStep {
  return work.steps[work.at]!;
}

export function notPermitted(message: string): DomainRuleError {
  return new DomainRuleError(FailureType.WrongDepartment, message, { reason: 'not-permitted' });
}

const samePerson = (a: Actor | undefined, b: Actor | undefined) => !!a?.officer && a.officer === b?.officer;

/** Names the current step, so a person acting on a page that moved on is told so (409). */
function onStep(work: Work, step: string): WorkStep {
  const current = currentStep(work);
  if (current.id !== step) throw illegalNow(`The item is at step "${current.id}", not "${step}".`);
  if (current.timed) throw illegalNow(`Step "${step}" is a timed step: nobody works it, it ends by itself.`);
  return current;
}

function person(actor: Actor, department: string): Actor & { officer: string; role: DepartmentRole } {
  if (!actor.officer || !actor.role) throw notPermitted('Working an item through its steps needs a signed-in officer with a department role.');
  if (actor.department !== department) throw notPermitted(`The item belongs to department "${department}"; "${actor.department}" may not act on it.`);
  return actor as Actor & { officer: string; role: DepartmentRole };
}

/** The actor may do the step's work: its role, holding it (or nobody holds it). */
function assertWorker(work: Work, actor: Actor, department: string): WorkStep {
  const step = currentStep(work);
  const officer = person(actor, department);
  if (officer.role !== step.role) throw notPermitted(`Step "${step.id}" is for the ${step.role}; ${officer.name ?? officer.officer} is a ${officer.role}.`);
  if (work.holder && !samePerson(work.holder, officer)) throw illegalNow(`Step "${step.id}" is held by ${work.holder.name ?? work.holder.officer}.`);
  return step;
}

const record = (work: Work, entry: WorkRecord): Work => ({ ...work, trail: [...work.trail, entry] });

export function claim(work: Work, actor: Actor, step: string, department: string, at: string): Work {
  onStep(work, step);
  assertWorker(work, actor, department);
  if (samePerson(work.holder, actor)) return work; // already theirs
  return record({ ...work, holder: actor }, { at, act: 'claim', step, by: actor });
}

export function release(work: Work, actor: Actor, step: string, department: string, at: string): Work {
  onStep(work, step);
  const officer = person(actor, department);
  if (!work.holder) throw illegalNow(`Nobody holds step "${step}".`);
  if (!samePerson(work.holder, officer) && officer.role !== 'head') throw notPermitted(`Only ${work.holder.name ?? work.holder.officer} or the head may release step "${step}".`);
  return record({ ...work, holder: undefined }, { at, act: 'release', step, by: actor });
}

/** A head assigns or reassigns the step to an officer of the department who may act on it. */
export function assign(work: Work, actor: Actor, step: string, to: Actor, department: string, at: string): Work {
  const current = onStep(work, step);
  const head = person(actor, department);
  if (head.role !== 'head') throw notPermitted('Only the head (负责人) assigns steps.');
  const target = person(to, department);
  if (target.role !== current.role) throw invalidRequest(`Step "${step}" is for the ${current.role}; ${target.name ?? target.officer} is a ${target.role}.`, { path: '/to' });
  return record({ ...work, holder: to }, { at, act: 'assign', step, by: actor, to });
}

/** 转办: the holder (or the head) hands the step to another officer of the department. */
export function transfer(work: Work, actor: Actor, step: string, to: Actor, reason: string, department: string, at: string): Work {
  const current = onStep(work, step);
  const officer = person(actor, department);
  const holds = samePerson(work.holder, officer) || (!work.holder && officer.role === current.role);
  if (!holds && officer.role !== 'head') throw notPermitted(`Only the holder of step "${step}" or the head may transfer it.`);
  if (to.department !== department) throw invalidRequest('转办 goes to an officer of the same department.', { path: '/to' });
  const target = person(to, department);
  if (samePerson(target, officer)) throw invalidRequest('Transfer to someone else.', { path: '/to' });
  if (target.role !== current.role) throw invalidRequest(`Step "${step}" is for the ${current.role}; ${target.name ?? target.officer} is a ${target.role}.`, { path: '/to' });
  return record({ ...work, holder: to }, { at, act: 'transfer', step, by: actor, to, opinion: reason });
}

/** Completes the current step with an opinion; the last step needs a decision and decides the item. */
export function complete(work: Work, actor: Actor, step: string, opinion: string, decision: 'approve' | 'reject' | undefined, department: string, at: string): WorkMove {
  const current = onStep(work, step);
  if (current.countersign) throw illegalNow(`Step "${step}" is a 会签 step: each party signs it.`);
  assertWorker(work, actor, department);
  const last = work.at === work.steps.length - 1;
  if (last && !decision) throw invalidRequest(`"${step}" is the last step: say approve or reject.`, { path: '/decision' });
  if (!last && decision) throw invalidRequest(`"${step}" is not the last step; only the last step decides.`, { path: '/decision' });
  return advance(work, actor, step, opinion, at, decision);
}

function advance(work: Work, actor: Actor, step: string, opinion: string, at: string, decision?: 'approve' | 'reject'): WorkMove {
  const done = record(
    { ...work, completedBy: { ...work.completedBy, [step]: actor } },
    { at, act: decision ? 'decide' : 'complete', step, by: actor, opinion, ...(decision ? { decision } : {}) },
  );
  if (decision) return { work: { ...done, holder: undefined }, decision: { decision, by: actor, opinion } };
  return { work: { ...done, at: work.at + 1, enteredAt: at, holder: undefined, signatures: [] } };
}

/** 退回: back to an earlier step, to whoever completed it then (they hold it again). */
export function sendBack(work: Work, actor: Actor, step: string, to: string, reason: string, department: string, at: string): Work {
  const current = onStep(work, step);
  const officer = person(actor, department);
  if (officer.role !== current.role && officer.role !== 'head') throw notPermitted(`Step "${step}" is for the ${current.role}; only they or the head send it back.`);
  const target = work.steps.findIndex((s) => s.id === to);
  if (target < 0 || target >= work.at) throw invalidRequest(`"${to}" is not an earlier step of this item.`, { path: '/to' });
  const previous = work.completedBy[to];
  return record(
    { ...work, at: target, enteredAt: at, holder: previous, signatures: [] },
    { at, act: 'send-back', step, by: actor, to, opinion: reason },
  );
}

/** The parties of a 会签 step. */
export function partiesOf(countersign: Countersign): string[] {
  return [...(countersign.roles ?? []).map((r) => `role:${r}`), ...(countersign.departments ?? []).map((d) => `department:${d}`)];
}

/** 会签: one party signs; the step completes or fails once the rule is decided. */
export function sign(work: Work, actor: Actor, step: string, opinion: string, agree: boolean, department: string, at: string): WorkMove {
  const current = onStep(work, step);
  const rule = current.countersign;
  if (!rule) throw illegalNow(`Step "${step}" is not a 会签 step.`);
  if (!actor.officer) throw notPermitted('会签 needs a signed-in officer.');
  const party =
    actor.department === department && actor.role && rule.roles?.includes(actor.role)
      ? `role:${actor.role}`
      : rule.departments?.includes(actor.department)
        ? `department:${actor.department}`
        : undefined;
  if (!party) throw notPermitted(`${actor.name ?? actor.officer} is not a party of the 会签 of step "${step}".`);
  if (work.signatures.some((s) => s.party === party)) throw illegalNow(`${party} has signed step "${step}" already.`);
  const signed = record(
    { ...work, signatures: [...work.signatures, { party, by: actor, at, opinion, agree }] },
    { at, act: 'sign', step, by: actor, opinion, decision: agree ? 'approve' : 'reject' },
  );
  const parties = partiesOf(rule).length;
  const agreed = signed.signatures.filter((s) => s.agree).length;
  const against = signed.signatures.length - agreed;
  const needed = rule.mode === 'all' ? parties : rule.mode === 'any' ? 1 : Math.ceil((rule.ratio ?? 1) * parties - 1e-9);
  const last = work.at === work.steps.length - 1;
  if (agreed >= needed) return advance(signed, actor, step, '会签通过', at, last ? 'approve' : undefined);
  if (parties - against < needed) {
    // The rule can no longer be met: the last step rejects; an earlier one goes back a step.
    if (last || work.at === 0) return advance(signed, actor, step, '会签未通过', at, 'reject');
    const back = work.steps[work.at - 1]!.id;
    return { work: record({ ...signed, at: work.at - 1, enteredAt: at, holder: signed.completedBy[back], signatures: [] }, { at, act: 'send-back', step, by: actor, to: back, opinion: '会签未通过' }) };
  }
  return { work: signed };
}
