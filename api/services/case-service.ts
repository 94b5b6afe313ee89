/**
 * Cases over the Temporal client: start (idempotently), read progress, act at the window, decide
 * items, list a department's inbox. Routes stay thin and call this.
 */
import { createHash, randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  isGrpcServiceError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import type { DefinitionRegistry } from '../../definitions/registry';
import type { ExecutionPlan } from '../../definitions/plan';
import type { BlobStore } from '../../adapters/blobs';
import type { CertificateLibrary } from '../../adapters/certificates';
import { prefill } from '../../forms/prefill';
import { validateApplication } from '../../forms/validate';
import {
  acceptCase,
  approveItem,
  caseWorkflowId,
  endSpecialStep,
  provideSupplement,
  requestSupplement,
  startSpecialStep,
  getCaseInput,
  getProgress,
  itemWorkflowId,
  refuseCase,
  rejectCommitmentMaterial,
  rejectItem,
  supplyCommitmentMaterials,
  TASK_QUEUE,
  type Actor,
  type Application,
  type CaseInput,
  type CaseProgress,
  type ItemView,
  type MaterialRef,
} from '../../workflows/messages';
import type { DocumentStore, StoredDocument } from '../../adapters/documents';
import type { SealedDocument } from '../../adapters/sealer';
import { BundleIdKey, CaseIdKey, CaseStatusKey } from '../../workflows/search-attributes';
import { openPageToken, sealPageToken } from '../page-token';
import { HttpProblem, temporalOutage } from '../problems';
import { assertDepartmentAccess, involves } from '../access';

export interface StartCaseRequest extends Application {
  bundleId: string;
  version?: number;
}

export interface StartedCase {
  caseId: string;
  bundleId: string;
  bundleVersion: number;
  /** False when an earlier request with the same Idempotency-Key had already started it. */
  created: boolean;
}

export interface InboxEntry {
  caseId: string;
  itemId: string;
  bundleId: string;
  department: string;
  status: string;
  code?: string;
  title?: { zh: string; en: string };
  startedAt?: string;
  deadline?: string;
  card?: string;
}

export interface InboxPage {
  items: InboxEntry[];
  nextPageToken?: string;
}

/** What a department can do to one of its items. */
export type ItemAction =
  | { kind: 'approve'; comment?: string }
  | { kind: 'reject'; reason: string }
  | { kind: 'request-supplement'; reason: string; materials: Array<{ material?: string; description: string }> }
  | { kind: 'start-special-step'; step: string }
  | { kind: 'end-special-step' };

/** An Idempotency-Key as sent, and the principal that sent it: keys are scoped to their caller. */
export interface IdempotencyKey {
  principal: string;
  key: string;
}

/** What an Update answered, and whether it is the replayed outcome of an earlier request with the same key. */
export interface UpdateOutcome<T> {
  value: T;
  replayed: boolean;
}

export interface ItemFilter {
  department?: string;
  status?: string;
  card?: string;
  pageSize: number;
  pageToken?: string;
}

export class CaseService {
  constructor(
    private readonly client: Client,
    private readonly registry: DefinitionRegistry,
    private readonly namespace: string,
    private readonly taskQueue: string = TASK_QUEUE,
    /** The document store, to hand out a case's sealed documents. */
    private readonly store?: DocumentStore,
    /** One set of materials: uploads, and the electronic-licence library (免证明, 数据预填充). */
    private readonly materials: { blobs?: BlobStore; certificates?: CertificateLibrary } = {},
  ) {}

  /**
   * Starts a case on the bundle's plan (latest version unless one is named). With an idempotency key,
   * the same key from the same principal always names the same case: a repeat returns it unchanged,
   * and a repeat with a different request is refused.
   */
  async start(request: StartCaseRequest, startedBy: string, idempotencyKey?: string): Promise<StartedCase> {
    const { plan } = this.registry.get(request.bundleId, request.version);
    const application = await this.withLicences(plan, { applicant: request.applicant, form: request.form, materials: request.materials });
    const issues = [...validateApplication(plan, application), ...(await this.unknownUploads(application))];
    if (issues.length > 0) {
      throw new HttpProblem('invalid-application', `${issues.length} problem(s) in the application.`, issues);
    }
    const requestHash = sha256(canonicalize({ ...request, version: plan.version }) ?? '');
    const caseId = idempotencyKey ? sha256(`${startedBy}\n${idempotencyKey}`).slice(0, 24) : randomUUID().replaceAll('-', '').slice(0, 24);
    const existing = await this.existingCase(caseId, requestHash);
    if (existing) return existing;

    const input: CaseInput = { caseId, plan, application, submittedAt: new Date().toISOString() };
    try {
      await this.client.workflow.start('caseWorkflow', {
        taskQueue: this.taskQueue,
        workflowId: caseWorkflowId(caseId),
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        memo: { requestHash, startedBy, bundleId: plan.bundleId, bundleVersion: plan.version },
        typedSearchAttributes: [
          { key: CaseIdKey, value: caseId },
          { key: BundleIdKey, value: plan.bundleId },
          { key: CaseStatusKey, value: 'submitted' },
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
    return { caseId, bundleId: plan.bundleId, bundleVersion: plan.version, created: true };
  }

  async progress(caseId: string): Promise<CaseProgress> {
    return this.client.workflow.getHandle(caseWorkflowId(caseId)).query(getProgress);
  }

  /**
   * What the state already holds is never asked for: materials sourced from electronic licences the
   * applicant holds are linked to those licences, and fields the applicant left empty are pre-filled
   * from them. Values the applicant gave win.
   */
  private async withLicences(plan: ExecutionPlan, application: Application): Promise<Application> {
    if (!this.materials.certificates) return application;
    const filled = prefill(plan, await this.materials.certificates.licencesOf(application.applicant.subjectId));
    const given = new Set(application.materials.map((m) => m.id));
    const fetched = filled.satisfiedMaterials
      .filter((m) => !given.has(m.material))
      .map((m) => ({ id: m.material, ref: `licence:${m.licenceType}:${m.number}` }));
    return { ...application, form: { ...filled.form, ...application.form }, materials: [...application.materials, ...fetched] };
  }

  /** Uploaded materials must name uploads this API stored (uploaded once, linked to every item). */
  private async unknownUploads(application: Application): Promise<Array<{ path: string; code: string; message: string }>> {
    const blobs = this.materials.blobs;
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
    const input = await this.client.workflow.getHandle(caseWorkflowId(caseId)).query(getCaseInput);
    return input.application.materials.map((m) => ({
      material: m.id,
      ...(m.sha256 ? { sha256: m.sha256 } : {}),
      ...(m.ref ? { ref: m.ref } : {}),
      items: input.plan.items.filter((item) => item.materials.includes(m.id)).map((item) => item.id),
    }));
  }

  /** The plan a case is pinned to (not the registry's latest). */
  async planOf(caseId: string): Promise<ExecutionPlan> {
    return (await this.inputOf(caseId)).plan;
  }

  /** What the case was started with: its pinned plan and the application. */
  async inputOf(caseId: string): Promise<CaseInput> {
    return this.client.workflow.getHandle(caseWorkflowId(caseId)).query(getCaseInput);
  }

  async accept(caseId: string, actor: Actor, options: { note?: string; tolerateMissing?: boolean }, key?: IdempotencyKey): Promise<UpdateOutcome<CaseProgress>> {
    return this.update(this.caseHandle(caseId), acceptCase, [{ actor, ...options }], key);
  }

  /** The applicant supplies materials promised in the case's commitment. */
  async supplyCommitment(caseId: string, materials: MaterialRef[], key?: IdempotencyKey): Promise<UpdateOutcome<CaseProgress>> {
    return this.update(this.caseHandle(caseId), supplyCommitmentMaterials, [{ materials }], key);
  }

  /**
   * A department finds a supplied material wrong: it reopens with the time it had left. Departments
   * without an applicable item in the case are refused here, whatever the commitment's state.
   */
  async rejectCommitmentMaterial(caseId: string, actor: Actor, material: string, reason: string, key?: IdempotencyKey): Promise<UpdateOutcome<CaseProgress>> {
    await assertDepartmentAccess(actor.department, await this.progress(caseId), () => this.inputOf(caseId));
    return this.update(this.caseHandle(caseId), rejectCommitmentMaterial, [{ actor, material, reason }], key);
  }

  async refuse(caseId: string, actor: Actor, reasons: string[], key?: IdempotencyKey): Promise<UpdateOutcome<CaseProgress>> {
    return this.update(this.caseHandle(caseId), refuseCase, [{ actor, reasons }], key);
  }

  /**
   * A department acting on an item: decide it, ask for a supplement, run a special step. The item
   * workflow's validators have the last word (department, state); the case's progress explains
   * items that have no workflow yet (unknown, waiting, skipped).
   */
  async act(caseId: string, itemId: string, actor: Actor, action: ItemAction, key?: IdempotencyKey): Promise<UpdateOutcome<ItemView>> {
    const handle = await this.itemHandle(caseId, itemId, actor);
    const run = <Args extends unknown[]>(update: UpdateDefinition<ItemView, Args>, args: Args) => this.update(handle, update, args, key);
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
      }
    } catch (err) {
      throw closedItem(err, itemId);
    }
  }

  /** The applicant's answer to a supplement request: the item's clock resumes the next working day. */
  async supply(caseId: string, itemId: string, materials: MaterialRef[], note: string | undefined, key?: IdempotencyKey): Promise<UpdateOutcome<ItemView>> {
    const handle = await this.itemHandle(caseId, itemId);
    try {
      return await this.update(handle, provideSupplement, [{ materials, ...(note ? { note } : {}) }], key);
    } catch (err) {
      throw closedItem(err, itemId);
    }
  }

  /** The sealed documents of a case (results, timeout-default notices), oldest first. */
  async documents(caseId: string): Promise<Array<StoredDocument<SealedDocument<{ documentId: string; type: string }>>>> {
    return this.store ? this.store.list(`${caseId}/`) : [];
  }

  /**
   * The item's workflow, once the case says it has one. An acting department must have an applicable
   * item in the case (else 403) and be involved with this item (else 403), before the item's state is
   * told (409) or any earlier outcome replayed.
   */
  private async itemHandle(caseId: string, itemId: string, actor?: Actor): Promise<WorkflowHandle> {
    const progress = await this.progress(caseId);
    if (actor) await assertDepartmentAccess(actor.department, progress, () => this.inputOf(caseId));
    const item = progress.items.find((i) => i.id === itemId);
    if (!item) throw new HttpProblem('unknown-item', `Case ${caseId} has no item "${itemId}".`);
    if (actor && !involves(item, actor.department)) {
      throw new HttpProblem('wrong-department', `Item "${itemId}" belongs to department "${item.department}".`);
    }
    if (item.status === 'pending' || item.status === 'skipped') {
      const why = item.status === 'pending' ? 'is waiting for the items it depends on' : 'was skipped';
      throw new HttpProblem('illegal-transition', `Item "${itemId}" ${why}; it cannot be acted on now.`);
    }
    return this.client.workflow.getHandle(itemWorkflowId(caseId, itemId));
  }

  private caseHandle(caseId: string): WorkflowHandle {
    return this.client.workflow.getHandle(caseWorkflowId(caseId));
  }

  /**
   * Runs an Update, idempotently when the caller sent a key. The Update ID is derived from the
   * principal and the key, so one caller's key never reaches another caller's earlier outcome. The
   * request Temporal accepted first under that ID (from the workflow history) decides the answer: a
   * different update or other arguments are 422 `idempotency-key-reused`, the same request is that
   * first outcome, marked as replayed. Temporal answers a known Update ID with the first outcome
   * without running anything, so a refused reuse changes nothing. A key is scoped to its caller and
   * to the workflow the request acts on (the case, or one item): Update IDs are per workflow.
   */
  private async update<Ret, Args extends unknown[]>(
    handle: WorkflowHandle,
    update: UpdateDefinition<Ret, Args>,
    args: Args,
    key?: IdempotencyKey,
  ): Promise<UpdateOutcome<Ret>> {
    if (!key) return { value: await executeUpdate(handle, update, args), replayed: false };
    const updateId = idempotentUpdateId(key);
    const request = requestFingerprint(update.name, args);
    const first = await this.acceptedRequest(handle, updateId);
    if (first !== undefined) {
      if (first !== request) throw keyReused();
      return { value: await this.outcomeOf<Ret>(handle, updateId), replayed: true };
    }
    try {
      const value = await executeUpdate(handle, update, args, updateId);
      await this.assertAcceptedAs(handle, updateId, request);
      return { value, replayed: false };
    } catch (err) {
      // A concurrent request with the same key may have been accepted first (and may have closed the
      // workflow): its failure, or the refusal of ours that followed, is a reuse of the key.
      if (!(err instanceof HttpProblem)) await this.assertAcceptedAs(handle, updateId, request).catch((check: unknown) => {
        if (check instanceof HttpProblem) throw check;
      });
      throw err;
    }
  }

  /** Refuses when the request accepted under `updateId` was another one (a concurrent reuse of the key). */
  private async assertAcceptedAs(handle: WorkflowHandle, updateId: string, request: string): Promise<void> {
    const accepted = await this.acceptedRequest(handle, updateId);
    if (accepted !== undefined && accepted !== request) throw keyReused();
  }

  /** The fingerprint of the request accepted under this Update ID, if the workflow accepted one. */
  private async acceptedRequest(handle: WorkflowHandle, updateId: string): Promise<string | undefined> {
    const history = await handle.fetchHistory().catch((err: unknown) => {
      // fetchHistory passes NOT_FOUND on raw (a 500); as the SDK's other calls do, it is a WorkflowNotFoundError.
      if (isGrpcServiceError(err) && err.code === 5 /* NOT_FOUND */) throw new WorkflowNotFoundError(err.message, handle.workflowId, undefined);
      throw err;
    });
    for (const event of history.events ?? []) {
      const accepted = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
      if (accepted?.meta?.updateId !== updateId) continue;
      const args = await decodeArrayFromPayloads(this.client.options.loadedDataConverter, accepted.input?.args?.payloads);
      return requestFingerprint(accepted.input?.name ?? '', args);
    }
    return undefined;
  }

  /** The outcome of an Update the workflow accepted, also after the workflow has closed. */
  private async outcomeOf<Ret>(handle: WorkflowHandle, updateId: string): Promise<Ret> {
    return handle.getUpdateHandle<Ret>(updateId).result();
  }

  /**
   * Item workflows from Temporal visibility, newest first: a department's inbox, or the supervision
   * desk's view across departments (by card or status).
   */
  async listItems(filter: ItemFilter): Promise<InboxPage> {
    const clauses = [`WorkflowType = 'itemWorkflow'`];
    // Values are validated slugs/enums at the route, so quoting them is safe.
    if (filter.department) clauses.push(`Department = '${filter.department}'`);
    if (filter.status) clauses.push(`ItemStatus = '${filter.status}'`);
    if (filter.card) clauses.push(`Card = '${filter.card}'`);
    const query = clauses.join(' AND ');
    const pageToken = filter.pageToken ? openPageToken(query, filter.pageToken) : undefined;
    if (filter.pageToken && !pageToken) {
      throw new HttpProblem('malformed-request', 'The pageToken is not one this API returned for this listing.', [
        { path: '/querystring/pageToken', message: 'invalid page token' },
      ]);
    }
    const response = await this.client.workflowService
      .listWorkflowExecutions({ namespace: this.namespace, query, pageSize: filter.pageSize, nextPageToken: pageToken })
      .catch((err: unknown) => {
        // Page tokens are opaque to clients; the server rejects a forged one with varying codes.
        if (filter.pageToken && isGrpcServiceError(err) && !temporalOutage(err)) {
          throw new HttpProblem('malformed-request', 'The pageToken is not one this API returned.', [
            { path: '/querystring/pageToken', message: 'invalid page token' },
          ]);
        }
        throw err;
      });
    const items = (response.executions ?? []).map((execution): InboxEntry => {
      const attributes = decodeAttributes(execution.searchAttributes?.indexedFields);
      const memo = decodeAttributes(execution.memo?.fields);
      return {
        caseId: String(attributes.CaseId ?? ''),
        itemId: String(attributes.ItemId ?? ''),
        bundleId: String(attributes.BundleId ?? ''),
        department: String(attributes.Department ?? ''),
        status: String(attributes.ItemStatus ?? ''),
        code: memo.code as string | undefined,
        title: memo.title as { zh: string; en: string } | undefined,
        startedAt: timestampToIso(execution.startTime),
        deadline: attributes.Deadline ? new Date(String(attributes.Deadline)).toISOString() : undefined,
        card: attributes.Card as string | undefined,
      };
    });
    const token = response.nextPageToken && response.nextPageToken.length > 0 ? sealPageToken(query, response.nextPageToken) : undefined;
    return { items, ...(token ? { nextPageToken: token } : {}) };
  }

  private async existingCase(caseId: string, requestHash: string): Promise<StartedCase | undefined> {
    let description;
    try {
      description = await this.client.workflow.getHandle(caseWorkflowId(caseId)).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
    const memo = (description.memo ?? {}) as { requestHash?: string; bundleId?: string; bundleVersion?: number };
    if (memo.requestHash !== requestHash) {
      throw new HttpProblem('idempotency-key-reused', 'This Idempotency-Key already started a case with a different request.');
    }
    return { caseId, bundleId: memo.bundleId ?? '', bundleVersion: memo.bundleVersion ?? 0, created: false };
  }
}

/**
 * Runs an Update, retrying it when the server could not deliver it because the workflow task that
 * carried it failed (e.g. the workflow's completion raced a new event). Such an update was never
 * accepted, so retrying under the same update ID cannot apply it twice.
 */
export async function executeUpdate<Ret, Args extends unknown[]>(
  handle: WorkflowHandle,
  update: UpdateDefinition<Ret, Args>,
  args: Args,
  updateId: string = randomUUID(),
  attempts = 4,
): Promise<Ret> {
  for (let attempt = 1; ; attempt++) {
    try {
      const execute = handle.executeUpdate.bind(handle) as (def: UpdateDefinition<Ret, Args>, options: { args: Args; updateId: string }) => Promise<Ret>;
      return await execute(update, { args, updateId });
    } catch (err) {
      if (attempt >= attempts || !isUndeliveredUpdate(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

function isUndeliveredUpdate(err: unknown): boolean {
  const cause = (err as { cause?: { code?: number; details?: string; message?: string } }).cause;
  return cause?.code === 9 /* FAILED_PRECONDITION */ && /workflow task failure/i.test(cause.details ?? cause.message ?? '');
}

/** An update on an item that has closed (decided, defaulted, cancelled) is illegal now, not unknown. */
function closedItem(err: unknown, itemId: string): unknown {
  if (err instanceof WorkflowNotFoundError) {
    return new HttpProblem('illegal-transition', `Item "${itemId}" is closed; it cannot be acted on now.`);
  }
  return err;
}

/** The Update ID for a caller's key: the same key from another principal is another Update. */
export function idempotentUpdateId({ principal, key }: IdempotencyKey): string {
  return `idem-${sha256(`${principal}\n${key}`)}`;
}

/** An Update request as Temporal records it (name and arguments), canonical so equal requests compare equal. */
function requestFingerprint(name: string, args: unknown[]): string {
  return sha256(canonicalize({ name, args: JSON.parse(JSON.stringify(args)) as unknown }) ?? '');
}

function keyReused(): HttpProblem {
  return new HttpProblem('idempotency-key-reused', 'This Idempotency-Key was already used for a different request.');
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

type RawPayloads = Record<string, { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }> | null | undefined;

function decodeAttributes(fields: RawPayloads): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, payload] of Object.entries(fields ?? {})) {
    const value = defaultPayloadConverter.fromPayload(payload as never);
    out[name] = Array.isArray(value) && value.length === 1 ? value[0] : value;
  }
  return out;
}

function timestampToIso(ts: { seconds?: unknown; nanos?: number | null } | null | undefined): string | undefined {
  if (!ts?.seconds) return undefined;
  return new Date(Number(ts.seconds) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)).toISOString();
}
