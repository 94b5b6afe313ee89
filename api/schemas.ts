/**
 * zod schemas of the REST API's requests and responses: they validate input, serialize output and
 * generate `/openapi.json`. What reaches a workflow or comes from one is the workflow contract's own
 * schema (`workflows/contract.ts`): a request body is its Update's arguments without the actor (who
 * comes from authentication), a response is its view, so nothing is declared twice. The rest (path
 * and query parameters, headers, listings) is the API's.
 */
import { z } from 'zod';
import {
  AcceptCaseRequest,
  Actor as ContractActor,
  Applicant,
  Application,
  ApproveItemRequest,
  Card,
  CaseProgress,
  ItemStatus,
  ItemView,
  MaterialRef,
  ProvideSupplementRequest,
  RefuseCaseRequest,
  RejectCommitmentMaterialRequest,
  RejectItemRequest,
  RequestSupplementRequest,
  SpecialStepRequest,
  SupplyCommitmentRequest,
} from '../workflows/contract';
import { Localized, Slug } from '../domain/application';

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

export const Actor = ContractActor;
export const CardSchema = Card;

export const StartCaseBody = z
  .object({
    bundleId: Slug,
    version: z.number().int().min(1).optional().meta({ description: 'Defaults to the latest published version.' }),
    applicant: Applicant.extend({ subjectId: SubjectId, name: z.string().min(1).max(200) }),
    form: Application.shape.form.default({}).meta({ description: 'The one form: values by field id.' }),
    materials: z.array(MaterialRef).max(200).default([]),
  })
  .meta({ id: 'StartCase' });

export const StartedCaseResponse = z
  .object({
    caseId: z.string(),
    caseNumber: z.string().optional().meta({ description: '办件编号: the case number window officers read out.' }),
    bundleId: z.string(),
    bundleVersion: z.number(),
    created: z.boolean(),
    links: z.object({ self: z.string() }),
  })
  .meta({ id: 'StartedCase' });

export const AcceptBody = AcceptCaseRequest.omit({ actor: true }).default({});
export const SupplyCommitmentBody = SupplyCommitmentRequest;
export const RejectCommitmentMaterialBody = RejectCommitmentMaterialRequest.omit({ actor: true, material: true });
export const CommitmentMaterialParams = z.object({ caseId: CaseId, material: Slug });
export const RefuseBody = RefuseCaseRequest.omit({ actor: true });
export const ApproveBody = ApproveItemRequest.omit({ actor: true }).default({});
export const RejectBody = RejectItemRequest.omit({ actor: true });
export const SupplementRequestBody = RequestSupplementRequest.omit({ actor: true });
export const SupplyBody = z
  .object({ itemId: Slug.meta({ description: 'The item whose supplement request this answers.' }), ...ProvideSupplementRequest.shape })
  .meta({ id: 'Supplement' });
export const SpecialStepBody = SpecialStepRequest.omit({ actor: true });

export const CaseProgressResponse = CaseProgress;
/** A case's progress as `GET /cases/:id` answers it: from the workflow, or from the read model with `asOf`. */
export const CaseProgressReadResponse = CaseProgress.extend({
  asOf: z
    .string()
    .optional()
    .meta({ description: "Present when the worker did not answer in time: the progress is the read model's copy, as written at this instant." }),
}).meta({ id: 'CaseProgressRead' });
export const ItemViewResponse = ItemView;

export const InboxQuery = z.object({
  /** A signed-in officer sees the items at their role's steps and those they hold; `true`: the whole department's. */
  all: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .meta({ description: "A signed-in officer's inbox lists the items at their role's steps and those they hold; all=true lists the whole department's." }),
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
        /** The step the item is at, the role that acts on it, and the person holding it. */
        step: z.string().optional(),
        stepRole: z.string().optional(),
        holder: z.string().optional(),
        escalatedFrom: z.array(z.string()).optional().meta({ description: 'The departments the item was escalated from (it is now with `department`).' }),
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
  escalated: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .meta({ description: 'true: only items escalated to a supervising department (超时升级).' }),
  department: Slug.optional(),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  pageToken: z.string().max(4096).regex(/^[A-Za-z0-9_-]*$/).optional(),
});


/** The counts' filters: the listing's, without card and paging. */
export const InboxCountsQuery = InboxQuery.omit({ card: true, pageSize: true, pageToken: true });
export const SupervisionCountsQuery = SupervisionQuery.omit({ card: true, pageSize: true, pageToken: true });

/** How many items the listing holds for a filter (every page), in all and per card. */
export const CardCounts = z
  .object({
    total: z.number().int().min(0),
    none: z.number().int().min(0).meta({ description: 'Items without a card (before 50% of their limit).' }),
    yellow: z.number().int().min(0),
    red: z.number().int().min(0),
    overdue: z.number().int().min(0),
  })
  .meta({ id: 'CardCounts' });

/** What the inbox and the supervision desk list: one page of items. */
export type InboxPage = z.infer<typeof InboxResponse>;
export type InboxEntry = InboxPage['items'][number];
/** A started (or idempotently found) case, without its links. */
export type StartedCase = Omit<z.infer<typeof StartedCaseResponse>, 'links'>;
