/**
 * zod schemas of the REST API's requests and responses: they validate input, serialize output and
 * generate `/openapi.json`. Response schemas mirror the workflow views in `workflows/messages.ts`;
 * the type assertions at the end fail compilation if the two drift apart.
 */
import { z } from 'zod';
import type { CaseProgress, ItemView } from '../workflows/messages';
import type { StartedCase } from './services/case-service';
import type { InboxPage } from './services/item-listing';

const Localized = z.object({ zh: z.string(), en: z.string() });
const Slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a lower-case identifier');
export const CaseId = z.string().regex(/^[a-z0-9]{1,64}$/, 'expected a case id');
/**
 * Whom a case is for: a 统一社会信用代码 (18 digits and capitals), an ID number (17 digits, then a digit
 * or X), or another register's number. Letters, digits and dashes only: it reaches providers' URLs
 * and file names, so nothing that could be a control character, a dot segment or a path separator.
 */
export const SubjectId = z
  .string()
  .regex(/^[0-9A-Za-z][0-9A-Za-z-]{0,63}$/, 'expected a subject id: letters, digits and dashes, at most 64')
  .meta({ description: '统一社会信用代码 or ID number (letters, digits and dashes, at most 64).' });

export const BundleIdParams = z.object({ id: Slug });
export const BundleVersionParams = z.object({ id: Slug, version: z.coerce.number().int().min(1) });
export const CaseParams = z.object({ caseId: CaseId });
export const ItemParams = z.object({ caseId: CaseId, itemId: Slug });
export const DepartmentParams = z.object({ department: Slug });

export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .meta({ description: 'Retries with the same key have the effect of one request (IETF draft-ietf-httpapi-idempotency-key-header).' }),
});

export const Actor = z.object({ department: z.string(), officer: z.string().optional() });

const ItemStatus = z.enum(['pending', 'in-review', 'supplementing', 'special-step', 'approved', 'defaulted', 'rejected', 'skipped', 'cancelled', 'revoked']);
export const CardSchema = z.enum(['none', 'yellow', 'red', 'overdue']);

const MaterialRef = z.object({
  id: Slug,
  sha256: z.string().regex(/^[a-f0-9]{64}$/).optional(),
  ref: z.string().max(500).optional(),
});

const Clock = z
  .object({
    deadline: z.string().optional(),
    yellowAt: z.string().optional(),
    redAt: z.string().optional(),
    card: CardSchema,
    pausedDays: z.number(),
    paused: z.boolean(),
    estimated: z.boolean().meta({ description: 'A year without holiday data was counted as weekends only.' }),
  })
  .meta({ id: 'ItemClock', description: 'Deadline (end of the last working day) and card instants, after pauses.' });

const Supplement = z.object({
  requestedAt: z.string(),
  requestedBy: Actor,
  reason: z.string(),
  materials: z.array(z.object({ material: z.string().optional(), description: z.string() })),
  suppliedAt: z.string().optional(),
  supplied: z.array(MaterialRef).optional(),
  note: z.string().optional(),
});

const Escalation = z.object({ at: z.string(), from: z.string(), to: z.string() });

export const StartCaseBody = z
  .object({
    bundleId: Slug,
    version: z.number().int().min(1).optional().meta({ description: 'Defaults to the latest published version.' }),
    applicant: z.object({
      subjectId: SubjectId,
      kind: z.enum(['person', 'company']),
      name: z.string().min(1).max(200),
    }),
    form: z.record(z.string(), z.unknown()).default({}).meta({ description: 'The one form: values by field id.' }),
    materials: z.array(MaterialRef).max(200).default([]),
  })
  .meta({ id: 'StartCase' });

export const StartedCaseResponse = z
  .object({ caseId: z.string(), bundleId: z.string(), bundleVersion: z.number(), created: z.boolean(), links: z.object({ self: z.string() }) })
  .meta({ id: 'StartedCase' });

export const AcceptBody = z
  .object({
    note: z.string().max(2000).optional(),
    tolerateMissing: z
      .boolean()
      .optional()
      .meta({ description: '容缺受理: accept with the missing tolerable materials on the applicant’s commitment (needs eligible credit).' }),
  })
  .default({});
export const SupplyCommitmentBody = z.object({ materials: z.array(MaterialRef).min(1).max(50) });
export const RejectCommitmentMaterialBody = z.object({ reason: z.string().trim().min(1).max(2000) });
export const CommitmentMaterialParams = z.object({ caseId: CaseId, material: Slug });
export const RefuseBody = z.object({ reasons: z.array(z.string().min(1).max(2000)).min(1).max(50) });
export const ApproveBody = z.object({ comment: z.string().max(2000).optional() }).default({});
export const RejectBody = z.object({ reason: z.string().trim().min(1).max(2000) });
export const SupplementRequestBody = z.object({
  reason: z.string().trim().min(1).max(2000),
  materials: z.array(z.object({ material: Slug.optional(), description: z.string().trim().min(1).max(500) })).min(1).max(50),
});
export const SupplyBody = z
  .object({
    itemId: Slug.meta({ description: 'The item whose supplement request this answers.' }),
    materials: z.array(MaterialRef).min(1).max(50),
    note: z.string().max(2000).optional(),
  })
  .meta({ id: 'Supplement' });
export const SpecialStepBody = z.object({ step: Slug });



export const CaseProgressResponse = z
  .object({
    caseId: z.string(),
    bundleId: z.string(),
    bundleVersion: z.number(),
    planHash: z.string(),
    title: Localized,
    status: z.enum(['submitted', 'accepted', 'processing', 'supplementing', 'issuing', 'completed', 'refused', 'rejected', 'withdrawn', 'terminated', 'revoked', 'archived']),
    applicant: z.object({ subjectId: z.string(), kind: z.enum(['person', 'company']), name: z.string() }),
    submittedAt: z.string(),
    acceptedAt: z.string().optional(),
    refusal: z.object({ at: z.string(), reasons: z.array(z.string()), by: Actor }).optional(),
    rejection: z.object({ at: z.string(), item: z.string(), reason: z.string(), by: Actor.optional() }).optional(),
    completedAt: z.string().optional(),
    terminatedAt: z.string().optional(),
    commitment: z
      .object({
        status: z.enum(['open', 'fulfilled', 'broken']),
        acceptedAt: z.string(),
        materials: z.array(
          z.object({
            material: z.string(),
            name: Localized,
            deadline: z.string(),
            status: z.enum(['missing', 'supplied']),
            suppliedAt: z.string().optional(),
            supplied: MaterialRef.optional(),
            rejections: z.array(z.object({ at: z.string(), by: Actor, reason: z.string() })),
          }),
        ),
        grants: z.array(z.string()),
        letterDocumentId: z.string(),
        fulfilledAt: z.string().optional(),
        broken: z.object({ at: z.string(), materials: z.array(z.string()) }).optional(),
        credit: z.object({ rating: z.string(), checkedAt: z.string() }),
      })
      .optional()
      .meta({ description: 'The commitment (告知承诺) taken at acceptance with tolerated missing materials.' }),
    items: z.array(
      z.object({
        id: z.string(),
        code: z.string(),
        title: Localized,
        department: z.string(),
        status: ItemStatus,
        level: z.number(),
        dependsOn: z.array(z.string()),
        startedAt: z.string().optional(),
        decidedAt: z.string().optional(),
        decidedBy: Actor.optional(),
        reason: z.string().optional(),
        note: z.string().optional(),
        clock: Clock.optional(),
        supplements: z.array(Supplement).optional(),
        escalations: z.array(Escalation).optional(),
        timeoutNoticeId: z.string().optional(),
      }),
    ),
    results: z.array(
      z.object({
        itemId: z.string(),
        documentId: z.string(),
        certificateNumber: z.string(),
        kind: z.string(),
        title: Localized,
        department: z.string(),
        issuedAt: z.string(),
        decision: z.enum(['approved', 'defaulted']),
        conditional: z.boolean().optional(),
        revoked: z.object({ at: z.string(), reason: z.string() }).optional(),
      }),
    ),
    events: z.array(
      z.object({ at: z.string(), type: z.string(), item: z.string().optional(), department: z.string().optional(), detail: z.string().optional() }),
    ),
  })
  .meta({ id: 'CaseProgress' });

export const ItemViewResponse = z
  .object({
    caseId: z.string(),
    itemId: z.string(),
    department: z.string(),
    status: ItemStatus,
    startedAt: z.string(),
    decidedAt: z.string().optional(),
    decidedBy: Actor.optional(),
    reason: z.string().optional(),
    clock: Clock,
    supplements: z.array(Supplement),
    escalations: z.array(Escalation),
    specialStep: z.object({ step: z.string(), startedAt: z.string() }).optional(),
    timeoutNoticeId: z.string().optional(),
  })
  .meta({ id: 'ItemView' });

export const InboxQuery = z.object({
  status: ItemStatus.optional(),
  card: CardSchema.optional(),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  pageToken: z.string().max(4096).regex(/^[A-Za-z0-9_-]*$/).optional(),
});

export const InboxResponse = z
  .object({
    items: z.array(
      z.object({
        caseId: z.string(),
        itemId: z.string(),
        bundleId: z.string(),
        department: z.string(),
        status: z.string(),
        code: z.string().optional(),
        title: Localized.optional(),
        startedAt: z.string().optional(),
        deadline: z.string().optional(),
        card: z.string().optional(),
      }),
    ),
    nextPageToken: z.string().optional(),
  })
  .meta({ id: 'InboxPage' });

export const SealedDocumentsResponse = z
  .array(
    z.object({
      documentId: z.string(),
      type: z.string(),
      document: z.record(z.string(), z.unknown()),
      seal: z.record(z.string(), z.unknown()),
    }),
  )
  .meta({ id: 'SealedDocuments' });

export const SupervisionQuery = z.object({
  card: CardSchema.optional(),
  status: ItemStatus.optional(),
  department: Slug.optional(),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  pageToken: z.string().max(4096).regex(/^[A-Za-z0-9_-]*$/).optional(),
});

// Compile-time guards: the response schemas accept exactly what the services return.
type Assert<T extends true> = T;
type Accepts<Schema extends z.ZodType, Value> = Value extends z.input<Schema> ? true : false;
export type _ProgressMatches = Assert<Accepts<typeof CaseProgressResponse, CaseProgress>>;
export type _ItemViewMatches = Assert<Accepts<typeof ItemViewResponse, ItemView>>;
export type _InboxMatches = Assert<Accepts<typeof InboxResponse, InboxPage>>;
export type _StartedMatches = Assert<Accepts<typeof StartedCaseResponse, StartedCase & { links: { self: string } }>>;
