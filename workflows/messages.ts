/**
 * The contract between the API, the workflows and tests: workflow inputs, update/query/signal
 * definitions and the views they return. The API imports only this file from `workflows/`.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ExecutionPlan, PlanItem } from '../definitions/plan';
import type { CaseState, ItemStatus } from './lifecycle';

export const TASK_QUEUE = 'yijianshi';

export const caseWorkflowId = (caseId: string): string => `case-${caseId}`;
export const itemWorkflowId = (caseId: string, itemId: string): string => `case-${caseId}-item-${itemId}`;

// ---------------------------------------------------------------------------------------------------
// Inputs

/** Who acts: a department officer (the window is a department too). */
export interface Actor {
  department: string;
  officer?: string;
}

export interface Applicant {
  /** 统一社会信用代码 for a company, ID number for a person. */
  subjectId: string;
  kind: 'person' | 'company';
  name: string;
}

/** A material handed in (or referenced) by the applicant. */
export interface MaterialRef {
  id: string;
  /** Content hash of the uploaded document, when uploaded. */
  sha256?: string;
  /** Where the document is stored or which electronic licence satisfies it. */
  ref?: string;
}

export interface Application {
  applicant: Applicant;
  /** The one form (一表申请): values keyed by field id. */
  form: Record<string, unknown>;
  materials: MaterialRef[];
}

export interface CaseInput {
  caseId: string;
  /** The plan the case is pinned to for its whole life. */
  plan: ExecutionPlan;
  application: Application;
  /** ISO instant the application was received by the API. */
  submittedAt: string;
}

export interface ItemInput {
  caseId: string;
  bundleId: string;
  bundleVersion: number;
  caseWorkflowId: string;
  item: PlanItem;
  /** Working-day calendar (region) the item's limits count in. */
  calendar: string;
  /** Holder of the results, named on notices. */
  applicant: { subjectId: string; name: string };
}

// ---------------------------------------------------------------------------------------------------
// Views

export interface CaseEventRecord {
  at: string;
  type: string;
  item?: string;
  department?: string;
  detail?: string;
}

/** Supervision card (电子监察): yellow at 50% of the limit, red at 90%, overdue at 100%. */
export type Card = 'none' | 'yellow' | 'red' | 'overdue';

/** What a department asked the applicant to supplement (补正), and when it arrived. */
export interface SupplementRecord {
  requestedAt: string;
  requestedBy: Actor;
  reason: string;
  materials: Array<{ material?: string; description: string }>;
  suppliedAt?: string;
  supplied?: MaterialRef[];
  note?: string;
}

/** The item's clock: deadline and card instants, after pauses. */
export interface ClockView {
  deadline?: string;
  yellowAt?: string;
  redAt?: string;
  card: Card;
  /** Working days the deadline moved by for supplements and special steps. */
  pausedDays: number;
  /** True while a supplement or a special step holds the clock. */
  paused: boolean;
  /** True when a year without holiday data was counted as weekends only. */
  estimated: boolean;
}

export interface ItemProgress {
  id: string;
  code: string;
  title: { zh: string; en: string };
  department: string;
  status: ItemStatus;
  level: number;
  dependsOn: string[];
  startedAt?: string;
  decidedAt?: string;
  decidedBy?: Actor;
  reason?: string;
  /** Why the item was skipped (its condition did not hold) or cancelled. */
  note?: string;
  clock?: ClockView;
  supplements?: SupplementRecord[];
  escalations?: EscalationRecord[];
  /** The sealed timeout-default notice (超时默认通知书), when the item defaulted. */
  timeoutNoticeId?: string;
}

export interface EscalationRecord {
  at: string;
  from: string;
  to: string;
}

/** One material missing at acceptance, promised by the applicant's commitment (告知承诺). */
export interface CommitmentMaterial {
  material: string;
  name: { zh: string; en: string };
  /** End of the last working day the applicant has to supply it. */
  deadline: string;
  status: 'missing' | 'supplied';
  suppliedAt?: string;
  supplied?: MaterialRef;
  /** A department found what was supplied wrong: the material reopened with the remaining time. */
  rejections: Array<{ at: string; by: Actor; reason: string }>;
}

/** The commitment taken at acceptance with tolerated missing materials (容缺受理 + 告知承诺). */
export interface CommitmentView {
  status: 'open' | 'fulfilled' | 'broken';
  acceptedAt: string;
  materials: CommitmentMaterial[];
  /** Items granted on the strength of the commitment. */
  grants: string[];
  /** The sealed commitment letter (告知承诺书). */
  letterDocumentId: string;
  fulfilledAt?: string;
  broken?: { at: string; materials: string[] };
  /** Credit standing the tolerance was granted on. */
  credit: { rating: string; checkedAt: string };
}

export interface IssuedResult {
  itemId: string;
  documentId: string;
  certificateNumber: string;
  kind: string;
  title: { zh: string; en: string };
  department: string;
  issuedAt: string;
  /** How the item was decided: by a person, or deemed approved at its deadline. */
  decision: 'approved' | 'defaulted';
  /** Granted on the strength of a commitment that is still open. */
  conditional?: boolean;
  /** Revoked because the commitment it rested on was broken. */
  revoked?: { at: string; reason: string };
}

export interface CaseProgress {
  caseId: string;
  bundleId: string;
  bundleVersion: number;
  planHash: string;
  title: { zh: string; en: string };
  status: CaseState;
  applicant: Applicant;
  submittedAt: string;
  acceptedAt?: string;
  refusal?: { at: string; reasons: string[]; by: Actor };
  rejection?: { at: string; item: string; reason: string; by?: Actor };
  completedAt?: string;
  terminatedAt?: string;
  commitment?: CommitmentView;
  items: ItemProgress[];
  results: IssuedResult[];
  events: CaseEventRecord[];
}

export interface ItemView {
  caseId: string;
  itemId: string;
  department: string;
  status: ItemStatus;
  startedAt: string;
  decidedAt?: string;
  decidedBy?: Actor;
  reason?: string;
  clock: ClockView;
  supplements: SupplementRecord[];
  escalations: EscalationRecord[];
  /** The special step (hearing, inspection, expert review…) holding the clock now. */
  specialStep?: { step: string; startedAt: string };
  timeoutNoticeId?: string;
}

/** What an item child workflow returns to its case. */
export interface ItemOutcome {
  itemId: string;
  status: Extract<ItemStatus, 'approved' | 'defaulted' | 'rejected' | 'cancelled'>;
  department: string;
  decidedAt: string;
  decidedBy?: Actor;
  reason?: string;
  timeoutNoticeId?: string;
}

// ---------------------------------------------------------------------------------------------------
// Messages

export interface AcceptCaseRequest {
  actor: Actor;
  note?: string;
  /**
   * Accept with the tolerable materials that are missing, on the applicant's commitment to supply
   * them by their deadlines (容缺受理). Needed whenever such materials are missing.
   */
  tolerateMissing?: boolean;
}
export interface RefuseCaseRequest {
  actor: Actor;
  reasons: string[];
}
export interface ApproveItemRequest {
  actor: Actor;
  comment?: string;
}
export interface RejectItemRequest {
  actor: Actor;
  reason: string;
}
export interface RequestSupplementRequest {
  actor: Actor;
  reason: string;
  materials: Array<{ material?: string; description: string }>;
}
export interface ProvideSupplementRequest {
  materials: MaterialRef[];
  note?: string;
}
export interface SpecialStepRequest {
  actor: Actor;
  /** A step of the item declared with `countsTowardLimit: false`. */
  step: string;
}

export interface SupplyCommitmentRequest {
  materials: MaterialRef[];
}
export interface RejectCommitmentMaterialRequest {
  actor: Actor;
  material: string;
  reason: string;
}

/** Window acceptance (一窗受理): the case moves on to its departments. */
export const acceptCase = defineUpdate<CaseProgress, [AcceptCaseRequest]>('acceptCase');
/** Window refusal with reasons: the case ends. */
export const refuseCase = defineUpdate<CaseProgress, [RefuseCaseRequest]>('refuseCase');
export const getProgress = defineQuery<CaseProgress>('getProgress');
/** The applicant supplies materials promised in the commitment. */
export const supplyCommitmentMaterials = defineUpdate<CaseProgress, [SupplyCommitmentRequest]>('supplyCommitmentMaterials');
/** A department that relies on a supplied material finds it wrong: it reopens with the remaining time. */
export const rejectCommitmentMaterial = defineUpdate<CaseProgress, [RejectCommitmentMaterialRequest]>('rejectCommitmentMaterial');
/** The input the case started with (its pinned plan and application). */
export const getCaseInput = defineQuery<CaseInput>('getCaseInput');

export const approveItem = defineUpdate<ItemView, [ApproveItemRequest]>('approveItem');
export const rejectItem = defineUpdate<ItemView, [RejectItemRequest]>('rejectItem');
/** A department asks the applicant to supplement materials (补正): the item's clock pauses. */
export const requestSupplement = defineUpdate<ItemView, [RequestSupplementRequest]>('requestSupplement');
/** The applicant supplies what was asked: the clock resumes the next working day. */
export const provideSupplement = defineUpdate<ItemView, [ProvideSupplementRequest]>('provideSupplement');
/** A hearing, inspection, test or expert review starts: its time does not count. */
export const startSpecialStep = defineUpdate<ItemView, [SpecialStepRequest]>('startSpecialStep');
export const endSpecialStep = defineUpdate<ItemView, [{ actor: Actor }]>('endSpecialStep');
export const getItem = defineQuery<ItemView>('getItem');
/** Sent by an item to its case whenever its status changes before it settles. */
export const itemChanged = defineSignal<[ItemView]>('itemChanged');
