/**
 * Activities: every side effect of a case, each idempotent and keyed by case, item and action.
 * Built from their dependencies so tests and deployments choose the stores.
 */
import { ApplicationFailure } from '@temporalio/common';
import { addWorkingDays } from '../domain/calendar';
import { periodEnd, type PeriodUnit } from '../domain/periods';
import { loadCalendar } from '../adapters/calendar-data';
import { computeItemClock, type ItemClockRequest } from './clock';
import { checkCredit, sealCommitmentLetter, type CommitmentLetterInput, type CreditCheck } from './commitment-effects';
import type { BrokenCommitmentRecord, CreditProvider } from '../adapters/credit';
import type { DocumentStore } from '../adapters/documents';
import { issueAll, type IssueResultsInput } from './issue';
import type { KeyStore } from '../adapters/keystore';
import { sealTimeoutDefaultNotice, type TimeoutDefaultNoticeInput } from './timeout-notice';
import { DocumentOutbox, type Notification, type Outbox } from '../adapters/outbox';
import { recordConditions, Sealer } from '../adapters/sealer';
import type { ReadModelStore } from '../adapters/read-model';
import type { CaseProjection } from '../domain/read-model';
import { projectCase } from './read-model';
import type { ReviewStore } from '../adapters/reviews';
import { createRectificationActivities } from './rectifications';
import type { WebhookDispatch } from '../adapters/webhooks';
import { webhookActivities } from './webhooks';
import type { NoticeDispatch } from '../adapters/notices';
import { deliverLater, noticeActivities } from './notices';
import type { ItemClock } from '../domain/calendar';
import type { IssuedResult } from '../domain/results';
import { testDeadline, type TestClock } from '../domain/test-clock';

export interface ActivityDeps {
  documents: DocumentStore;
  /** The departments' seal keys. */
  keys: KeyStore;
  /** Credit standings, and where broken commitments are recorded. */
  credit: CreditProvider;
  /** Holiday data directory; the repository's `adapters/data` by default. */
  calendarDataDir?: string;
  /**
   * The test clock (domain/test-clock.ts): working days of a few seconds, for drills only. Set by
   * runtime/test-clock.ts from `YJS_TEST_CLOCK_DAY_SECONDS`; absent in every real deployment.
   */
  testClock?: TestClock;
  /** Where notifications wait for delivery; by default beside the documents, in `documents`. */
  outbox?: Outbox;
  /**
   * The read model the case workflows write (inboxes, supervision, statistics, progress when the
   * worker is away). Without it `projectCase` writes nothing: workflow tests that read no inbox.
   */
  readModel?: ReadModelStore;
  /** 好差评: where rectification workflows record their clock, cards and closing (issue 14). */
  reviews?: ReviewStore;
  /** Webhook subscriptions and deliveries: without it no case event is published (issue 14). */
  webhooks?: WebhookDispatch;
  /** Notification channels (SMS, e-mail, in-app): without them the outbox only keeps notifications (issue 14). */
  notices?: NoticeDispatch;
}

export function createActivities(deps: ActivityDeps) {
  const sealer = new Sealer(deps.keys, deps.documents);
  const outbox = deps.outbox ?? new DocumentOutbox(deps.documents);
  // Publishing runs inside `projectCase`; the rest are the delivery workflow's activities.
  const { publishCaseEvents, ...webhookDelivery } = webhookActivities(deps.webhooks);
  return {
    ...createRectificationActivities(deps.reviews, deps.webhooks),
    ...webhookDelivery,
    ...noticeActivities(deps.notices),
    /** Issues and seals every result of the case at once; a retry returns the same documents. */
    async issueResults(input: IssueResultsInput): Promise<IssuedResult[]> {
      return issueAll(sealer, input);
    },
    /** Deadline and card instants of an item, in working days of its calendar. */
    async computeItemClock(request: ItemClockRequest): Promise<ItemClock> {
      return computeItemClock(request, deps.calendarDataDir, deps.testClock);
    },
    /** The sealed timeout-default notice of an item, made once. */
    async issueTimeoutDefaultNotice(input: TimeoutDefaultNoticeInput): Promise<{ documentId: string }> {
      return sealTimeoutDefaultNotice(sealer, input);
    },
    /** Whether the applicant may be accepted with tolerated missing materials (信用+). */
    async checkCredit(input: { subjectId: string }): Promise<CreditCheck> {
      return checkCredit(deps.credit, input.subjectId);
    },
    /** The end of the Nth working day after `start`, in the plan's calendar. */
    async workingDeadline(input: { calendar: string; start: string; days: number }): Promise<{ deadline: string; estimated: boolean }> {
      if (deps.testClock) return { deadline: testDeadline(deps.testClock, input.start, input.days), estimated: false };
      const calendar = await loadCalendar(input.calendar, {
        unknownYears: 'weekends-only',
        ...(deps.calendarDataDir ? { dataDir: deps.calendarDataDir } : {}),
      });
      const { instant, estimated } = addWorkingDays(calendar, input.start, input.days);
      return { deadline: instant, estimated };
    },
    /** When a timed step's period ends (edition 2): working or calendar days of the plan's calendar, from `start`. */
    async periodEnd(input: { calendar: string; start: string; days: number; unit: PeriodUnit }): Promise<{ endsAt: string; estimated: boolean }> {
      // The test clock has no calendar days apart from working days: every day is one.
      if (deps.testClock) return { endsAt: testDeadline(deps.testClock, input.start, input.days), estimated: false };
      const calendar = await loadCalendar(input.calendar, {
        unknownYears: 'weekends-only',
        ...(deps.calendarDataDir ? { dataDir: deps.calendarDataDir } : {}),
      });
      const { instant, estimated } = periodEnd(calendar, input.start, input.days, input.unit);
      return { endsAt: instant, estimated };
    },
    async sealCommitmentLetter(input: CommitmentLetterInput): Promise<{ documentId: string }> {
      return sealCommitmentLetter(sealer, input);
    },
    /** Marks results conditional (commitment open) or unconditional (fulfilled), for verifiers. */
    async recordConditions(input: Parameters<typeof recordConditions>[1]): Promise<void> {
      return recordConditions(deps.documents, input);
    },
    /** Revokes results granted on the strength of a broken commitment; each once. */
    async revokeResults(input: { documentIds: string[]; at: string; reason: string; by: string }): Promise<void> {
      for (const documentId of input.documentIds) await sealer.revoke({ documentId, at: input.at, reason: input.reason, by: input.by });
    },
    /** Tells the credit system a commitment was broken, so the subject gets no tolerance next time. */
    async recordBrokenCommitment(record: BrokenCommitmentRecord): Promise<void> {
      try {
        await deps.credit.recordBrokenCommitment(record);
      } catch (err) {
        // The credit platform refused the record itself: retrying the same request cannot help.
        if ((err as Error).name === 'CreditProviderRejected') throw ApplicationFailure.nonRetryable((err as Error).message, 'CreditProviderRejected');
        throw err;
      }
    },
    /** Writes a case's projection to the read model, once per revision (a local activity of the case). */
    async projectCase(projection: CaseProjection): Promise<void> {
      if (deps.readModel) await projectCase(deps.readModel, projection, deps.calendarDataDir);
      await publishCaseEvents(projection); // the case's new timeline entries, to integrators' webhooks
    },
    /** Puts a notification in the durable outbox, once per key. */
    async notify(input: { key: string; notice: Notification }): Promise<void> {
      await outbox.put(input.key, input.notice);
      await deliverLater(deps.notices, input.notice.caseId, input.key);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { IssueResultsInput } from './issue';
