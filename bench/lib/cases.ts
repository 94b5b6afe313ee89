/**
 * Cases of bundle enterprise-startup driven through the Temporal client as the API drives them: start
 * (the same workflow input, memo and search attributes as `POST /cases`), window acceptance by Update,
 * and each item approved by Update as soon as it is in review (its workflow exists), in dependency
 * order. The same driver runs the engine (`caseWorkflow`) and the hand-written baseline.
 */
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { evaluateCondition } from '../../definitions/condition';
import { casePlan, type ExecutionPlan } from '../../definitions/plan';
import { DefinitionRegistry, MemoryRegistryStore } from '../../definitions/registry';
import type { HandCaseInput } from '../handwritten/workflows';
import { PROJECT_ROOT } from './report';
import { sleep } from './pool';

export const BUNDLE_ID = 'enterprise-startup';

/**
 * A valid application for enterprise-startup (every item applies: the company hires staff). The same
 * as `enterpriseApplication()` of test/fixtures/applications.ts, copied: benchmarks do not import tests.
 */
export function enterpriseApplication(subjectId = '91420100MA4K0000X1') {
  return {
    applicant: { subjectId, kind: 'company' as const, name: '武汉一件事科技有限公司' },
    form: {
      companyName: '武汉一件事科技有限公司',
      enterpriseType: 'limited-liability',
      registeredCapital: 1000000,
      businessScope: '软件开发；信息技术咨询服务',
      companyAddress: '武汉市洪山区珞喻路1号',
      legalRepName: '李华',
      legalRepIdNumber: '420111198805051234',
      legalRepPhone: '13900139000',
      hiresStaff: true,
      employeeCount: 5,
      sealSet: 'standard',
      invoiceType: 'vat-general',
      financeContactName: '张会计',
      housingFundRate: 12,
      bankName: '中国工商银行武汉分行',
    } as Record<string, unknown>,
    materials: [{ id: 'legal-rep-id-card' }, { id: 'articles-of-association' }, { id: 'premises-proof' }] as Array<{ id: string }>,
  };
}

/** The repository's bundles, as `npm start` loads them. */
export async function openRegistry(): Promise<DefinitionRegistry> {
  return DefinitionRegistry.open({ bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles'), store: new MemoryRegistryStore() });
}

export async function enterprisePlan(): Promise<ExecutionPlan> {
  return (await openRegistry()).get(BUNDLE_ID).plan;
}

const CaseIdKey = defineSearchAttributeKey('CaseId', SearchAttributeType.KEYWORD);
const BundleIdKey = defineSearchAttributeKey('BundleId', SearchAttributeType.KEYWORD);
const CaseStatusKey = defineSearchAttributeKey('CaseStatus', SearchAttributeType.KEYWORD);

export type CaseKind = 'engine' | 'handwritten';

/** Workflow ids: the engine's (`case-{id}`, `case-{id}-item-{item}`) and the baseline's (`hw-…`). */
export function caseWorkflowIdOf(kind: CaseKind, caseId: string): string {
  return kind === 'engine' ? `case-${caseId}` : `hw-${caseId}`;
}
export function itemWorkflowIdOf(kind: CaseKind, caseId: string, itemId: string): string {
  return `${caseWorkflowIdOf(kind, caseId)}-item-${itemId}`;
}

export function newCaseId(): string {
  return randomUUID().replaceAll('-', '').slice(0, 24);
}

/** The items a case of this application runs, in plan order (conditions on the form decided here too). */
export function applicableItems(plan: ExecutionPlan, form: Record<string, unknown>): ExecutionPlan['items'] {
  return plan.items.filter((item) => !item.condition || evaluateCondition(item.condition, form));
}

/** Starts a case as `POST /cases` does (`CaseService.start`): same input, memo and search attributes. */
export async function startEngineCase(client: Client, taskQueue: string, plan: ExecutionPlan, caseId: string): Promise<void> {
  const application = enterpriseApplication();
  const requestHash = createHash('sha256').update(JSON.stringify({ bundleId: plan.bundleId, version: plan.version, ...application })).digest('hex');
  await client.workflow.start('caseWorkflow', {
    taskQueue,
    workflowId: caseWorkflowIdOf('engine', caseId),
    args: [{ caseId, plan: casePlan(plan), application, submittedAt: new Date().toISOString() }],
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    memo: { requestHash, startedBy: 'integrator', bundleId: plan.bundleId, bundleVersion: plan.version },
    typedSearchAttributes: [
      { key: CaseIdKey, value: caseId },
      { key: BundleIdKey, value: plan.bundleId },
      { key: CaseStatusKey, value: 'submitted' },
    ],
  });
}

/** Starts the hand-written baseline's case: the input it runs on, the same search attributes. */
export async function startHandwrittenCase(client: Client, taskQueue: string, plan: ExecutionPlan, caseId: string): Promise<void> {
  const application = enterpriseApplication();
  const input: HandCaseInput = {
    caseId,
    bundleId: plan.bundleId,
    bundleVersion: plan.version,
    windowDepartment: plan.window.department,
    calendar: plan.calendar,
    applicant: { subjectId: application.applicant.subjectId, name: application.applicant.name },
    form: application.form,
    items: plan.items.map((item) => ({
      id: item.id,
      code: item.code,
      department: item.department,
      dependsOn: item.dependsOn,
      promisedDays: item.promisedDays,
      defaultable: item.defaultable,
      title: item.title,
      result: item.result,
      ...(item.condition ? { condition: item.condition } : {}),
    })),
  };
  await client.workflow.start('handCaseWorkflow', {
    taskQueue,
    workflowId: caseWorkflowIdOf('handwritten', caseId),
    args: [input],
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: [
      { key: CaseIdKey, value: caseId },
      { key: BundleIdKey, value: plan.bundleId },
      { key: CaseStatusKey, value: 'submitted' },
    ],
  });
}

export function startCase(kind: CaseKind, client: Client, taskQueue: string, plan: ExecutionPlan, caseId: string): Promise<void> {
  return kind === 'engine' ? startEngineCase(client, taskQueue, plan, caseId) : startHandwrittenCase(client, taskQueue, plan, caseId);
}

/** Window acceptance, as `POST /cases/:id/accept` sends it. */
export async function acceptCase(kind: CaseKind, client: Client, plan: ExecutionPlan, caseId: string): Promise<void> {
  await client.workflow.getHandle(caseWorkflowIdOf(kind, caseId)).executeUpdate('acceptCase', {
    args: [{ actor: { department: plan.window.department, officer: `window-${plan.window.department}` } }],
    updateId: randomUUID(),
  });
}

const POLL_MS = 20;

/**
 * Approves an item as `POST /cases/:id/items/:item/approve` sends it, once its workflow exists
 * (until then, the Update finds no workflow: try again in {@link POLL_MS} ms). Returns the Update's
 * round trip in ms (the successful call only).
 */
export async function approveWhenInReview(kind: CaseKind, client: Client, caseId: string, item: { id: string; department: string }, timeoutMs = 60_000): Promise<number> {
  const handle = client.workflow.getHandle(itemWorkflowIdOf(kind, caseId, item.id));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const t0 = performance.now();
    try {
      await handle.executeUpdate('approveItem', { args: [{ actor: { department: item.department, officer: `officer-${item.department}` } }], updateId: randomUUID() });
      return performance.now() - t0;
    } catch (err) {
      if (!isNotFound(err) || Date.now() > deadline) throw err;
      await sleep(POLL_MS);
    }
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || (err as { code?: number }).code === 5 || /not found/i.test((err as Error).message ?? '');
}

export interface DrivenCase {
  caseId: string;
  wallMs: number;
  updateMs: number[];
}

/** One whole case: start, accept, every item approved as it comes into review, the result awaited. */
export async function driveCase(kind: CaseKind, client: Client, taskQueue: string, plan: ExecutionPlan, caseId = newCaseId()): Promise<DrivenCase> {
  const t0 = performance.now();
  const updateMs: number[] = [];
  await startCase(kind, client, taskQueue, plan, caseId);
  const a0 = performance.now();
  await acceptCase(kind, client, plan, caseId);
  updateMs.push(performance.now() - a0);
  const items = applicableItems(plan, enterpriseApplication().form);
  const approved = new Map<string, Promise<void>>();
  const approve = (item: (typeof items)[number]): Promise<void> => {
    let done = approved.get(item.id);
    if (!done) {
      done = (async () => {
        await Promise.all(item.dependsOn.filter((dep) => items.some((i) => i.id === dep)).map((dep) => approve(items.find((i) => i.id === dep)!)));
        updateMs.push(await approveWhenInReview(kind, client, caseId, item));
      })();
      approved.set(item.id, done);
    }
    return done;
  };
  await Promise.all(items.map(approve));
  await client.workflow.getHandle(caseWorkflowIdOf(kind, caseId)).result();
  return { caseId, wallMs: performance.now() - t0, updateMs };
}
