/**
 * Sealed documents: a department's electronic seal on a document, made once per action and
 * verifiable by anyone, with revocation visible to verifiers.
 *
 * Convention: every sealed document's `document` has `documentId` (the id of its store entry) and
 * `type` (`'result'`, `'timeout-default-notice'`, `'commitment-letter'`, …). The seal signs the
 * document with its id, so a revocation recorded under that id applies to exactly this document.
 *
 * {@link Sealer} makes sealed documents through `DocumentStore.createOnce`: SM2 signatures are
 * randomised, so the first stored seal is the seal and a retried or replayed activity gets it back.
 * {@link verifySealed} checks a `{ document, seal }` from anywhere (the public API, a file): the
 * signature, that the key belongs to the department the seal names, whether it was revoked, and
 * whether it is still conditional ({@link ConditionRecord}: granted on a commitment still open).
 */
import { z } from 'zod';
import type { DocumentStore, StoredDocument } from './documents';
import type { KeyStore } from './keystore';
import { keyIdOf, signDocument, verifySeal, type AppliedBy, type Seal, type SealFailure } from '../domain/seal';

/** A document with its seal, as stored and as handed to anyone who wants to verify it. */
export interface SealedDocument<T> {
  document: T;
  seal: Seal;
}

export interface SealOnceInput<T extends { documentId: string }> {
  /** The idempotency key, `{caseId}/{itemId}/{action}`: one sealed document per key, ever. */
  key: string;
  department: string;
  appliedBy: AppliedBy;
  /** ISO 8601 instant from the caller (the workflow's time), so that a retry states the same time. */
  signedAt: string;
  /** The document for the store's id; its `documentId` must be that id. */
  make: (documentId: string) => T;
}

/** A sealed document withdrawn at a time, for a reason, by someone. */
export interface Revocation {
  documentId: string;
  /** ISO 8601 instant from the caller. */
  at: string;
  reason: string;
  /** Who revoked it (an official or a system id); kept in the store, not shown to verifiers. */
  by: string;
}

/** The store key of a document's revocation record. */
export function revocationKey(documentId: string): string {
  return 'revocations/' + documentId;
}

const RevocationSchema = z.strictObject({
  documentId: z.string().min(1),
  at: z.iso.datetime({ offset: true }),
  reason: z.string().min(1),
  by: z.string().min(1),
});

/** Seals documents with the departments' keys, once per key, and records revocations once. */
export class Sealer {
  constructor(
    private readonly keys: KeyStore,
    private readonly documents: DocumentStore,
  ) {}

  /**
   * The sealed document stored under `input.key`, made and sealed now if there is none. A second
   * call with the same key returns the first sealed document, whatever else it passes: never a
   * second seal. Throws (and stores nothing) when the department has no valid key, the document is
   * not JSON, `signedAt` is not an ISO instant, or `make` returns a document with another id.
   */
  async sealOnce<T extends { documentId: string }>(input: SealOnceInput<T>): Promise<StoredDocument<SealedDocument<T>>> {
    const { key, department, appliedBy, signedAt, make } = input;
    const { privateKey, publicKey } = await this.keys.keyPairFor(department);
    return this.documents.createOnce<SealedDocument<T>>(key, (documentId) => {
      const document = make(documentId);
      if (document?.documentId !== documentId) {
        throw new TypeError(`the document for ${key} must have documentId ${documentId}`);
      }
      return { document, seal: signDocument({ document, department, privateKey, publicKey, appliedBy, signedAt }) };
    });
  }

  /**
   * Records that a sealed document is revoked. Idempotent: the first record stays, a second call
   * (a retry, or another reason) returns it unchanged. Throws for an empty id, reason or revoker,
   * or a time that is not an ISO instant.
   */
  async revoke(input: Revocation): Promise<Revocation> {
    const parsed = RevocationSchema.safeParse(input);
    if (!parsed.success) throw new TypeError(`cannot revoke: ${z.prettifyError(parsed.error)}`);
    const revocation = parsed.data;
    return (await this.documents.createOnce(revocationKey(revocation.documentId), () => revocation)).body;
  }

  /** The revocation of a document, if it was revoked. */
  async revocationOf(documentId: string): Promise<Revocation | undefined> {
    return revocationOf(this.documents, documentId);
  }
}

async function revocationOf(documents: DocumentStore, documentId: string): Promise<Revocation | undefined> {
  return (await documents.get<Revocation>(revocationKey(documentId)))?.body;
}

/**
 * A result's condition at one point of its commitment's life; verifiers read the latest. A result
 * issued on an open commitment (`issuedOnCommitment` in its body) is conditional without a record.
 */
export interface ConditionRecord {
  documentId: string;
  state: 'conditional' | 'unconditional';
  at: string;
  reason: string;
  /** Position in the commitment's history: records are ordered by it. */
  seq: number;
}

const conditionKey = (documentId: string, seq: number): string => `conditions/${documentId}/${String(seq).padStart(6, '0')}`;

/** Records the condition of each document at position `seq` of its commitment's history, once per document and position. */
export async function recordConditions(
  documents: DocumentStore,
  input: { documentIds: string[]; state: ConditionRecord['state']; at: string; reason: string; seq: number },
): Promise<void> {
  for (const documentId of input.documentIds) {
    await documents.createOnce<ConditionRecord>(conditionKey(documentId, input.seq), () => ({
      documentId,
      state: input.state,
      at: input.at,
      reason: input.reason,
      seq: input.seq,
    }));
  }
}

/** The latest condition of a document, if it was ever issued under a commitment. */
async function latestCondition(documents: DocumentStore, documentId: string): Promise<ConditionRecord | undefined> {
  const records = await documents.list<ConditionRecord>(`conditions/${documentId}/`);
  return records.map((r) => r.body).sort((a, b) => a.seq - b.seq).at(-1);
}

/** Why a sealed document is not valid: {@link SealFailure}, or a key used for another department. */
export type SealedFailure = SealFailure | 'department-mismatch';

/** What a verifier learns about a `{ document, seal }`. */
export interface SealVerificationReport {
  status: 'valid' | 'invalid' | 'revoked';
  /** Why it is invalid. */
  reason?: SealedFailure;
  /** As the seal states them, whenever they are readable (also on an invalid seal). */
  department?: string;
  signedAt?: string;
  appliedBy?: AppliedBy;
  keyId?: string;
  /** The document's `documentId`, if it has one. */
  documentId?: string;
  /** When and why a valid seal's document was revoked. */
  revoked?: { at: string; reason: string };
  /** Granted on the strength of a commitment still open (告知承诺): valid, but not yet unconditional. */
  conditional?: { since: string; reason: string };
}

/**
 * Verifies a sealed document `{ document, seal }` from an untrusted source. Never throws for any
 * input: anything unreadable is `invalid` with reason `malformed`; a key the store does not have is
 * `unknown-key`; a valid signature by a key of another department than the seal names is
 * `department-mismatch`; a valid seal whose `document.documentId` has a revocation in `documents` is
 * `revoked`; a valid one is `conditional` when its latest condition record says so or, without a
 * record, when it is a result issued on a commitment (checked only with `documents`). Throws only
 * when a store itself fails (e.g. an unreadable key file).
 */
export async function verifySealed(keys: KeyStore, documents: DocumentStore | undefined, input: unknown): Promise<SealVerificationReport> {
  if (!isRecord(input) || !isRecord(input.seal)) return { status: 'invalid', reason: 'malformed' };
  const { document, seal } = input;
  const facts = statedFacts(document, seal);
  const report = (status: SealVerificationReport['status'], extra: Partial<SealVerificationReport> = {}): SealVerificationReport => ({
    status,
    ...extra,
    ...facts,
  });

  // The key of the department the seal names, read alone; failing that, whichever key has the id, to
  // tell a seal by another department's key from one by an unknown key.
  const named = facts.department ? await keys.departmentKey(facts.department) : undefined;
  const ownKey = named && keyIdOf(named) === facts.keyId ? named : undefined;
  const publicKey = ownKey ?? (facts.keyId ? await keys.publicKeyById(facts.keyId) : undefined);
  const result = verifySeal({ document, seal, publicKey });
  if (!result.valid) return report('invalid', { reason: result.reason ?? 'bad-signature' });
  // The department is signed, but so it is by whoever holds a key: it must be the key's department.
  if (!ownKey) return report('invalid', { reason: 'department-mismatch' });

  const revocation = documents && facts.documentId ? await revocationOf(documents, facts.documentId) : undefined;
  if (revocation) return report('revoked', { revoked: { at: revocation.at, reason: revocation.reason } });
  const condition = documents && facts.documentId ? await latestCondition(documents, facts.documentId) : undefined;
  if (condition) return condition.state === 'conditional' ? report('valid', { conditional: { since: condition.at, reason: condition.reason } }) : report('valid');
  // A result issued on an open commitment says so in its signed body: conditional from its first
  // moment, until the issuer records otherwise (the commitment kept).
  const letter = documents ? commitmentLetterOf(document) : undefined;
  if (letter && facts.signedAt) return report('valid', { conditional: { since: facts.signedAt, reason: `commitment open (letter ${letter})` } });
  return report('valid');
}

/** The commitment letter a result document states it was issued on, if it does. */
function commitmentLetterOf(document: unknown): string | undefined {
  if (!isRecord(document) || document.type !== 'result' || !isRecord(document.issuedOnCommitment)) return undefined;
  const { letterDocumentId } = document.issuedOnCommitment;
  return typeof letterDocumentId === 'string' ? letterDocumentId : undefined;
}

/** What the seal and document state about themselves, where those fields are readable. */
function statedFacts(document: unknown, seal: Record<string, unknown>): Partial<SealVerificationReport> {
  const facts: Partial<SealVerificationReport> = {};
  if (typeof seal.department === 'string') facts.department = seal.department;
  if (typeof seal.signedAt === 'string') facts.signedAt = seal.signedAt;
  if (seal.appliedBy === 'person' || seal.appliedBy === 'default') facts.appliedBy = seal.appliedBy;
  if (typeof seal.keyId === 'string') facts.keyId = seal.keyId;
  if (isRecord(document) && typeof document.documentId === 'string') facts.documentId = document.documentId;
  return facts;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
