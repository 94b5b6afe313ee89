/**
 * The item's steps as its department's people work them (`domain/work-steps.ts`): claim, release,
 * assign, complete with an opinion, 退回 send back, 转办 transfer, 会签 sign — and 催办 urge and 抄送
 * copy-to, which anyone following the item may do. Each is an Update whose validator runs the move on
 * the current state and refuses before anything changes; the handler applies it, synchronously (so a
 * decision and a timeout can never both win), and tells the case.
 */
import { proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { Actor } from '../../domain/application';
import { illegalNow } from '../../domain/errors';
import { assign, claim, complete, release, sendBack, sign, transfer, type WorkMove } from '../../domain/work-steps';
import {
  assignStep,
  claimStep,
  completeStep,
  copyItem,
  releaseStep,
  sendBackStep,
  signStep,
  transferStep,
  urgeItem,
  type CopyItemRequest,
  type UrgeItemRequest,
} from '../contract';
import { echoing } from '../echo';
import { enforce } from '../errors';
import { now } from '../now';
import type { ItemRun } from './state';

const { notify } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export function registerWorkHandlers(run: ItemRun): void {
  const department = () => run.department();
  const step = <R extends { actor: Actor; step: string }>(move: (run: ItemRun, request: R) => WorkMove | NonNullable<ItemRun['work']>) => ({
    handler: echoing((request: R) => {
      apply(run, move(run, request));
      return run.view();
    }),
    validator: (request: R) => {
      enforce(() => {
        if (!run.work) throw illegalNow(`Item "${run.item.id}" has no steps for officers to work: its department decides it at once.`);
        if (run.status() !== 'in-review') throw illegalNow(`The item is ${run.status()}: its steps cannot be worked now.`);
        move(run, request); // a dry run: moves are pure
      });
    },
  });
  const at = () => now();
  const work = () => run.work!;
  const claimS = step((r, q) => claim(work(), q.actor, q.step, department(), at()));
  setHandler(claimStep, claimS.handler, { validator: claimS.validator });
  const releaseS = step((r, q) => release(work(), q.actor, q.step, department(), at()));
  setHandler(releaseStep, releaseS.handler, { validator: releaseS.validator });
  const assignS = step<{ actor: Actor; step: string; to: Actor }>((r, q) => assign(work(), q.actor, q.step, q.to, department(), at()));
  setHandler(assignStep, assignS.handler, { validator: assignS.validator });
  const completeS = step<{ actor: Actor; step: string; opinion: string; decision?: 'approve' | 'reject' }>((r, q) =>
    complete(work(), q.actor, q.step, q.opinion.trim(), q.decision, department(), at()),
  );
  setHandler(completeStep, completeS.handler, { validator: completeS.validator });
  const sendBackS = step<{ actor: Actor; step: string; to: string; reason: string }>((r, q) => sendBack(work(), q.actor, q.step, q.to, q.reason.trim(), department(), at()));
  setHandler(sendBackStep, sendBackS.handler, { validator: sendBackS.validator });
  const transferS = step<{ actor: Actor; step: string; to: Actor; reason: string }>((r, q) => transfer(work(), q.actor, q.step, q.to, q.reason.trim(), department(), at()));
  setHandler(transferStep, transferS.handler, { validator: transferS.validator });
  const signS = step<{ actor: Actor; step: string; opinion: string; agree: boolean }>((r, q) => sign(work(), q.actor, q.step, q.opinion.trim(), q.agree, department(), at()));
  setHandler(signStep, signS.handler, { validator: signS.validator });
}

/** Applies a move: the new work, and the item's decision when the last step decided. */
function apply(run: ItemRun, move: WorkMove | NonNullable<ItemRun['work']>): void {
  if ('steps' in move) {
    run.work = move;
  } else {
    run.work = move.work;
    if (move.decision) {
      const { decision, by, opinion } = move.decision;
      run.apply({ type: decision === 'approve' ? 'APPROVE' : 'REJECT' });
      run.decision = { at: now(), by, reason: opinion };
      return; // the case hears of it from the item's outcome
    }
  }
  run.tellCase();
}

/** 催办 and 抄送: recorded on the item, told to the case, and notified through the outbox. */
export function registerFollowUpHandlers(run: ItemRun): void {
  setHandler(
    urgeItem,
    echoing(({ by, note }: UrgeItemRequest) => {
      run.urges.push({ at: now(), by: { id: by.id, ...(by.name ? { name: by.name } : {}), as: by.as }, ...(note ? { note } : {}) });
      const holder = run.work?.holder?.officer;
      notice(run, `urge/${run.item.id}/${run.urges.length}`, [`department:${run.department()}`, ...(holder ? [`person:${holder}`] : [])], {
        zh: `催办：${run.item.title.zh}`,
        en: `Urged: ${run.item.title.en}`,
      }, note);
      run.tellCase();
      return run.view();
    }),
    { validator: (_request: UrgeItemRequest) => refuseUnlessOpen(run) },
  );
  setHandler(
    copyItem,
    echoing(({ actor, to, note }: CopyItemRequest) => {
      run.copies.push({ at: now(), by: actor, to, ...(note ? { note } : {}) });
      const recipient = to.department ? `department:${to.department}` : `person:${to.person}`;
      notice(run, `copy/${run.item.id}/${run.copies.length}`, [recipient], { zh: `抄送：${run.item.title.zh}`, en: `Copied to you: ${run.item.title.en}` }, note);
      run.tellCase();
      return run.view();
    }),
    {
      validator: ({ actor }: CopyItemRequest) => {
        refuseUnlessOpen(run);
        if (actor.department !== run.department()) run.refuseUnlessResponsible(actor, { type: 'APPROVE' });
      },
    },
  );
}

/** Urges and copies concern open items only. */
function refuseUnlessOpen(run: ItemRun): void {
  enforce(() => {
    if (run.settled()) throw illegalNow(`The item is ${run.status()}: there is nothing left to urge or copy.`);
  });
}

function notice(run: ItemRun, key: string, to: string[], subject: { zh: string; en: string }, note?: string): void {
  const { input } = run;
  run.pending.push(
    notify({
      key,
      notice: {
        caseId: input.caseId,
        to,
        subject,
        body: { zh: `${input.item.code} ${input.item.title.zh}${note ? `：${note}` : ''}`, en: `${input.item.code} ${input.item.title.en}${note ? `: ${note}` : ''}` },
        at: now(),
      },
    }),
  );
}
