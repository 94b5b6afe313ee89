/**
 * The hand-written baseline of the engine-vs-hand-written benchmark: what a developer would write by
 * hand for one bundle on Temporal, with nothing generic around it. A case waits for window acceptance,
 * starts one child workflow per applicable item once the items it depends on are approved, and issues
 * every result together; an item computes its clock, waits for the department's approval (or its
 * deadline: deemed approved, with a sealed notice), and returns.
 *
 * The same Updates as the engine (`acceptCase`, `approveItem`, with the same arguments; the
 * department is checked in the validator), the same activities (`computeItemClock`,
 * `issueResults`, `issueTimeoutDefaultNotice` from `createActivities`), the inbox search attributes
 * set when an item starts and its status once when it is decided, the case status when accepted and
 * when completed. Small answers: Updates return the status, not whole views; no item → case signals
 * (the case learns outcomes from child results); the case input carries only what it runs on.
 */
import {
  ApplicationFailure,
  condition,
  defineQuery,
  defineUpdate,
  executeChild,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { Activities } from '../../activities';
import { evaluateCondition } from '../../definitions/condition';
import type { Condition } from '../../definitions/schema';

export interface HandActor {
  department: string;
  officer?: string;
}

export interface HandItem {
  id: string;
  code: string;
  department: string;
  dependsOn: string[];
  promisedDays: number;
  defaultable: boolean;
  condition?: Condition;
  title: { zh: string; en: string };
  result: { kind: string; title: { zh: string; en: string }; licenceType?: string };
}

export interface HandCaseInput {
  caseId: string;
  bundleId: string;
  bundleVersion: number;
  windowDepartment: string;
  calendar: string;
  applicant: { subjectId: string; name: string };
  form: Record<string, unknown>;
  items: HandItem[];
}

export interface HandItemInput {
  caseId: string;
  calendar: string;
  applicant: { subjectId: string; name: string };
  item: HandItem;
}

export interface HandItemOutcome {
  itemId: string;
  status: 'approved' | 'defaulted';
  decidedAt: string;
  decidedBy?: HandActor;
}

/** The same names and arguments as the engine's (`workflows/contract.ts`). */
export const acceptCase = defineUpdate<{ status: string }, [{ actor: HandActor; note?: string }]>('acceptCase');
export const approveItem = defineUpdate<{ status: string }, [{ actor: HandActor; comment?: string }]>('approveItem');
export const getStatus = defineQuery<string>('getStatus');

const CaseStatusKey = defineSearchAttributeKey('CaseStatus', SearchAttributeType.KEYWORD);
const CaseIdKey = defineSearchAttributeKey('CaseId', SearchAttributeType.KEYWORD);
const BundleIdKey = defineSearchAttributeKey('BundleId', SearchAttributeType.KEYWORD);
const ItemIdKey = defineSearchAttributeKey('ItemId', SearchAttributeType.KEYWORD);
const DepartmentKey = defineSearchAttributeKey('Department', SearchAttributeType.KEYWORD);
const ItemStatusKey = defineSearchAttributeKey('ItemStatus', SearchAttributeType.KEYWORD);

const { computeItemClock, issueResults, issueTimeoutDefaultNotice } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

function refuse(message: string, type: string): never {
  throw ApplicationFailure.nonRetryable(message, type);
}

export async function handCaseWorkflow(input: HandCaseInput): Promise<{ caseId: string; results: number }> {
  let status = 'submitted';
  setHandler(getStatus, () => status);
  setHandler(
    acceptCase,
    () => {
      status = 'processing';
      upsertSearchAttributes([{ key: CaseStatusKey, value: status }]);
      return { status };
    },
    {
      validator: ({ actor }) => {
        if (actor?.department !== input.windowDepartment) refuse(`Only ${input.windowDepartment} accepts.`, 'WrongDepartment');
        if (status !== 'submitted') refuse(`The case is ${status}.`, 'IllegalTransition');
      },
    },
  );
  await condition(() => status !== 'submitted');

  const items = input.items.filter((item) => !item.condition || evaluateCondition(item.condition, input.form));
  const applicable = new Set(items.map((item) => item.id));
  const outcomes = new Map<string, HandItemOutcome>();
  await Promise.all(
    items.map(async (item) => {
      await condition(() => item.dependsOn.every((dep) => !applicable.has(dep) || outcomes.has(dep)));
      const outcome = await executeChild(handItemWorkflow, {
        workflowId: `${workflowInfo().workflowId}-item-${item.id}`,
        args: [{ caseId: input.caseId, calendar: input.calendar, applicant: input.applicant, item }],
        typedSearchAttributes: [
          { key: CaseIdKey, value: input.caseId },
          { key: BundleIdKey, value: input.bundleId },
          { key: ItemIdKey, value: item.id },
          { key: DepartmentKey, value: item.department },
          { key: ItemStatusKey, value: 'in-review' },
        ],
      });
      outcomes.set(item.id, outcome);
    }),
  );

  const issued = await issueResults({
    caseId: input.caseId,
    bundleId: input.bundleId,
    bundleVersion: input.bundleVersion,
    issuedAt: new Date().toISOString(),
    applicant: input.applicant,
    items: items.map((item) => {
      const outcome = outcomes.get(item.id)!;
      return {
        itemId: item.id,
        code: item.code,
        department: item.department,
        result: item.result,
        decision: outcome.status,
        decidedAt: outcome.decidedAt,
      };
    }),
  });
  status = 'completed';
  upsertSearchAttributes([{ key: CaseStatusKey, value: status }]);
  return { caseId: input.caseId, results: issued.length };
}

export async function handItemWorkflow(input: HandItemInput): Promise<HandItemOutcome> {
  const { item } = input;
  const startedAt = new Date().toISOString();
  let decision: { at: string; by: HandActor } | undefined;
  setHandler(
    approveItem,
    ({ actor }) => {
      decision = { at: new Date().toISOString(), by: actor };
      return { status: 'approved' };
    },
    {
      validator: ({ actor }) => {
        if (actor?.department !== item.department) refuse(`Only ${item.department} decides ${item.id}.`, 'WrongDepartment');
        if (decision) refuse(`Item ${item.id} is decided.`, 'IllegalTransition');
      },
    },
  );
  const clock = await computeItemClock({ calendar: input.calendar, start: startedAt, days: item.promisedDays, pauses: [] });
  const deadline = clock.deadline;
  const decided = deadline ? await condition(() => decision !== undefined, Math.max(1, Date.parse(deadline) - Date.now())) : false;
  let outcome: HandItemOutcome;
  if (decided || !deadline || !item.defaultable) {
    await condition(() => decision !== undefined);
    outcome = { itemId: item.id, status: 'approved', decidedAt: decision!.at, decidedBy: decision!.by };
  } else {
    await issueTimeoutDefaultNotice({
      caseId: input.caseId,
      itemId: item.id,
      itemCode: item.code,
      itemTitle: item.title,
      department: item.department,
      deadline,
      defaultedAt: deadline,
      holder: input.applicant,
    });
    outcome = { itemId: item.id, status: 'defaulted', decidedAt: deadline };
  }
  upsertSearchAttributes([{ key: ItemStatusKey, value: outcome.status }]);
  return outcome;
}
