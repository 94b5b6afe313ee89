import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  advanceCase,
  advanceItem,
  caseState,
  initialCaseSnapshot,
  initialItemSnapshot,
  itemStatus,
  type CaseEvent,
  type CaseSnapshot,
} from '../../../workflows/lifecycle';

function run(...events: CaseEvent['type'][]): CaseSnapshot {
  return events.reduce((s, type) => advanceCase(s, { type } as CaseEvent), initialCaseSnapshot());
}

function failureOf(fn: () => unknown): ApplicationFailure {
  try {
    fn();
  } catch (err) {
    return err as ApplicationFailure;
  }
  throw new Error('expected a failure');
}

describe('case lifecycle', () => {
  it('goes submitted → accepted → processing → issuing → completed on the happy path', () => {
    const states = [] as string[];
    let s = initialCaseSnapshot();
    states.push(caseState(s));
    for (const type of ['ACCEPT', 'DISPATCH', 'ALL_ITEMS_DONE', 'RESULTS_ISSUED'] as const) {
      s = advanceCase(s, { type });
      states.push(caseState(s));
    }
    expect(states).toEqual(['submitted', 'accepted', 'processing', 'issuing', 'completed']);
  });

  it('refuses an illegal event with an IllegalTransition failure naming state and event', () => {
    const failure = failureOf(() => run('ACCEPT', 'ACCEPT'));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe('IllegalTransition');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/accepted.*ACCEPT/);
  });

  it('ends in refused, rejected or withdrawn and accepts nothing after', () => {
    for (const end of [run('REFUSE'), run('ACCEPT', 'DISPATCH', 'ITEM_REJECTED'), run('ACCEPT', 'WITHDRAW')]) {
      expect(end.status).toBe('done');
      for (const type of ['ACCEPT', 'DISPATCH', 'ALL_ITEMS_DONE', 'RESULTS_ISSUED'] as const) expect(end.can({ type })).toBe(false);
    }
  });

  it('stays supplementing until the last open supplement is received', () => {
    let s = run('ACCEPT', 'DISPATCH', 'SUPPLEMENT_REQUESTED', 'SUPPLEMENT_REQUESTED');
    expect(caseState(s)).toBe('supplementing');
    expect(s.context.openSupplements).toBe(2);
    s = advanceCase(s, { type: 'SUPPLEMENT_RECEIVED' });
    expect(caseState(s)).toBe('supplementing');
    s = advanceCase(s, { type: 'SUPPLEMENT_RECEIVED' });
    expect(caseState(s)).toBe('processing');
    expect(s.can({ type: 'ALL_ITEMS_DONE' })).toBe(true);
  });

  it('cannot complete while an item waits for a supplement', () => {
    expect(run('ACCEPT', 'DISPATCH', 'SUPPLEMENT_REQUESTED').can({ type: 'ALL_ITEMS_DONE' })).toBe(false);
  });

  it('terminates a case whose commitment is broken, before or after completion', () => {
    expect(caseState(run('ACCEPT', 'DISPATCH', 'COMMITMENT_BROKEN'))).toBe('terminated');
    expect(caseState(run('ACCEPT', 'DISPATCH', 'ALL_ITEMS_DONE', 'RESULTS_ISSUED', 'COMMITMENT_BROKEN'))).toBe('terminated');
  });
});

describe('item lifecycle', () => {
  it('is in review after dispatch and approved after APPROVE', () => {
    let s = advanceItem(initialItemSnapshot('fire-rescue'), { type: 'DISPATCH' });
    expect(itemStatus(s)).toBe('in-review');
    s = advanceItem(s, { type: 'APPROVE' });
    expect(itemStatus(s)).toBe('approved');
    expect(s.can({ type: 'REJECT' })).toBe(false);
  });

  it('refuses a decision on an item still pending', () => {
    const failure = failureOf(() => advanceItem(initialItemSnapshot('x'), { type: 'APPROVE' }));
    expect(failure.type).toBe('IllegalTransition');
    expect(failure.message).toMatch(/pending/);
  });

  it('moves responsibility to the supervising department on escalation', () => {
    let s = advanceItem(initialItemSnapshot('bank'), { type: 'DISPATCH' });
    s = advanceItem(s, { type: 'ESCALATE', department: 'pbc' });
    expect(itemStatus(s)).toBe('in-review');
    expect(s.context).toEqual({ department: 'pbc', escalations: 1 });
  });

  it('takes no decision while waiting for a supplement', () => {
    let s = advanceItem(initialItemSnapshot('x'), { type: 'DISPATCH' });
    s = advanceItem(s, { type: 'REQUEST_SUPPLEMENT' });
    expect(itemStatus(s)).toBe('supplementing');
    expect(s.can({ type: 'APPROVE' })).toBe(false);
    expect(s.can({ type: 'TIMEOUT_DEFAULT' })).toBe(false);
  });
});
