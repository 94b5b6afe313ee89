/**
 * Webhooks for integrators (issue 14): the events a subscription can ask for, how a case's timeline
 * becomes those events, and the names the delivery workflow is started and woken by.
 *
 * A message's id (`webhook-id`, Standard Webhooks) is a natural key: a case's timeline only grows, so
 * the n-th entry of case c is always message `msg_{c}_e{n}`. Publishing the same timeline twice (a
 * retried activity, a replayed workflow, a second projection) queues nothing new, and a receiver
 * that keeps the ids it has seen gets every event once.
 *
 * Pure: shared by the workflows (names, input), the activities and the adapters.
 */
import { z } from 'zod';

/** Every event type a subscription may name, with what it means. */
export const WEBHOOK_EVENT_TYPES = {
  'case.accepted': 'The window accepted the case (一窗受理).',
  'case.refused': 'The window refused the case, with reasons.',
  'item.step_completed': "A step of an item was completed by a department's officer (受理, 审查, 决定…).",
  'item.decided': 'A department approved or rejected an item (`data.decision`).',
  'item.supplement_requested': 'A department asked the applicant to supplement materials (补正): the clock pauses.',
  'item.supplement_provided': 'The applicant supplied what was asked: the clock resumes.',
  'item.defaulted': 'An item passed its promised limit undecided and was deemed approved (超时默认).',
  'item.escalated': 'An item went to another department by its timeout policy.',
  'item.urged': 'A supervisor or the window urged an item (催办).',
  'commitment.fulfilled': 'The applicant supplied every material promised in the commitment (告知承诺).',
  'commitment.broken': 'A promised material was not supplied in time: the case is terminated.',
  'case.completed': 'Every result was issued together (一次办结).',
  'case.withdrawn': 'The applicant withdrew the case (撤回申请).',
  'review.received': 'The applicant rated the case (好差评).',
  'review.amended': "The applicant changed their rating within the bundle's window (`data.previousLevel`, `data.level`, `data.version`).",
  'rectification.due': 'A rectification opened by a bad rating is due soon or overdue.',
  'rectification.closed': 'A rectification was closed with its call-back (回访).',
} as const;
export type WebhookEventType = keyof typeof WEBHOOK_EVENT_TYPES;
export const WebhookEventType = z
  .enum(Object.keys(WEBHOOK_EVENT_TYPES) as [WebhookEventType, ...WebhookEventType[]])
  .meta({ id: 'WebhookEventType', description: Object.entries(WEBHOOK_EVENT_TYPES).map(([type, meaning]) => `${type}: ${meaning}`).join('\n') });

/** The case timeline's entries that integrators hear of, and the event type each becomes. */
const FROM_TIMELINE: Readonly<Record<string, WebhookEventType>> = {
  accepted: 'case.accepted',
  refused: 'case.refused',
  'item-step-complete': 'item.step_completed',
  'item-step-decide': 'item.step_completed',
  'item-approved': 'item.decided',
  'item-rejected': 'item.decided',
  'supplement-requested': 'item.supplement_requested',
  'supplement-received': 'item.supplement_provided',
  'item-defaulted': 'item.defaulted',
  'item-escalated': 'item.escalated',
  'item-urged': 'item.urged',
  'commitment-fulfilled': 'commitment.fulfilled',
  'commitment-broken': 'commitment.broken',
  completed: 'case.completed',
  withdrawn: 'case.withdrawn',
};

/** An entry of a case's timeline (`CaseProgress.events`). */
export interface TimelineEntry {
  at: string;
  type: string;
  item?: string;
  department?: string;
  detail?: string;
}

/** One event for integrators, before it is queued for each subscription that wants it. */
export interface WebhookEvent {
  /** The `webhook-id`: the same for every subscription and every attempt. */
  messageId: string;
  type: WebhookEventType;
  caseId: string;
  /** When it happened (ISO instant): the payload's `timestamp`. */
  at: string;
  data: Record<string, unknown>;
}

/** The body of a webhook message, as Standard Webhooks recommends: `{ type, timestamp, data }`. */
export function webhookPayload(event: WebhookEvent): { type: WebhookEventType; timestamp: string; data: Record<string, unknown> } {
  return { type: event.type, timestamp: event.at, data: event.data };
}

/** The message id of a case's n-th timeline entry. */
export const timelineMessageId = (caseId: string, index: number): string => `msg_${caseId}_e${index}`;

/**
 * The events of a case's timeline from entry `from` on (earlier ones were published already), in
 * timeline order. `data` names the case, its bundle, the entry's place on the timeline (`sequence`)
 * and what the entry says.
 */
export function timelineEvents(caseId: string, bundleId: string, timeline: readonly TimelineEntry[], from = 0): WebhookEvent[] {
  const events: WebhookEvent[] = [];
  for (let index = from; index < timeline.length; index++) {
    const entry = timeline[index]!;
    const type = FROM_TIMELINE[entry.type];
    if (!type) continue;
    events.push({
      messageId: timelineMessageId(caseId, index),
      type,
      caseId,
      at: entry.at,
      data: {
        caseId,
        bundleId,
        sequence: index,
        event: entry.type,
        ...(entry.item ? { itemId: entry.item } : {}),
        ...(entry.department ? { department: entry.department } : {}),
        ...(entry.detail ? { detail: entry.detail } : {}),
        ...(type === 'item.decided' ? { decision: entry.type === 'item-approved' ? 'approve' : 'reject' } : {}),
      },
    });
  }
  return events;
}

/**
 * An event that is not on the case's timeline (a review, a rectification), under a natural key unique
 * within the case (e.g. `review-{reviewId}`, `rectification-{id}-closed`): publishing it again queues nothing.
 */
export function caseEvent(type: WebhookEventType, caseId: string, key: string, at: string, data: Record<string, unknown>): WebhookEvent {
  return { messageId: `msg_${caseId}_${key}`, type, caseId, at, data: { caseId, ...data } };
}

// --- delivery -------------------------------------------------------------------------------------

/**
 * How a message is retried: attempts `initialIntervalMs` apart at first, the wait doubling up to
 * `maximumIntervalMs`, until `windowMs` after the first attempt; then it goes to the dead-letter list.
 */
export interface WebhookRetryPolicy {
  initialIntervalMs: number;
  maximumIntervalMs: number;
  windowMs: number;
  /** How long one attempt waits for the receiver's answer. */
  attemptTimeoutMs: number;
}

/** 5 s, 10 s, 20 s … at most an hour apart, for 24 hours; 15 s per attempt. */
export const DEFAULT_WEBHOOK_RETRY: WebhookRetryPolicy = {
  initialIntervalMs: 5_000,
  maximumIntervalMs: 3_600_000,
  windowMs: 24 * 3_600_000,
  attemptTimeoutMs: 15_000,
};

/** The workflow that delivers one subscription's messages about one case, in order. */
export const WEBHOOK_DELIVERY_WORKFLOW = 'webhookDeliveryWorkflow';
/** The signal that tells it more messages are queued (sent with signal-with-start). */
export const WEBHOOK_WAKE_SIGNAL = 'webhookMessagesQueued';
export const webhookDeliveryWorkflowId = (subscriptionId: string, caseId: string): string => `webhooks-${subscriptionId}-case-${caseId}`;

export interface WebhookDeliveryInput {
  subscriptionId: string;
  caseId: string;
  retry: WebhookRetryPolicy;
}
