/**
 * Workflow Updates as the API runs them: delivered even when a workflow task failed on the way, and
 * idempotent under a caller's key. The Update ID is derived from the principal and the key, so one
 * caller's key never reaches another caller's earlier outcome; the request Temporal accepted first
 * under that ID decides the answer. The workflow answers a keyed request's fingerprint back in its
 * result (`IdempotencyEcho`), so a fresh request, a replay and a reused key are told apart from the
 * result alone; the workflow's history is read only when there is no such answer (a failed Update,
 * a closed workflow, an Update accepted before results carried the echo).
 */
import { createHash, randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import { WorkflowNotFoundError, isGrpcServiceError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import type { Echoed, IdempotencyEcho } from '../../workflows/contract';
import { IdempotencyKeyReusedError } from './errors';

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

/**
 * Runs an Update, idempotently when the caller sent a key: a different update or other arguments
 * under a used key are refused (`IdempotencyKeyReusedError`), the same request is the first outcome,
 * marked as replayed. Temporal answers a known Update ID with the first outcome without running
 * anything, so a refused reuse changes nothing. A key is scoped to its caller and to the workflow the
 * request acts on (the case, or one item): Update IDs are per workflow.
 */
export async function runUpdate<Ret extends object, Args extends [object]>(
  client: Client,
  handle: WorkflowHandle,
  update: UpdateDefinition<Echoed<Ret>, Args>,
  args: Args,
  key?: IdempotencyKey,
): Promise<UpdateOutcome<Ret>> {
  if (!key) return { value: await executeUpdate(handle, update, args), replayed: false };
  const updateId = idempotentUpdateId(key);
  const ours: IdempotencyEcho = { request: requestFingerprint(update.name, args), attempt: randomUUID() };
  let value: Echoed<Ret>;
  try {
    value = await executeUpdate(handle, update, [{ ...args[0], idempotency: ours }] as unknown as Args, updateId);
  } catch (err) {
    // Refused, failed, or the workflow has closed: the history says whether the key was used, and for what.
    const first = await acceptedRequest(client, handle, updateId).catch(() => undefined);
    if (first === undefined) throw err;
    if (first.request !== ours.request) throw new IdempotencyKeyReusedError();
    // The same request was accepted (by us, or earlier): its outcome, or the failure it ended in.
    const earlier = await handle.getUpdateHandle<Echoed<Ret>>(updateId).result();
    return { value: withoutEcho(earlier), replayed: first.attempt !== ours.attempt };
  }
  const answered = value.idempotency ?? (await acceptedRequest(client, handle, updateId));
  // Answered without the echo, and not in the history either: nothing to compare with but our own request.
  if (answered !== undefined && answered.request !== ours.request) throw new IdempotencyKeyReusedError();
  return { value: withoutEcho(value), replayed: answered !== undefined && answered.attempt !== ours.attempt };
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

/** The Update ID for a caller's key: the same key from another principal is another Update. */
export function idempotentUpdateId({ principal, key }: IdempotencyKey): string {
  return `idem-${sha256(`${principal}\n${key}`)}`;
}

/** The result as the caller sees it: the echo is the API's own business. */
function withoutEcho<Ret extends object>(value: Echoed<Ret>): Ret {
  if (value.idempotency === undefined) return value;
  const { idempotency: _echo, ...result } = value;
  return result as Ret;
}

/**
 * The request the workflow accepted under this Update ID, from its history: its fingerprint, and its
 * attempt when it carried the echo (an Update accepted before requests did has none).
 */
async function acceptedRequest(client: Client, handle: WorkflowHandle, updateId: string): Promise<{ request: string; attempt?: string } | undefined> {
  const history = await handle.fetchHistory().catch((err: unknown) => {
    // fetchHistory passes NOT_FOUND on raw (a 500); as the SDK's other calls do, it is a WorkflowNotFoundError.
    if (isGrpcServiceError(err) && err.code === 5 /* NOT_FOUND */) throw new WorkflowNotFoundError(err.message, handle.workflowId, undefined);
    throw err;
  });
  for (const event of history.events ?? []) {
    const accepted = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
    if (accepted?.meta?.updateId !== updateId) continue;
    const args = await decodeArrayFromPayloads(client.options.loadedDataConverter, accepted.input?.args?.payloads);
    const { idempotency, ...request } = (args[0] ?? {}) as Echoed<Record<string, unknown>>;
    if (args.length > 0) args[0] = request;
    return { request: requestFingerprint(accepted.input?.name ?? '', args), ...(idempotency ? { attempt: idempotency.attempt } : {}) };
  }
  return undefined;
}

/** An Update request as Temporal records it (name and arguments), canonical so equal requests compare equal. */
function requestFingerprint(name: string, args: unknown[]): string {
  return sha256(canonicalize({ name, args: JSON.parse(JSON.stringify(args)) as unknown }) ?? '');
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
