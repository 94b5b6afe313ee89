/** Events and encoded bytes of workflow histories, as the server stores them (protobuf). */
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

const { temporal } = proto;

export interface HistorySize {
  events: number;
  bytes: number;
}

export async function historySize(client: Client, workflowId: string): Promise<HistorySize> {
  let events = 0;
  let bytes = 0;
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await client.workflowService.getWorkflowExecutionHistory({
      namespace: client.options.namespace,
      execution: { workflowId },
      maximumPageSize: 1000,
      ...(nextPageToken ? { nextPageToken } : {}),
    });
    const history = page.history ?? { events: [] };
    events += history.events?.length ?? 0;
    bytes += temporal.api.history.v1.History.encode(history).finish().length;
    nextPageToken = page.nextPageToken && page.nextPageToken.length > 0 ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return { events, bytes };
}

/** The sum over several workflows (a case and its items). */
export async function historiesSize(client: Client, workflowIds: string[]): Promise<HistorySize & { byWorkflow: Record<string, HistorySize> }> {
  const byWorkflow: Record<string, HistorySize> = {};
  for (const id of workflowIds) byWorkflow[id] = await historySize(client, id);
  const all = Object.values(byWorkflow);
  return { events: all.reduce((s, h) => s + h.events, 0), bytes: all.reduce((s, h) => s + h.bytes, 0), byWorkflow };
}
