/** One completion (一次办结): every result of the case issued together, once all items are settled. */
import { patched } from '@temporalio/workflow';
import { receiptOf } from '../../definitions/modes';
import { CLEARED_ITEM_STATUSES } from '../lifecycle';
import { now } from '../now';
import { issueResults } from './activities';
import type { CaseRun } from './state';

export async function issueEverything(run: CaseRun): Promise<void> {
  const { input, plan } = run;
  run.move({ type: 'ALL_ITEMS_DONE' });
  run.record('issuing');
  const decided = plan.items.filter((item) => CLEARED_ITEM_STATUSES.includes(run.item(item.id).status))
    .filter((item) => run.item(item.id).status !== 'skipped');
  // Patch `conditional-at-issue`: results granted on an open commitment are sealed saying so, so they
  // verify as conditional from their first moment (before, the watch recorded that just after issue,
  // and a verifier asking in between was told unconditional). Decided once, here; the watch reads it.
  const open = run.commitment?.status === 'open' ? run.commitment : undefined;
  const onCommitment = open && decided.some((item) => open.grants.includes(item.id)) && patched('conditional-at-issue') ? open : undefined;
  run.conditionalAtIssue = onCommitment !== undefined;
  run.results = await issueResults({
    caseId: input.caseId,
    // 办件编号 on every result (cases numbered by the API).
    ...(input.caseNumber ? { caseNumber: input.caseNumber } : {}),
    bundleId: plan.bundleId,
    bundleVersion: plan.version,
    issuedAt: now(),
    applicant: run.holder(),
    items: decided.map((item) => {
      const state = run.item(item.id);
      // Edition 2: a filing issues its receipt; a merged item's result names the items it absorbed.
      const filed = state.status === 'filed';
      return {
        itemId: item.id,
        code: item.code,
        department: state.department,
        result: filed ? receiptOf(item) : item.result,
        decision: filed ? ('filed' as const) : state.status === 'defaulted' ? ('defaulted' as const) : ('approved' as const),
        ...(item.absorbs ? { absorbs: item.absorbs.map(({ code, title }) => ({ code, title })) } : {}),
        decidedAt: state.decidedAt ?? now(),
        // The officer named in the sealed result (people only: a department's system is the department).
        ...(state.status !== 'defaulted' && state.decidedBy?.role ? { decidedBy: state.decidedBy } : {}),
        ...(onCommitment?.grants.includes(item.id) ? { issuedOnCommitment: { letterDocumentId: onCommitment.letterDocumentId } } : {}),
      };
    }),
  });
  // As sealed (the watch makes them unconditional if the commitment was kept meanwhile); before the
  // patch, as the commitment stands now (the watch records it).
  const commitment = onCommitment ?? run.commitment;
  if (commitment?.status === 'open') {
    run.results = run.results.map((r) => (commitment.grants.includes(r.itemId) ? { ...r, conditional: true } : r));
  }
  run.commitmentRevision++;
  run.move({ type: 'RESULTS_ISSUED' });
  run.facts.completedAt = now();
  run.record('completed', { detail: `${run.results.length} results issued together` });
}
