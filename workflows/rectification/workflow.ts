/**
 * `rectificationWorkflow`: the rectification (整改) a bad rating opens for the department rated
 * (好差评, issue 14), from its opening to its closing with the call-back (回访) to the applicant.
 *
 * Started by the API when it stores a bad rating, under the business key `rectification-{id}`. Its
 * clock is an item's: the deadline is the end of the n-th working day of the case's calendar after the
 * day it opened, yellow at 50% and red at 90% of the limit, overdue at the deadline (`domain/calendar.ts`,
 * computed by the clock activity and recorded in history, so replay never re-reads holiday data). Each
 * card is written to the review store, where supervisors and statistics read it, and put in the
 * department's notifications. The department closes it with the `closeRectification` Update; a
 * rectification closed late stays overdue (the on-time rate counts it so).
 *
 * The applicant may amend the rating within the bundle's window; an amendment to a good level
 * withdraws the rectification (the store marks it in the amendment's transaction) and signals
 * `rectificationWithdrawn`: the cards stop, the department is told, and the workflow ends. The notice
 * is a new command, behind the patch `rectification-withdrawal` (histories recorded before it never
 * received the signal, so they replay as they ran); its recorded histories are replayed by
 * test/integration/workflows/replay.test.ts.
 */
import { allHandlersFinished, condition, patched, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { laterCard, LEVEL_NAMES, type ReviewLevel } from '../../domain/reviews';
import { computeItemClockLocally, clockView } from '../clock-activity';
import {
  closeRectification,
  getRectification,
  rectificationWithdrawn,
  type Card,
  type CloseRectificationRequest,
  type RectificationInput,
  type RectificationState,
} from '../contract';
import { echo, plain } from '../echo';
import { invalidRequest, toFailure, wrongDepartment } from '../errors';
import { illegalNow } from '../../domain/errors';
import { now } from '../now';
import { CardKey, DeadlineKey } from '../search-attributes';

const { startRectificationClock, markRectificationCard, recordRectificationClosed, notify } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

type CardEvent = Exclude<Card, 'none'>;

export async function rectificationWorkflow(input: RectificationInput): Promise<RectificationState> {
  const state: RectificationState = { rectificationId: input.rectificationId, caseId: input.caseId, department: input.department, status: 'opening' };
  /** Set synchronously by the first close, so a second one is refused rather than run twice. */
  let closing = false;
  /** Set by the withdrawal signal: the store already says so; the workflow stops and tells the department. */
  let withdrawal: { withdrawnAt: string } | undefined;

  setHandler(getRectification, () => state);
  setHandler(rectificationWithdrawn, (signal) => {
    if (state.status === 'closed' || withdrawal) return; // closed first: the store kept the closing
    withdrawal = { withdrawnAt: signal.withdrawnAt };
  });
  setHandler(
    closeRectification,
    async (request) => {
      closing = true;
      await condition(() => state.status !== 'opening'); // a close that raced the opening waits for the clock
      const { actor, measures, callback } = plain(request);
      const closedAt = now();
      const closed = await recordRectificationClosed({
        rectificationId: input.rectificationId,
        closing: {
          closedAt,
          closedBy: actor.officer ?? actor.department,
          measures,
          callback: { at: callback.at ? new Date(callback.at).toISOString() : closedAt, outcome: callback.outcome, ...(callback.note ? { note: callback.note } : {}), by: actor.officer ?? actor.department },
        },
      }).catch((err: unknown) => {
        closing = false; // not closed after all: another close may come
        throw err;
      });
      if (closed.status === 'withdrawn') {
        // The amendment's transaction won the race: its signal follows.
        closing = false;
        throw toFailure(illegalNow(`Rectification ${input.rectificationId} was withdrawn: the applicant amended the rating to a good level.`));
      }
      Object.assign(state, { status: 'closed', measures, closedAt: closed.closedAt ?? closedAt, callback: closed.callback });
      await notifyOf('closed', [`applicant:${input.subjectId}`], closedAt);
      return echo(state, request);
    },
    { validator: (request) => validateClose(plain(request)) },
  );

  function validateClose({ actor, callback }: CloseRectificationRequest): void {
    if (withdrawal || state.status === 'withdrawn') throw toFailure(illegalNow(`Rectification ${input.rectificationId} was withdrawn: the applicant amended the rating to a good level.`));
    if (closing || state.status === 'closed') throw toFailure(illegalNow(`Rectification ${input.rectificationId} is already closed.`));
    if (actor.department !== input.department) throw wrongDepartment(input.department, actor.department, `Rectification ${input.rectificationId}`);
    if (callback.at !== undefined) {
      const at = Date.parse(callback.at);
      if (!(at <= Date.now())) throw invalidRequest('The call-back cannot be in the future.', { at: callback.at });
      if (state.openedAt && at < Date.parse(state.openedAt)) throw invalidRequest('The call-back cannot be before the rectification opened.', { at: callback.at });
    }
  }

  async function notifyOf(event: 'opened' | CardEvent | 'closed' | 'withdrawn', to: string[], at: string): Promise<void> {
    const level = LEVEL_NAMES[input.level as ReviewLevel] ?? LEVEL_NAMES[1];
    const deadline = state.clock?.deadline ?? '';
    const texts: Record<typeof event, { zh: string; en: string }> = {
      opened: { zh: `差评整改（${level.zh}）：请于 ${deadline} 前整改并回访申请人`, en: `Rectify a bad rating (${level.en}) and call the applicant back by ${deadline}` },
      yellow: { zh: `差评整改已过半（黄牌），期限 ${deadline}`, en: `Rectification half way to its deadline ${deadline} (yellow card)` },
      red: { zh: `差评整改即将到期（红牌），期限 ${deadline}`, en: `Rectification close to its deadline ${deadline} (red card)` },
      overdue: { zh: `差评整改已超期，期限 ${deadline}`, en: `Rectification overdue since ${deadline}` },
      closed: { zh: '您的差评已整改并回访，感谢您的评价', en: 'Your bad rating was rectified and you were called back; thank you' },
      withdrawn: { zh: '申请人已将差评修改为满意，整改撤销', en: 'The applicant amended the bad rating to a good one: the rectification is withdrawn' },
    };
    await notify({
      key: `rectification-${input.rectificationId}-${event}`,
      notice: { caseId: input.caseId, to, subject: { zh: '好差评整改', en: 'Rectification of a bad rating' }, body: texts[event], at },
    });
  }

  // Opening: the clock of the limit from today, in the case's calendar (a local activity, recorded once).
  const openedAt = now();
  const computed = await computeItemClockLocally({ calendar: input.calendar, start: openedAt, days: input.days, pauses: [] });
  const clock = clockView(computed, 'none');
  await startRectificationClock({
    rectificationId: input.rectificationId,
    clock: { openedAt, deadline: clock.deadline!, yellowAt: clock.yellowAt!, redAt: clock.redAt!, estimated: clock.estimated },
  });
  Object.assign(state, { status: 'open', openedAt, clock });
  upsertSearchAttributes([{ key: DeadlineKey, value: new Date(clock.deadline!) }]);
  await notifyOf('opened', [`department:${input.department}`], openedAt);

  // The cards, each at its instant unless the rectification is closed first.
  const events: Array<[CardEvent, string]> = [
    ['yellow', clock.yellowAt!],
    ['red', clock.redAt!],
    ['overdue', clock.deadline!],
  ];
  for (const [card, at] of events) {
    const closedFirst = await condition(() => closing || withdrawal !== undefined || state.status !== 'open', Math.max(1, Date.parse(at) - Date.now()));
    if (closedFirst) break;
    if (!laterCard(state.clock!.card, card)) continue;
    state.clock = { ...state.clock!, card };
    upsertSearchAttributes([{ key: CardKey, value: card }]);
    await markRectificationCard({ rectificationId: input.rectificationId, card });
    await notifyOf(card, [`department:${input.department}`], at);
  }
  await condition(() => state.status === 'closed' || (withdrawal !== undefined && !closing));
  if (state.status !== 'closed' && withdrawal) {
    state.status = 'withdrawn';
    if (patched('rectification-withdrawal')) await notifyOf('withdrawn', [`department:${input.department}`], withdrawal.withdrawnAt);
  }
  await condition(allHandlersFinished);
  return state;
}
