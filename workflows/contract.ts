/**
 * The contract between the API, the workflows and tests, schema first: one zod schema per message
 * (workflow inputs, Update arguments, the views Queries and Updates return), the TypeScript type of
 * each its `z.infer`, and the Update, Query and Signal definitions. The API validates requests and
 * serializes responses with these schemas (`api/schemas.ts`), so what it accepts and shows is what
 * the workflows take and return. From `workflows/` the API imports only this module.
 *
 * Workflows do not parse their messages with these schemas (validators keep their own, older rules so
 * that histories replay); the API parses requests before they become Updates. `.meta({ id })` names
 * an OpenAPI component.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CaseProjection } from '../domain/read-model';
import { z } from 'zod';
import type { CasePlan, PlanItem } from '../definitions/plan';
import { Actor, Applicant, Application, DepartmentRole, Localized, MaterialRef, Slug } from '../domain/application';
import { CommitmentMaterial, CommitmentView } from '../domain/commitments';
import { IssuedResult } from '../domain/results';
import { CallbackOutcome, CloseRectificationBody } from '../domain/reviews';
import { CaseState, ItemStatus } from './lifecycle';

export { Actor, Applicant, Application, MaterialRef, CommitmentMaterial, CommitmentView, IssuedResult };
export { FailureType } from '../domain/errors';
/** The lifecycles, for docs and screens (`GET /lifecycle`), and the statuses they give. */
export { caseMachine, itemMachine, CaseState, ItemStatus } from './lifecycle';
/** The search attributes inbox and supervision queries read. */
export * from './search-attributes';

export const TASK_QUEUE = 'yijianshi';

export const caseWorkflowId = (caseId: string): string => `case-${caseId}`;
export const itemWorkflowId = (caseId: string, itemId: string): string => `case-${caseId}-item-${itemId}`;

// ---------------------------------------------------------------------------------------------------
// Inputs

export const CaseInput = z.object({
  caseId: z.string(),
  /**
   * The plan the case is pinned to for its whole life (its shape is `compile()`'s, `definitions/plan.ts`):
   * what a case runs on of it (`casePlan()`); cases started before carry the whole plan.
   */
  plan: z.custom<CasePlan>(),
  application: Application,
  /** ISO instant the application was received by the API. */
  submittedAt: z.string(),
  /** 办件编号: the number window officers read out, made by the API from the bundle's pattern (cases started before have none). */
  caseNumber: z.string().optional(),
});
export type CaseInput = z.infer<typeof CaseInput>;

/**
 * What an item workflow runs on of its plan item: its identity and department, its limit and timeout
 * policy, and its steps as far as special steps need them. A case started in lean mode sends only
 * this; earlier cases sent the whole `PlanItem`, which has all of it.
 */
export type DispatchedItem = Pick<PlanItem, 'id' | 'code' | 'title' | 'department' | 'promisedDays' | 'defaultable' | 'timeout'> & {
  steps: Array<Pick<PlanItem['steps'][number], 'id' | 'kind' | 'countsTowardLimit' | 'role' | 'countersign' | 'limitDays' | 'duration'>>;
  /**
   * Edition 2: the item is filed (备案) for this application: registered with a receipt and no decision,
   * at once (`checkDays` 0) or when its check period ends, unless the department objects (rejects).
   * `promisedDays` is then the check period. (Not `filing`: a plan item, which old cases send whole,
   * has a `filing` of its own shape.)
   */
  asFiling?: { checkDays: number };
};

/** Deadline and card instants of a limit, as the clock activity computes them (`domain/calendar.ts` `ItemClock`). */
export const ComputedClock = z.object({
  deadline: z.string().optional(),
  yellowAt: z.string().optional(),
  redAt: z.string().optional(),
  pausedDays: z.number(),
  paused: z.boolean(),
  estimated: z.boolean(),
});
export type ComputedClock = z.infer<typeof ComputedClock>;

export const ItemInput = z.object({
  caseId: z.string(),
  bundleId: z.string(),
  bundleVersion: z.number(),
  caseWorkflowId: z.string(),
  item: z.custom<DispatchedItem>(),
  /** Working-day calendar (region) the item's limits count in. */
  calendar: z.string(),
  /** Holder of the results, named on notices. */
  applicant: Applicant.pick({ subjectId: true, name: true }),
  /**
   * Lean mode (cases started under patch `lean-case`): the instant the case dispatched the item and
   * the clock it computed from it. The item starts its clock there, and tells its case only of what
   * changes later (pauses, cards, escalation), not of the clock the case already knows.
   */
  dispatch: z.object({ at: z.string(), clock: ComputedClock }).optional(),
});
export type ItemInput = z.infer<typeof ItemInput>;

// ---------------------------------------------------------------------------------------------------
// Views

/** Supervision card (电子监察): yellow at 50% of the limit, red at 90%, overdue at 100%. */
export const Card = z.enum(['none', 'yellow', 'red', 'overdue']);
export type Card = z.infer<typeof Card>;

export const CaseEventRecord = z.object({
  at: z.string(),
  type: z.string(),
  item: z.string().optional(),
  department: z.string().optional(),
  detail: z.string().optional(),
});
export type CaseEventRecord = z.infer<typeof CaseEventRecord>;

/** What a department asked the applicant to supplement (补正), and when it arrived. */
export const SupplementRecord = z.object({
  requestedAt: z.string(),
  requestedBy: Actor,
  reason: z.string(),
  materials: z.array(z.object({ material: z.string().optional(), description: z.string() })),
  suppliedAt: z.string().optional(),
  supplied: z.array(MaterialRef).optional(),
  note: z.string().optional(),
});
export type SupplementRecord = z.infer<typeof SupplementRecord>;

/** The item's clock: deadline and card instants, after pauses. */
export const ClockView = z
  .object({
    deadline: z.string().optional(),
    yellowAt: z.string().optional(),
    redAt: z.string().optional(),
    card: Card,
    /** Working days the deadline moved by for supplements and special steps. */
    pausedDays: z.number(),
    /** True while a supplement or a special step holds the clock. */
    paused: z.boolean(),
    /** True when a year without holiday data was counted as weekends only. */
    estimated: z.boolean().meta({ description: 'A year without holiday data was counted as weekends only.' }),
  })
  .meta({ id: 'ItemClock', description: 'Deadline (end of the last working day) and card instants, after pauses.' });
export type ClockView = z.infer<typeof ClockView>;

export const EscalationRecord = z.object({ at: z.string(), from: z.string(), to: z.string() });

/** Where an item is in its steps, who holds it, and every act on them, attributed. */
export const WorkView = z
  .object({
    step: z.string(),
    role: DepartmentRole,
    holder: Actor.optional(),
    steps: z.array(
      z.object({
        id: z.string(),
        role: DepartmentRole,
        countersign: z
          .object({ roles: z.array(DepartmentRole).optional(), departments: z.array(z.string()).optional(), mode: z.enum(['all', 'any', 'ratio']), ratio: z.number().optional() })
          .optional(),
        /** A timed step (edition 2): nobody works it, it ends by itself after its days. */
        timed: z.object({ days: z.number(), unit: z.enum(['working-days', 'calendar-days']), counted: z.boolean() }).optional(),
      }),
    ),
    signatures: z.array(z.object({ party: z.string(), by: Actor, at: z.string(), opinion: z.string(), agree: z.boolean() })),
    /** The current step's own limit and card, when the definition gives the step one. */
    clock: z.object({ step: z.string(), deadline: z.string().optional(), yellowAt: z.string().optional(), redAt: z.string().optional(), card: Card }).optional(),
    trail: z.array(
      z.object({
        at: z.string(),
        act: z.enum(['claim', 'release', 'assign', 'complete', 'send-back', 'transfer', 'sign', 'decide', 'timer-start', 'timer-end']),
        step: z.string(),
        by: Actor,
        to: z.union([Actor, z.string()]).optional(),
        opinion: z.string().optional(),
        decision: z.enum(['approve', 'reject']).optional(),
      }),
    ),
  })
  .meta({ id: 'ItemWork' });
export type WorkView = z.infer<typeof WorkView>;

export const UrgeRecord = z.object({ at: z.string(), by: z.object({ id: z.string(), name: z.string().optional(), as: z.string() }), note: z.string().optional() });
export type UrgeRecord = z.infer<typeof UrgeRecord>;
export const CopyRecord = z.object({ at: z.string(), by: Actor, to: z.object({ department: z.string().optional(), person: z.string().optional() }), note: z.string().optional() });
export type CopyRecord = z.infer<typeof CopyRecord>;
export type EscalationRecord = z.infer<typeof EscalationRecord>;

/** A timed step (edition 2) while it runs: it started when the item reached it and ends by itself. */
export const TimedStepView = z
  .object({
    step: z.string(),
    startedAt: z.string(),
    endsAt: z.string(),
    /** False when the law leaves the period out of the item's limit: the clock stops meanwhile. */
    counted: z.boolean(),
  })
  .meta({ id: 'TimedStep' });
export type TimedStepView = z.infer<typeof TimedStepView>;

export const ItemProgress = z.object({
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
  /** Why the item was skipped (its condition did not hold) or cancelled. */
  note: z.string().optional(),
  clock: ClockView.optional(),
  supplements: z.array(SupplementRecord).optional(),
  escalations: z.array(EscalationRecord).optional(),
  /** The sealed timeout-default notice (超时默认通知书), when the item defaulted. */
  timeoutNoticeId: z.string().optional(),
  /** The timed step running now (e.g. a public notice period 公示期), and when it ends by itself. */
  timedStep: TimedStepView.optional(),
  /** The step the department is at, and the officer holding it (items worked through steps). */
  step: z.string().optional(),
  /** The department role that acts on the current step (a person's inbox shows the items at their role's steps). */
  stepRole: DepartmentRole.optional(),
  /** The current step's own deadline and card, when it has a limit of its own. */
  stepClock: z.object({ deadline: z.string().optional(), card: Card }).optional(),
  holder: Actor.optional(),
  /** How many times the item was urged (催办). */
  urges: z.number().int().optional(),
  /** Departments and people the item was copied to (抄送), who may read the case. */
  copiedTo: z.array(z.string()).optional(),
});
export type ItemProgress = z.infer<typeof ItemProgress>;

/** Someone who is not a department officer acting on a case: the applicant, an integrator, a supervisor. */
export const Requester = z.object({
  /** The principal's id (a person's, or an API key's). */
  id: z.string(),
  name: z.string().optional(),
  /** What they act as: `applicant`, `integrator`, `window`, `supervisor`. */
  as: z.string(),
  /** The applicant's subject, when the applicant acts. */
  subjectId: z.string().optional(),
});
export type Requester = z.infer<typeof Requester>;

export const CaseProgress = z
  .object({
    caseId: z.string(),
    /** 办件编号: the human-readable case number window officers read out (cases started before it have none). */
    caseNumber: z.string().optional(),
    bundleId: z.string(),
    bundleVersion: z.number(),
    planHash: z.string(),
    title: Localized,
    status: CaseState,
    applicant: Applicant,
    submittedAt: z.string(),
    acceptedAt: z.string().optional(),
    refusal: z.object({ at: z.string(), reasons: z.array(z.string()), by: Actor }).optional(),
    /** 撤回申请: who withdrew the case, when, and why if they said. */
    withdrawal: z.object({ at: z.string(), by: Requester, reason: z.string().optional() }).optional(),
    rejection: z.object({ at: z.string(), item: z.string(), reason: z.string(), by: Actor.optional() }).optional(),
    completedAt: z.string().optional(),
    terminatedAt: z.string().optional(),
    commitment: CommitmentView.optional().meta({ description: 'The commitment (告知承诺) taken at acceptance with tolerated missing materials.' }),
    items: z.array(ItemProgress),
    results: z.array(IssuedResult),
    events: z.array(CaseEventRecord),
  })
  .meta({ id: 'CaseProgress' });
export type CaseProgress = z.infer<typeof CaseProgress>;

export const ItemView = z
  .object({
    caseId: z.string(),
    itemId: z.string(),
    department: z.string(),
    status: ItemStatus,
    startedAt: z.string(),
    decidedAt: z.string().optional(),
    decidedBy: Actor.optional(),
    reason: z.string().optional(),
    clock: ClockView,
    supplements: z.array(SupplementRecord),
    escalations: z.array(EscalationRecord),
    /** The special step (hearing, inspection, expert review…) holding the clock now. */
    specialStep: z.object({ step: z.string(), startedAt: z.string() }).optional(),
    /** The timed step running now (e.g. a public notice period 公示期), and when it ends by itself. */
    timedStep: TimedStepView.optional(),
    timeoutNoticeId: z.string().optional(),
    /** The item worked through its steps by the department's people (items declaring counted steps). */
    work: WorkView.optional(),
    /** 催办: who urged the item, when. */
    urges: z.array(UrgeRecord).optional(),
    /** 抄送: who the item was copied to, for information. */
    copies: z.array(CopyRecord).optional(),
  })
  .meta({ id: 'ItemView' });
export type ItemView = z.infer<typeof ItemView>;

/** What an item child workflow returns to its case. */
export const ItemOutcome = z.object({
  itemId: z.string(),
  status: ItemStatus.extract(['approved', 'defaulted', 'filed', 'rejected', 'cancelled']),
  department: z.string(),
  decidedAt: z.string(),
  decidedBy: Actor.optional(),
  reason: z.string().optional(),
  timeoutNoticeId: z.string().optional(),
});
export type ItemOutcome = z.infer<typeof ItemOutcome>;

// ---------------------------------------------------------------------------------------------------
// Update arguments: the caller (`actor`) comes from authentication, the rest from the request body.

const Reason = z.string().trim().min(1).max(2000);

export const AcceptCaseRequest = z.object({
  actor: Actor,
  note: z.string().max(2000).optional(),
  /**
   * Accept with the tolerable materials that are missing, on the applicant's commitment to supply
   * them by their deadlines (容缺受理). Needed whenever such materials are missing.
   */
  tolerateMissing: z
    .boolean()
    .optional()
    .meta({ description: '容缺受理: accept with the missing tolerable materials on the applicant’s commitment (needs eligible credit).' }),
});
export type AcceptCaseRequest = z.infer<typeof AcceptCaseRequest>;

export const RefuseCaseRequest = z.object({ actor: Actor, reasons: z.array(z.string().min(1).max(2000)).min(1).max(50) });
export type RefuseCaseRequest = z.infer<typeof RefuseCaseRequest>;

export const ApproveItemRequest = z.object({ actor: Actor, comment: z.string().max(2000).optional() });
export type ApproveItemRequest = z.infer<typeof ApproveItemRequest>;

export const RejectItemRequest = z.object({ actor: Actor, reason: Reason });
export type RejectItemRequest = z.infer<typeof RejectItemRequest>;

export const RequestSupplementRequest = z.object({
  actor: Actor,
  reason: Reason,
  materials: z.array(z.object({ material: Slug.optional(), description: z.string().trim().min(1).max(500) })).min(1).max(50),
});
export type RequestSupplementRequest = z.infer<typeof RequestSupplementRequest>;

export const ProvideSupplementRequest = z.object({ materials: z.array(MaterialRef).min(1).max(50), note: z.string().max(2000).optional() });
export type ProvideSupplementRequest = z.infer<typeof ProvideSupplementRequest>;

export const SpecialStepRequest = z.object({
  actor: Actor,
  /** A step of the item declared with `countsTowardLimit: false`. */
  step: Slug,
});
export type SpecialStepRequest = z.infer<typeof SpecialStepRequest>;

export const EndSpecialStepRequest = z.object({ actor: Actor });
export type EndSpecialStepRequest = z.infer<typeof EndSpecialStepRequest>;

export const SupplyCommitmentRequest = z.object({ materials: z.array(MaterialRef).min(1).max(50) });
export type SupplyCommitmentRequest = z.infer<typeof SupplyCommitmentRequest>;

export const RejectCommitmentMaterialRequest = z.object({ actor: Actor, material: Slug, reason: Reason });
export type RejectCommitmentMaterialRequest = z.infer<typeof RejectCommitmentMaterialRequest>;

/** 撤回申请: the applicant (or the window or an integrator on their behalf) withdraws before completion. */
export const WithdrawCaseRequest = z.object({ by: Requester, reason: z.string().trim().max(2000).optional() });
export type WithdrawCaseRequest = z.infer<typeof WithdrawCaseRequest>;

/** An officer's act on the item's current step (claim, release). */
export const StepActRequest = z.object({ actor: Actor, step: Slug });
export type StepActRequest = z.infer<typeof StepActRequest>;

/** A head assigns (or reassigns) the current step to an officer of the department. */
export const AssignStepRequest = z.object({ actor: Actor, step: Slug, to: Actor });
export type AssignStepRequest = z.infer<typeof AssignStepRequest>;

/** Completes the current step with an opinion (审查意见); the last step also decides. */
export const CompleteStepRequest = z.object({
  actor: Actor,
  step: Slug,
  opinion: z.string().trim().min(1).max(2000),
  decision: z.enum(['approve', 'reject']).optional(),
});
export type CompleteStepRequest = z.infer<typeof CompleteStepRequest>;

/** 退回: back to an earlier step, with a reason (not 补正: the applicant is not involved, the clock runs). */
export const SendBackRequest = z.object({ actor: Actor, step: Slug, to: Slug, reason: Reason });
export type SendBackRequest = z.infer<typeof SendBackRequest>;

/** 转办: the current step to another officer of the same department, with a reason. */
export const TransferStepRequest = z.object({ actor: Actor, step: Slug, to: Actor, reason: Reason });
export type TransferStepRequest = z.infer<typeof TransferStepRequest>;

/** 会签: one party's signature on a step that needs several roles or departments. */
export const SignStepRequest = z.object({ actor: Actor, step: Slug, opinion: z.string().trim().min(1).max(2000), agree: z.boolean() });
export type SignStepRequest = z.infer<typeof SignStepRequest>;

/** 催办: a supervisor or the window urges an item; its holder and department are notified. */
export const UrgeItemRequest = z.object({ by: Requester, note: z.string().trim().max(2000).optional() });
export type UrgeItemRequest = z.infer<typeof UrgeItemRequest>;

/** 抄送: an item copied to a department or a person, for information (read-only), with a notification. */
export const CopyItemRequest = z.object({
  actor: Actor,
  to: z.object({ department: Slug.optional(), person: z.string().max(200).optional() }).refine((t) => t.department || t.person, 'name a department or a person'),
  note: z.string().trim().max(2000).optional(),
});
export type CopyItemRequest = z.infer<typeof CopyItemRequest>;

// ---------------------------------------------------------------------------------------------------
// Idempotency-Key: what a keyed Update carries and answers

/**
 * Sent with an Update made under a caller's Idempotency-Key (its Update ID derived from the caller
 * and the key), and answered back in its result: `request`, the fingerprint of the request (the
 * Update's name and arguments without this field), and `attempt`, unique per API request. Temporal
 * answers a known Update ID with the first outcome, so the echo says which request that was: another
 * fingerprint is a reuse of the key, another attempt a replay. Not part of the HTTP contract.
 */
export const IdempotencyEcho = z.object({ request: z.string(), attempt: z.string() });
export type IdempotencyEcho = z.infer<typeof IdempotencyEcho>;

/** An Update's request or result, with the echo when the caller sent an Idempotency-Key. */
export type Echoed<T> = T & { idempotency?: IdempotencyEcho };

// ---------------------------------------------------------------------------------------------------
// Updates, Queries and Signals

/** Window acceptance (一窗受理): the case moves on to its departments. */
export const acceptCase = defineUpdate<Echoed<CaseProgress>, [Echoed<AcceptCaseRequest>]>('acceptCase');
/** Window refusal with reasons: the case ends. */
export const refuseCase = defineUpdate<Echoed<CaseProgress>, [Echoed<RefuseCaseRequest>]>('refuseCase');
export const getProgress = defineQuery<CaseProgress>('getProgress');
/** The case as the read model holds it, at the revision it last wrote (0: never written, a case from before the read model). */
export const getProjection = defineQuery<CaseProjection>('getProjection');
/** The applicant supplies materials promised in the commitment. */
export const supplyCommitmentMaterials = defineUpdate<Echoed<CaseProgress>, [Echoed<SupplyCommitmentRequest>]>('supplyCommitmentMaterials');
/** A department that relies on a supplied material finds it wrong: it reopens with the remaining time. */
export const rejectCommitmentMaterial = defineUpdate<Echoed<CaseProgress>, [Echoed<RejectCommitmentMaterialRequest>]>('rejectCommitmentMaterial');
/** The input the case started with (its pinned plan and application). */
export const getCaseInput = defineQuery<CaseInput>('getCaseInput');

export const approveItem = defineUpdate<Echoed<ItemView>, [Echoed<ApproveItemRequest>]>('approveItem');
export const rejectItem = defineUpdate<Echoed<ItemView>, [Echoed<RejectItemRequest>]>('rejectItem');
/** A department asks the applicant to supplement materials (补正): the item's clock pauses. */
export const requestSupplement = defineUpdate<Echoed<ItemView>, [Echoed<RequestSupplementRequest>]>('requestSupplement');
/** The applicant supplies what was asked: the clock resumes the next working day. */
export const provideSupplement = defineUpdate<Echoed<ItemView>, [Echoed<ProvideSupplementRequest>]>('provideSupplement');
/** A hearing, inspection, test or expert review starts: its time does not count. */
export const startSpecialStep = defineUpdate<Echoed<ItemView>, [Echoed<SpecialStepRequest>]>('startSpecialStep');
export const endSpecialStep = defineUpdate<Echoed<ItemView>, [Echoed<EndSpecialStepRequest>]>('endSpecialStep');
export const getItem = defineQuery<ItemView>('getItem');
/** 撤回申请: the case ends as withdrawn, its open items cancelled, nothing issued. */
export const withdrawCase = defineUpdate<Echoed<CaseProgress>, [Echoed<WithdrawCaseRequest>]>('withdrawCase');
export const claimStep = defineUpdate<Echoed<ItemView>, [Echoed<StepActRequest>]>('claimStep');
export const releaseStep = defineUpdate<Echoed<ItemView>, [Echoed<StepActRequest>]>('releaseStep');
export const assignStep = defineUpdate<Echoed<ItemView>, [Echoed<AssignStepRequest>]>('assignStep');
export const completeStep = defineUpdate<Echoed<ItemView>, [Echoed<CompleteStepRequest>]>('completeStep');
export const sendBackStep = defineUpdate<Echoed<ItemView>, [Echoed<SendBackRequest>]>('sendBackStep');
export const transferStep = defineUpdate<Echoed<ItemView>, [Echoed<TransferStepRequest>]>('transferStep');
export const signStep = defineUpdate<Echoed<ItemView>, [Echoed<SignStepRequest>]>('signStep');
export const urgeItem = defineUpdate<Echoed<ItemView>, [Echoed<UrgeItemRequest>]>('urgeItem');
export const copyItem = defineUpdate<Echoed<ItemView>, [Echoed<CopyItemRequest>]>('copyItem');
/** Sent by an item to its case whenever its status changes before it settles. */
export const itemChanged = defineSignal<[ItemView]>('itemChanged');

// ---------------------------------------------------------------------------------------------------
// Rectifications (好差评, issue 14): a bad rating's rectification runs as its own workflow, which owns
// its working-day clock (deadline, yellow and red cards) and its closing with the call-back.

export const rectificationWorkflowId = (rectificationId: string): string => `rectification-${rectificationId}`;

export const RectificationInput = z.object({
  rectificationId: z.string(),
  reviewId: z.string(),
  caseId: z.string(),
  /** The department rated, which rectifies. */
  department: z.string(),
  /** The applicant, who is called back. */
  subjectId: z.string(),
  /** The rating's level (1 or 2). */
  level: z.number().int(),
  /** The case's calendar and the limit in working days. */
  calendar: z.string(),
  days: z.number().int().min(1),
});
export type RectificationInput = z.infer<typeof RectificationInput>;

/** The rectification as its workflow holds it. */
export const RectificationState = z.object({
  rectificationId: z.string(),
  caseId: z.string(),
  department: z.string(),
  /** `opening` until the clock is computed and recorded; `withdrawn` when the applicant amended the rating to a good level. */
  status: z.enum(['opening', 'open', 'closed', 'withdrawn']),
  openedAt: z.string().optional(),
  clock: ClockView.optional(),
  measures: z.string().optional(),
  closedAt: z.string().optional(),
  callback: z.object({ at: z.string(), outcome: CallbackOutcome, note: z.string().optional(), by: z.string() }).optional(),
});
export type RectificationState = z.infer<typeof RectificationState>;

/** The department closes its rectification: the measures taken and the call-back to the applicant. */
export const CloseRectificationRequest = CloseRectificationBody.extend({ actor: Actor });
export type CloseRectificationRequest = z.infer<typeof CloseRectificationRequest>;

export const closeRectification = defineUpdate<Echoed<RectificationState>, [Echoed<CloseRectificationRequest>]>('closeRectification');
export const getRectification = defineQuery<RectificationState>('getRectification');

/**
 * The applicant amended the rating to a good level: the review store has already marked the
 * rectification withdrawn (in the amendment's transaction); the workflow stops its cards and ends.
 */
export const RectificationWithdrawal = z.object({ withdrawnAt: z.string(), reviewVersion: z.number().int() });
export type RectificationWithdrawal = z.infer<typeof RectificationWithdrawal>;
export const rectificationWithdrawn = defineSignal<[RectificationWithdrawal]>('rectificationWithdrawn');
