/**
 * Rebuilds the read model from Temporal, the system of record: every case workflow in visibility
 * (running and closed) is asked its `getProjection` Query and written back at the revision it
 * answers, replacing a row of that revision and never a newer one (a case moving on meanwhile writes
 * its own newer revision). Cases from before the read model, and rows lost or damaged, come back.
 *
 * Queries need a worker: a closed case is answered by replaying its history. A case the worker could
 * not answer for is counted in `failed` with its reason; running the rebuild again retries it.
 */
import type { Client } from '@temporalio/client';
import type { CaseProjection } from '../domain/read-model';
import { measuresOf, type ReadModelStore } from './read-model';

export interface RebuildReport {
  /** Case workflows found in visibility. */
  cases: number;
  /** Written (new, or replacing a row of the same or an older revision). */
  written: number;
  /** Left as they were: the read model already had a newer revision. */
  newer: number;
  failed: Array<{ workflowId: string; reason: string }>;
}

export interface RebuildOptions {
  client: Client;
  readModel: ReadModelStore;
  /** Cases queried at once (default 8). */
  concurrency?: number;
  calendarDataDir?: string;
  /** Called after each case, for progress output. */
  onCase?: (done: number) => void;
}

export async function rebuildReadModel(options: RebuildOptions): Promise<RebuildReport> {
  const { client, readModel } = options;
  const report: RebuildReport = { cases: 0, written: 0, newer: 0, failed: [] };
  const inFlight = new Set<Promise<void>>();
  const concurrency = Math.max(1, options.concurrency ?? 8);
  for await (const execution of client.workflow.list({ query: `WorkflowType = 'caseWorkflow'` })) {
    report.cases++;
    const task = rebuildOne(client, readModel, execution.workflowId, options.calendarDataDir).then(
      (written) => {
        if (written) report.written++;
        else report.newer++;
      },
      (err: unknown) => {
        report.failed.push({ workflowId: execution.workflowId, reason: err instanceof Error ? err.message : String(err) });
      },
    );
    const tracked = task.finally(() => {
      inFlight.delete(tracked);
      options.onCase?.(report.written + report.newer + report.failed.length);
    });
    inFlight.add(tracked);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return report;
}

async function rebuildOne(client: Client, readModel: ReadModelStore, workflowId: string, calendarDataDir?: string): Promise<boolean> {
  const projection = await client.workflow.getHandle(workflowId).query<CaseProjection>('getProjection');
  return readModel.write(projection, await measuresOf(projection, calendarDataDir), { replaceSameRevision: true });
}
