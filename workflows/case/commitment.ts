/**
 * The commitment's life after acceptance (告知承诺): promised materials supplied or sent back, what
 * verifiers see of the results granted on it, and its breach at a missed deadline.
 */
import { condition } from '@temporalio/workflow';
import { assertRejectable, assertSuppliable, reopen, supply } from '../../domain/commitments';
import type { CaseProgress, RejectCommitmentMaterialRequest, SupplyCommitmentRequest } from '../contract';
import { enforce } from '../errors';
import { now } from '../now';
import { notify, recordBrokenCommitment, recordConditions, revokeResults } from './activities';
import type { CaseRun } from './state';

export function validateSupply(run: CaseRun, { materials }: SupplyCommitmentRequest): void {
  enforce(() => assertSuppliable(run.commitment, materials, now()));
}

export function supplyPromised(run: CaseRun, { materials }: SupplyCommitmentRequest): CaseProgress {
  run.commitment = supply(run.commitment!, materials, now());
  run.commitmentRevision++;
  run.record('commitment-material-supplied', { detail: materials.map((m) => m.id).join(', ') });
  if (run.commitment.status === 'fulfilled') run.record('commitment-fulfilled');
  return run.progress();
}

export function validateSentBack(run: CaseRun, request: RejectCommitmentMaterialRequest): void {
  enforce(() => assertRejectable(run.plan, run.commitment, request, now()));
}

export function sendBack(run: CaseRun, request: RejectCommitmentMaterialRequest): CaseProgress {
  run.commitment = reopen(run.commitment!, request, now());
  run.commitmentRevision++;
  run.record('commitment-material-rejected', { department: request.actor.department, detail: `${request.material}: ${request.reason}` });
  return run.progress();
}

/**
 * Runs the commitment's clock until it settles: keeps what verifiers see of the results granted on
 * it (conditional while open), and breaks it when a material's deadline passes unsupplied. After
 * fulfilment a department may still find a material wrong while its time lasts, so the watch ends
 * only when the last deadline has passed, or the case ended without results.
 */
export async function watchCommitment(run: CaseRun): Promise<void> {
  // What verifiers see of the granted results; without a condition record they are unconditional,
  // unless sealed as issued on the commitment (patch `conditional-at-issue`): then conditional already.
  let published: 'conditional' | 'unconditional' = 'unconditional';
  let adopted = false;
  let seq = 0;
  for (;;) {
    const c = run.commitment!;
    const granted = run.results.filter((r) => c.grants.includes(r.itemId));
    if (!adopted && granted.length > 0 && run.conditionalAtIssue) {
      published = 'conditional';
      adopted = true;
    }
    const wanted = c.status === 'open' ? 'conditional' : 'unconditional';
    if (granted.length > 0 && c.status !== 'broken' && wanted !== published) {
      await recordConditions({ documentIds: granted.map((r) => r.documentId), state: wanted, at: now(), reason: `commitment ${c.status}`, seq: ++seq });
      published = wanted;
      run.results = run.results.map((r) => (c.grants.includes(r.itemId) ? { ...r, conditional: wanted === 'conditional' } : r));
    }
    if (c.status === 'broken' || ['refused', 'rejected', 'withdrawn', 'terminated'].includes(run.status)) return;
    const lastDeadline = Math.max(...c.materials.map((m) => Date.parse(m.deadline)));
    // Kept, and no time left for a department to send a material back: nothing can change now
    // (results issued later are issued unconditional).
    if (c.status === 'fulfilled' && Date.now() >= lastDeadline) return;
    const missing = c.materials.filter((m) => m.status === 'missing');
    const next = missing.length > 0 ? Math.min(...missing.map((m) => Date.parse(m.deadline))) : lastDeadline;
    const seen = run.commitmentRevision;
    const woke = await condition(() => run.commitmentRevision !== seen || run.ended(), Math.max(1, next - Date.now()));
    if (!woke && run.commitment!.status === 'open') {
      await breakCommitment(run, missing.filter((m) => Date.parse(m.deadline) <= Date.now()).map((m) => m.material), new Date(next).toISOString());
    }
  }
}

/**
 * A material's deadline passed: the case is terminated, results granted on the commitment revoked,
 * the credit system told, the applicant and the departments notified. Recorded at the deadline.
 */
async function breakCommitment(run: CaseRun, materials: string[], at: string): Promise<void> {
  const { input, plan, application } = run;
  await condition(() => run.status !== 'issuing'); // results being issued are revoked once issued
  run.commitment = { ...run.commitment!, status: 'broken', broken: { at, materials } };
  run.commitmentRevision++;
  run.moveIfLegal({ type: 'COMMITMENT_BROKEN' });
  run.facts.terminatedAt = at;
  run.record('commitment-broken', { detail: materials.join(', ') });
  const grants = run.commitment.grants;
  const reason = '逾期未履行告知承诺 / the commitment was not kept';
  const revoked = run.results.filter((r) => grants.includes(r.itemId));
  if (revoked.length > 0) {
    await revokeResults({ documentIds: revoked.map((r) => r.documentId), at, reason, by: 'yijianshi:commitment-watch' });
    run.results = run.results.map((r) => (grants.includes(r.itemId) ? { ...r, conditional: false, revoked: { at, reason } } : r));
    run.record('results-revoked', { detail: revoked.map((r) => r.itemId).join(', ') });
  }
  const lastDeadline = run.commitment.materials.map((m) => m.deadline).sort().at(-1)!;
  await recordBrokenCommitment({
    subjectId: application.applicant.subjectId,
    caseId: input.caseId,
    bundleId: plan.bundleId,
    materials,
    deadline: lastDeadline,
    brokenAt: at,
  });
  const departments = [...new Set(plan.items.filter((i) => grants.includes(i.id)).map((i) => i.department))];
  await notify({
    key: 'commitment-broken',
    notice: {
      caseId: input.caseId,
      to: [`applicant:${application.applicant.subjectId}`, `department:${plan.window.department}`, ...departments.map((d) => `department:${d}`)],
      subject: { zh: '告知承诺未履行，案件终止', en: 'Commitment not kept: case terminated' },
      body: {
        zh: `承诺补齐的材料（${materials.join('、')}）逾期未提交，案件已终止${revoked.length ? '，据此作出的审批结果已撤销' : ''}，并已记入信用记录。`,
        en: `Promised materials (${materials.join(', ')}) were not supplied in time. The case is terminated${revoked.length ? ', the results granted on the commitment are revoked' : ''}, and a broken-commitment record went to the credit system.`,
      },
      at,
    },
  });
}
