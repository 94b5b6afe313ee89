/**
 * Cases over the Temporal client: start (idempotently), read progress, materials and documents, act at
 * the window, decide items, keep commitments. Routes stay thin and call this as `app.cases`; what it
 * refuses it throws as the errors of `./errors`, never as HTTP problems.
 */
import { createHash, randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import fp from 'fastify-plugin';
import type { CaseNumberSequence } from '../../adapters/case-numbers';
import { bundleCode, caseNumbering } from '../../definitions/case-number';
import type { DefinitionRegistry } from '../../definitions/registry';
import { illegalTransition } from '../../domain/errors';
import { casePlan, type ExecutionPlan } from '../../definitions/plan';
import type { BlobStore } from '../../adapters/blobs';
import type { CertificateLibrary } from '../../adapters/certificates';
import type { DocumentStore, StoredDocument } from '../../adapters/documents';
import type { SealedDocument } from '../../adapters/sealer';
import { prefill } from '../../forms/prefill';
import { validateApplication } from '../../forms/validate';
import type { caseWorkflow } from '../../workflows';
import {
  acceptCase,
  approveItem,
  BundleIdKey,
  CaseIdKey,
  CaseNumberKey,
  CaseStatusKey,
  caseWorkflowId,
  endSpecialStep,
  provideSupplement,
  requestSupplement,
  startSpecialStep,
  getCaseInput,
  getProgress,
  itemWorkflowId,
  assignStep,
  claimStep,
  completeStep,
  copyItem,
  releaseStep,
  sendBackStep,
  signStep,
  transferStep,
  urgeItem,
  refuseCase,
  rejectCommitmentMaterial,
  rejectItem,
  supplyCommitmentMaterials,
  TASK_QUEUE,
  withdrawCase,
  type Actor,
  type Application,
  type CaseInput,
  type CaseProgress,
  type Echoed,
  type ItemView,
  type MaterialRef,
  type Requester,
} from '../../workflows/contract';
import { applicabilityOf, departmentHasAccess, involves, type Applicability } from '../access';
import type { ReadModelStore } from '../../adapters/read-model';
import {
  IdempotencyKeyReusedError,
  InvalidApplicationError,
  ItemNotActionableError,
  NoCaseAccessError,
  UnknownItemError,
  WrongDepartmentError,
} from './errors';
import { runUpdate, type IdempotencyKey, type UpdateOutcome } from './updates';
import type { StartedCase } from '../schemas';

export interface StartCaseRequest extends Application {
  bundleId: string;
  version?: number;
}

export type { StartedCase };

/** What a department can do to one of its items. */
export type ItemAction =
  | { kind: 'approve'; comment?: string }
  | { kind: 'reject'; reason: string }
  | { kind: 'request-supplement'; reason: string; materials: Array<{ material?: string; description: string }> }
  | { kind: 'start-special-step'; step: string }
  | { kind: 'end-special-step' }
  // Items worked through their steps by signed-in officers (`domain/work-steps.ts`).
  | { kind: 'claim'; step: string }
  | { kind: 'release'; step: string }
  | { kind: 'assign'; step: string; to: Actor }
  | { kind: 'complete'; step: string; opinion: string; decision?: 'approve' | 'reject' }
  | { kind: 'send-back'; step: string; to: string; reason: string }
  | { kind: 'transfer'; step: string; to: Actor; reason: string }
  | { kind: 'sign'; step: string; opinion: string; agree: boolean }
  | { kind: 'copy'; to: { department?: string; person?: string }; note?: string };

export interface CaseServiceOptions {
  client: Client;
  registry: DefinitionRegistry;
  /** Where cases are started (default: the engine's task queue). */
  taskQueue?: string;
  /** The document store, to hand out a case's sealed documents. */
  documents?: DocumentStore;
  /** Uploaded materials (one set of materials: uploaded once, linked to every item). */
  blobs?: BlobStore;
  /** The electronic-licence library (免证明, 数据预填充). */
  certificates?: CertificateLibrary;
  /** The read model: a case's progress when the worker does not answer within `progressFallbackMs`. */
  readModel?: ReadModelStore;
  /** How long a progress read waits for the worker before the read model answers (default 2000 ms). */
  progressFallbackMs?: number;
  /** Where case numbers (办件编号) are drawn, shared by every API node; without it cases have none. */
  caseNumbers?: CaseNumberSequence;
}

/** A case's progress as read: from its workflow, or from the read model (with `asOf`) when the worker is away. */
export interface ReadProgress {
  progress: CaseProgress;
  /** Set when the read model answered: when its copy was written. */
  asOf?: string;
  /** Whether each item applies to the application, for department access checks. */
  applicability: Applicability;
}

export class CaseService {
  private readonly client: Client;
  private readonly registry: DefinitionRegistry;
  private readonly taskQueue: string;
  private readonly documentStore?: DocumentStore;
  private readonly blobs?: BlobStore;
  private readonly certificates?: CertificateLibrary;
  private readonly readModel?: ReadModelStore;
  private readonly progressFallbackMs: number;
  private readonly caseNumbers?: CaseNumberSequence;

  constructor(options: CaseServiceOptions) {
    this.client = options.client;
    this.registry = options.registry;
    this.taskQueue = options.taskQueue ?? TASK_QUEUE;
    this.documentStore = options.documents;
    this.blobs = options.blobs;
    this.certificates = options.certificates;
    this.readModel = options.readModel;
    this.progressFallbackMs = options.progressFallbackMs ?? 2000;
    this.caseNumbers = options.caseNumbers;
  }

  /**
   * Starts a case on the bundle's plan (latest version unless one is named). With an idempotency key,
   * the same key from the same principal always names the same case: a repeat returns it unchanged,
   * and a repeat with a different request is refused.
   */
  async start(request: StartCaseRequest, startedBy: string, idempotencyKey?: string): Promise<StartedCase> {
    const { plan } = this.registry.get(request.bundleId, request.version);
    const application = await this.withLicences(plan, { applicant: request.applicant, form: request.form, materials: request.materials });
    const issues = [...validateApplication(plan, application), ...(await this.unknownUploads(application))];
    if (issues.length > 0) throw new InvalidApplicationError(issues);
    const requestHash = sha256(canonicalize({ ...request, version: plan.version }) ?? '');
    const caseId = idempotencyKey ? sha256(`${startedBy}\n${idempotencyKey}`).slice(0, 24) : randomUUID().replaceAll('-', '').slice(0, 24);
    const existing = await this.existingCase(caseId, requestHash);
    if (existing) return existing;

    const submittedAt = new Date().toISOString();
    // Drawn once the case is known to be new; a start that fails after it leaves a gap, never a repeat.
    const caseNumber = await this.numberFor(plan, submittedAt);
    const input: CaseInput = { caseId, plan: casePlan(plan), application, submittedAt, ...(caseNumber ? { caseNumber } : {}) };
    try {
      await this.client.workflow.start<typeof caseWorkflow>('caseWorkflow', {
        taskQueue: this.taskQueue,
        workflowId: caseWorkflowId(caseId),
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        memo: { requestHash, startedBy, bundleId: plan.bundleId, bundleVersion: plan.version, ...(caseNumber ? { caseNumber } : {}) },
        typedSearchAttributes: [
          { key: CaseIdKey, value: caseId },
          { key: BundleIdKey, value: plan.bundleId },
          { key: CaseStatusKey, value: 'submitted' },
          ...(caseNumber ? [{ key: CaseNumberKey, value: caseNumber }] : []),
        ],
      });
    } catch (err) {
      // A concurrent request with the same key won the race: answer with its case.
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        const raced = await this.existingCase(caseId, requestHash);
        if (raced) return raced;
      }
      throw err;
    }
    return { caseId, ...(caseNumber ? { caseNumber } : {}), bundleId: plan.bundleId, bundleVersion: plan.version, created: true };
  }

  /** The case number (办件编号) of a case of this plan submitted now: the bundle's pattern, the shared counter. */
  private async numberFor(plan: ExecutionPlan, submittedAt: string): Promise<string | undefined> {
    if (!this.caseNumbers) return undefined;
    const numbering = caseNumbering(plan.caseNumber?.pattern, { code: bundleCode({ id: plan.bundleId, code: plan.code }), submittedAt });
    return numbering.format(await this.caseNumbers.next(numbering.scope));
  }

  async progress(caseId: string): Promise<CaseProgress> {
    return this.caseHandle(caseId).query(getProgress);
  }

  /**
   * A case's progress for reading: its workflow's answer, or — when the worker has not answered
   * within `progressFallbackMs` (stopped, busy, or Temporal unreachable) — the read model's copy,
   * marked with `asOf`. Without a copy, the workflow's answer is awaited (and its outage reported).
   */
  async readProgress(caseId: string): Promise<ReadProgress> {
    const fromWorkflow = (progress: CaseProgress): ReadProgress => ({ progress, applicability: applicabilityOf(() => this.inputOf(caseId)) });
    const query = this.progress(caseId);
    if (!this.readModel) return fromWorkflow(await query);
    query.catch(() => undefined); // answered from the read model, a late failure is nobody's
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'waited'>((resolve) => {
      timer = setTimeout(() => resolve('waited'), this.progressFallbackMs);
    });
    const first = await Promise.race([query.then(fromWorkflow, (err: unknown) => ({ err })), waited]).finally(() => clearTimeout(timer));
    if (first !== 'waited' && !('err' in first)) return first;
    if (first !== 'waited' && (first.err instanceof WorkflowNotFoundError || !(await this.workerMayBeAway(first.err)))) throw first.err;
    const stored = await this.readModel.caseProgress(caseId);
    if (!stored) return fromWorkflow(await query);
    return {
      progress: stored.progress as CaseProgress,
      asOf: stored.asOf,
      applicability: async () => (itemId) => stored.applicable[itemId] ?? true,
    };
  }

  /** An error the read model may answer in place of (Temporal or the worker unreachable), rather than a refusal. */
  private async workerMayBeAway(err: unknown): Promise<boolean> {
    return !(err instanceof Error && ['QueryRejectedError', 'WorkflowNotFoundError'].includes(err.name)) && !(err instanceof TypeError);
  }

  /**
   * What the state already holds is never asked for: materials sourced from electronic licences the
   * applicant holds are linked to those licences, and fields the applicant left empty are pre-filled
   * from them. Values the applicant gave win.
   */
  private async withLicences(plan: ExecutionPlan, application: Application): Promise<Application> {
    if (!this.certificates) return application;
    const filled = prefill(plan, await this.certificates.licencesOf(application.applicant.subjectId));
    const given = new Set(application.materials.map((m) => m.id));
    const fetched = filled.satisfiedMaterials
      .filter((m) => !given.has(m.material))
      .map((m) => ({ id: m.material, ref: `licence:${m.licenceType}:${m.number}` }));
    return { ...application, form: { ...filled.form, ...application.form }, materials: [...application.materials, ...fetched] };
  }

  /** Uploaded materials must name uploads this API stored (uploaded once, linked to every item). */
  private async unknownUploads(application: Application): Promise<Array<{ path: string; code: string; message: string }>> {
    const blobs = this.blobs;
    if (!blobs) return [];
    const checks = await Promise.all(application.materials.map(async (m) => (m.sha256 ? blobs.has(m.sha256) : true)));
    return application.materials.flatMap((m, index) =>
      checks[index] ? [] : [{ path: `/materials/${index}/sha256`, code: 'unknown-upload', message: `No upload with sha256 ${m.sha256}; upload it first.` }],
    );
  }

  /**
   * One set of materials: each material of the case once, where it came from (an upload, an
   * electronic licence), and every item it serves.
   */
  async materialsOf(caseId: string): Promise<Array<{ material: string; sha256?: string; ref?: string; items: string[] }>> {
    const input = await this.inputOf(caseId);
    return input.application.materials.map((m) => ({
      material: m.id,
      ...(m.sha256 ? { sha256: m.sha256 } : {}),
      ...(m.ref ? { ref: m.ref } : {}),
      items: input.plan.items.filter((item) => item.materials.includes(m.id)).map((item) => item.id),
    }));
  }

  /** What the case was started with: the plan it is pinned to (not the registry's latest) and the application. */
  async inputOf(caseId: string): Promise<CaseInput> {
    return this.caseHandle(caseId).query(getCaseInput);
  }

  async accept(caseId: string, actor: Actor, options: { note?: string; tolerateMissing?: boolean }, key?: IdempotencyKey): Promise<UpdateOutcome<CaseProgress>> {
    return runUpdate(this.client, this.caseHandle(caseId), acceptCase, [{ actor, ...options }], key);
  }

  /** The applicant supplies materials promised in the case's commitment. */
  async supplyCommitment(caseId: string, materials: MaterialRef[], key?: IdempotencyKey): Promise<UpdateOutcome<CaseProgress>> {
    return runUpdate(this.client, this.caseHandle(caseId), supplyCommitmentMaterials, [{ materials }], key);
  }

  /**
   * A department finds a supplied material wrong: it reopens with the time it had left. Departments
   * without an applicable item in the case are refused here, whatever the commitment's state.
   */
  async rejectCommitmentMaterial(caseId: string, actor: Actor, material: string, reason: string, key?: IdempotencyKey): Promise<UpdateOutcome<CaseProgress>> {
    await this.assertDepartmentAccess(actor.department, caseId, await this.progress(caseId));
    return runUpdate(this.client, this.caseHandle(caseId), rejectCommitmentMaterial, [{ actor, material, reason }], key);
  }

  async refuse(caseId: string, actor: Actor, reasons: string[], key?: IdempotencyKey): Promise<UpdateOutcome<CaseProgress>> {
    return runUpdate(this.client, this.caseHandle(caseId), refuseCase, [{ actor, reasons }], key);
  }

  /**
   * 撤回申请: the case ends as withdrawn, its open items cancelled, nothing issued. Who may withdraw is
   * the route's to decide (`routes/applicant/withdrawal.ts`); the workflow refuses a case past it.
   */
  async withdraw(caseId: string, by: Requester, reason: string | undefined, key?: IdempotencyKey): Promise<UpdateOutcome<CaseProgress>> {
    try {
      return await runUpdate(this.client, this.caseHandle(caseId), withdrawCase, [{ by, ...(reason ? { reason } : {}) }], key);
    } catch (err) {
      // A closed case (withdrawn, refused, rejected, completed and settled) is past withdrawal, not unknown;
      // a case that never was is still not found, by this Query.
      if (err instanceof WorkflowNotFoundError) throw illegalTransition('case', (await this.progress(caseId)).status, 'WITHDRAW');
      throw err;
    }
  }

  /**
   * A department acting on an item: decide it, ask for a supplement, run a special step. The Update
   * goes straight to the item's workflow, whose validators have the last word (the responsible
   * department, the state): a department they accept has the item, so the case is not asked first.
   * When the Update fails, the case's checks explain it as they did before any Update was sent (a
   * department without an item in the case, an unknown item, another department's item, one not yet
   * dispatched); otherwise the workflow's refusal stands, or the item has closed.
   */
  async act(caseId: string, itemId: string, actor: Actor, action: ItemAction, key?: IdempotencyKey): Promise<UpdateOutcome<ItemView>> {
    const handle = this.client.workflow.getHandle(itemWorkflowId(caseId, itemId));
    const run = <Args extends [object]>(update: UpdateDefinition<Echoed<ItemView>, Args>, args: Args) => runUpdate(this.client, handle, update, args, key);
    try {
      switch (action.kind) {
        case 'approve':
          return await run(approveItem, [{ actor, comment: action.comment }]);
        case 'reject':
          return await run(rejectItem, [{ actor, reason: action.reason }]);
        case 'request-supplement':
          return await run(requestSupplement, [{ actor, reason: action.reason, materials: action.materials }]);
        case 'start-special-step':
          return await run(startSpecialStep, [{ actor, step: action.step }]);
        case 'end-special-step':
          return await run(endSpecialStep, [{ actor }]);
        case 'claim':
          return await run(claimStep, [{ actor, step: action.step }]);
        case 'release':
          return await run(releaseStep, [{ actor, step: action.step }]);
        case 'assign':
          return await run(assignStep, [{ actor, step: action.step, to: action.to }]);
        case 'complete':
          return await run(completeStep, [{ actor, step: action.step, opinion: action.opinion, ...(action.decision ? { decision: action.decision } : {}) }]);
        case 'send-back':
          return await run(sendBackStep, [{ actor, step: action.step, to: action.to, reason: action.reason }]);
        case 'transfer':
          return await run(transferStep, [{ actor, step: action.step, to: action.to, reason: action.reason }]);
        case 'sign':
          return await run(signStep, [{ actor, step: action.step, opinion: action.opinion, agree: action.agree }]);
        case 'copy':
          return await run(copyItem, [{ actor, to: action.to, ...(action.note ? { note: action.note } : {}) }]);
      }
    } catch (err) {
      throw await this.refusalOf(err, caseId, itemId, actor);
    }
  }

  /** 催办: a supervisor or the window urges an open item; its holder and department are notified. */
  async urge(caseId: string, itemId: string, by: Requester, note: string | undefined, key?: IdempotencyKey): Promise<UpdateOutcome<ItemView>> {
    const handle = await this.itemHandle(caseId, itemId);
    try {
      return await runUpdate(this.client, handle, urgeItem, [{ by, ...(note ? { note } : {}) }], key);
    } catch (err) {
      throw await this.refusalOf(err, caseId, itemId);
    }
  }

  /** The applicant's answer to a supplement request: the item's clock resumes the next working day. */
  async supply(caseId: string, itemId: string, materials: MaterialRef[], note: string | undefined, key?: IdempotencyKey): Promise<UpdateOutcome<ItemView>> {
    const handle = this.client.workflow.getHandle(itemWorkflowId(caseId, itemId));
    try {
      return await runUpdate(this.client, handle, provideSupplement, [{ materials, ...(note ? { note } : {}) }], key);
    } catch (err) {
      throw await this.refusalOf(err, caseId, itemId);
    }
  }

  /**
   * Why an Update on an item failed, as the API answers it: the case's refusal (`itemHandle`) comes
   * first, as when it was checked before the Update; then the workflow's own, or a closed item.
   */
  private async refusalOf(err: unknown, caseId: string, itemId: string, actor?: Actor): Promise<unknown> {
    await this.itemHandle(caseId, itemId, actor);
    return closedItem(err, itemId);
  }

  /** The sealed documents of a case (results, timeout-default notices), oldest first. */
  async documents(caseId: string): Promise<Array<StoredDocument<SealedDocument<{ documentId: string; type: string }>>>> {
    return this.documentStore ? this.documentStore.list(`${caseId}/`) : [];
  }

  /**
   * The item's workflow, once the case says it has one. An acting department must have an applicable
   * item in the case and be involved with this item, before the item's state is told. (An earlier
   * outcome is replayed only to the principal whose key made it, which the item's validators let act.)
   */
  private async itemHandle(caseId: string, itemId: string, actor?: Actor): Promise<WorkflowHandle> {
    const progress = await this.progress(caseId);
    if (actor) await this.assertDepartmentAccess(actor.department, caseId, progress);
    const item = progress.items.find((i) => i.id === itemId);
    if (!item) throw new UnknownItemError(caseId, itemId);
    if (actor && !involves(item, actor.department)) throw new WrongDepartmentError(itemId, item.department);
    if (item.status === 'pending' || item.status === 'skipped') throw new ItemNotActionableError(itemId, item.status);
    return this.client.workflow.getHandle(itemWorkflowId(caseId, itemId));
  }

  /** Refuses a department without an applicable item in the case. */
  private async assertDepartmentAccess(department: string, caseId: string, progress: CaseProgress): Promise<void> {
    if (!(await departmentHasAccess(department, progress, applicabilityOf(() => this.inputOf(caseId))))) throw new NoCaseAccessError(department);
  }

  private caseHandle(caseId: string): WorkflowHandle {
    return this.client.workflow.getHandle(caseWorkflowId(caseId));
  }

  private async existingCase(caseId: string, requestHash: string): Promise<StartedCase | undefined> {
    let description;
    try {
      description = await this.caseHandle(caseId).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
    const memo = (description.memo ?? {}) as { requestHash?: string; bundleId?: string; bundleVersion?: number; caseNumber?: string };
    if (memo.requestHash !== requestHash) {
      throw new IdempotencyKeyReusedError('This Idempotency-Key already started a case with a different request.');
    }
    return { caseId, ...(memo.caseNumber ? { caseNumber: memo.caseNumber } : {}), bundleId: memo.bundleId ?? '', bundleVersion: memo.bundleVersion ?? 0, created: false };
  }
}

/** An update on an item that has closed (decided, defaulted, cancelled) is illegal now, not unknown. */
function closedItem(err: unknown, itemId: string): unknown {
  return err instanceof WorkflowNotFoundError ? new ItemNotActionableError(itemId, 'closed') : err;
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

declare module 'fastify' {
  interface FastifyInstance {
    cases: CaseService;
  }
}

/** The stores the case service reads besides Temporal (see `CaseServiceOptions`). */
export type CaseServicePluginOptions = Omit<CaseServiceOptions, 'client' | 'taskQueue'>;

/** Decorates `app.cases` over the shared Temporal client. */
export const caseService = fp<CaseServicePluginOptions>(
  async (app, options) => {
    app.decorate('cases', new CaseService({ ...options, client: app.temporal.client, taskQueue: app.temporal.taskQueue }));
  },
  { name: 'case-service', fastify: '5.x', dependencies: ['temporal'] },
);
