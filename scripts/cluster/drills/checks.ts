/**
 * What every drill checks after the fault: each case completed with one result per item, one sealed
 * document per result in the app's database, one case workflow per case key and one item workflow per
 * item in Temporal, and at most one accepted decision (an `approveItem` Update) per item. Each broken
 * rule is a line of `problems`: a drill passes when there is none.
 */
import { Client, Connection } from '@temporalio/client';
import { sql } from 'kysely';
import { openDatabase } from '../../../runtime/database';
import type { Cluster } from '../cluster';
import { pool, RESTAURANT_ITEMS } from './client';

export interface CaseOutcome {
  caseId: string;
  /** The case's last progress as the API answered it. */
  progress: any;
}

export interface Verification {
  problems: string[];
  counts: {
    cases: number;
    completed: number;
    resultDocuments: number;
    timeoutNotices: number;
    caseWorkflows: number;
    itemWorkflows: number;
    acceptedApprovals: number;
    outboxDuplicates: number;
  };
  /** Bytes stored per case (rows only, indexes not counted), for the scale notes. */
  storage: { historyBytesPerCase: number; visibilityBytesPerCase: number; appBytesPerCase: number };
}

export async function verifyCases(
  cluster: Cluster,
  outcomes: CaseOutcome[],
  options: { items?: string[]; approvals: 'manual' | 'none' } = { approvals: 'manual' },
): Promise<Verification> {
  const items = options.items ?? Object.keys(RESTAURANT_ITEMS);
  const problems: string[] = [];
  const caseIds = outcomes.map((o) => o.caseId);
  if (new Set(caseIds).size !== caseIds.length) problems.push(`${caseIds.length - new Set(caseIds).size} case ids repeated: two keys got one case`);

  let completed = 0;
  for (const { caseId, progress } of outcomes) {
    if (progress?.status !== 'completed') {
      problems.push(`${caseId} is ${progress?.status ?? 'unknown'}, not completed`);
      continue;
    }
    completed++;
    const resultItems = (progress.results ?? []).map((r: { itemId: string }) => r.itemId).sort();
    if (JSON.stringify(resultItems) !== JSON.stringify([...items].sort())) problems.push(`${caseId} has results for ${resultItems.join(',')}, not one for each of ${items.join(',')}`);
  }

  // The app's database: one sealed result per (case, item), the one the case shows.
  // Not migrated from here: the schema is the one of the tree the cluster runs (it may be a snapshot).
  const database = await openDatabase({ url: cluster.databaseUrl, pgliteDir: '/nonexistent', poolSize: 2, migrate: false });
  let resultDocuments = 0;
  let timeoutNotices = 0;
  let outboxDuplicates = 0;
  try {
    const rows = await database.db.selectFrom('documents').select(['key', 'document_id']).where('key', 'like', '%/result').execute();
    const byKey = new Map(rows.map((r) => [r.key, r.document_id]));
    resultDocuments = rows.filter((r) => caseIds.some((id) => r.key.startsWith(`${id}/`))).length;
    timeoutNotices = Number(
      (await database.db.selectFrom('documents').select(sql<number>`count(*)::int`.as('n')).where('key', 'like', '%/timeout-default-notice').executeTakeFirst())?.n ?? 0,
    );
    if (new Set(rows.map((r) => r.document_id)).size !== rows.length) problems.push('two result keys share a document id');
    for (const { caseId, progress } of outcomes) {
      for (const result of progress?.results ?? []) {
        const stored = byKey.get(`${caseId}/${result.itemId}/result`);
        if (stored !== result.documentId) problems.push(`${caseId} ${result.itemId}: the case shows document ${result.documentId}, the database has ${stored ?? 'none'}`);
      }
    }
    outboxDuplicates = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM (SELECT case_id, key FROM outbox GROUP BY case_id, key HAVING count(*) > 1) d`.execute(database.db)).rows[0]!.n;
    if (outboxDuplicates > 0) problems.push(`${outboxDuplicates} outbox notifications stored twice`);
  } finally {
    await database.close();
  }
  if (resultDocuments !== completed * items.length) problems.push(`${resultDocuments} sealed results in the database for ${completed} completed cases of ${items.length} items`);

  // Temporal: one case workflow per case, one item workflow per item, at most one accepted decision each.
  const connection = await Connection.connect({ address: cluster.temporalAddress });
  const client = new Client({ connection, namespace: cluster.namespace });
  let caseWorkflows = 0;
  let itemWorkflows = 0;
  let acceptedApprovals = 0;
  try {
    caseWorkflows = (await client.workflow.count(`WorkflowType = 'caseWorkflow'`)).count;
    itemWorkflows = (await client.workflow.count(`WorkflowType = 'itemWorkflow'`)).count;
    if (caseWorkflows !== outcomes.length) problems.push(`${caseWorkflows} case workflows for ${outcomes.length} case keys`);
    if (itemWorkflows !== outcomes.length * items.length) problems.push(`${itemWorkflows} item workflows for ${outcomes.length} cases of ${items.length} items`);
    const pairs = caseIds.flatMap((caseId) => items.map((item) => ({ caseId, item })));
    await pool(pairs, 4, async ({ caseId, item }) => {
      const history = await client.workflow.getHandle(`case-${caseId}-item-${item}`).fetchHistory();
      const accepted = (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'approveItem').length;
      acceptedApprovals += accepted;
      const expected = options.approvals === 'manual' ? 1 : 0;
      if (accepted !== expected) problems.push(`${caseId} ${item}: ${accepted} approveItem decisions accepted, expected ${expected}`);
    });
  } finally {
    await connection.close();
  }

  // What a case costs in each database: Temporal's histories (the events' blobs), its visibility rows
  // (the case and its items), the app's rows (sealed documents, the read model).
  const bytes = async (query: string, database: string) => Number((await cluster.postgres.psql(query, database)) || 0);
  const perCase = (total: number) => Math.round(total / Math.max(1, caseWorkflows));
  const storage = {
    historyBytesPerCase: perCase(await bytes('SELECT coalesce(sum(octet_length(data)), 0) FROM history_node', 'temporal')),
    visibilityBytesPerCase: perCase(await bytes('SELECT coalesce(sum(pg_column_size(v.*)), 0) FROM executions_visibility v', 'temporal_visibility')),
    appBytesPerCase: perCase(
      await bytes(
        `SELECT (SELECT coalesce(sum(pg_column_size(d.*)), 0) FROM documents d) + (SELECT coalesce(sum(pg_column_size(c.*)), 0) FROM read_cases c) + (SELECT coalesce(sum(pg_column_size(i.*)), 0) FROM read_items i)`,
        'yijianshi',
      ),
    ),
  };

  return {
    problems,
    storage,
    counts: { cases: outcomes.length, completed, resultDocuments, timeoutNotices, caseWorkflows, itemWorkflows, acceptedApprovals, outboxDuplicates },
  };
}
