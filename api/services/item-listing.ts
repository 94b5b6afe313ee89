/**
 * Items for a department's inbox, or the supervision desk's view across departments (by card or
 * status). Decorated as `app.itemListing`: from the read model when the app has one (as every process
 * of the deployment has: nearest deadline first, no cap, answered with the worker down), else from
 * Temporal visibility, newest first (tests that run no database).
 */
import { isGrpcServiceError, type Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import fp from 'fastify-plugin';
import { openPageToken, sealPageToken } from '../page-token';
import { temporalOutage } from '../problems';
import { InvalidPageTokenError } from './errors';
import type { CardCounts, PageKey, ReadModelStore } from '../../adapters/read-model';
import type { InboxEntry, InboxPage } from '../schemas';

export type { CardCounts, InboxEntry, InboxPage };

export interface ItemFilter {
  department?: string;
  /** A signed-in officer's own inbox (read model only). */
  person?: { id: string; role: string };
  status?: string;
  card?: string;
  /** Only items escalated to a supervising department (read model only). */
  escalated?: boolean;
  pageSize: number;
  pageToken?: string;
}

export interface ItemListingOptions {
  client: Client;
  namespace: string;
}

export interface ItemListing {
  /** One page of the items matching the filter; `nextPageToken` pages on, for this filter only. */
  list(filter: ItemFilter): Promise<InboxPage>;
  /** How many items the filter lists on every page, in all and per card (the card's filter aside). */
  count(filter: CountFilter): Promise<CardCounts>;
}

export type CountFilter = Omit<ItemFilter, 'card' | 'pageSize' | 'pageToken'>;

const CARDS = ['yellow', 'red', 'overdue'] as const;

/** From the read model: keyset pages in the inbox's order (nearest deadline first). */
export class ReadModelItemListing implements ItemListing {
  constructor(private readonly readModel: ReadModelStore) {}

  async list(filter: ItemFilter): Promise<InboxPage> {
    const { department, status, card, escalated, pageSize, person } = filter;
    const scope = `read-model\n${department ?? ''}\n${status ?? ''}\n${card ?? ''}\n${person ? `${person.id}/${person.role}` : ''}${escalated ? '\nescalated' : ''}`;
    let after: PageKey | undefined;
    if (filter.pageToken) {
      const opened = openPageToken(scope, filter.pageToken);
      after = opened ? parseKey(opened) : undefined;
      if (!after) throw new InvalidPageTokenError('The pageToken is not one this API returned for this listing.');
    }
    const page = await this.readModel.listItems({ department, status, card, pageSize, ...(escalated ? { escalated } : {}), ...(person ? { person } : {}), ...(after ? { after } : {}) });
    const token = page.next ? sealPageToken(scope, Buffer.from(JSON.stringify(page.next))) : undefined;
    return { items: page.items, ...(token ? { nextPageToken: token } : {}) };
  }

  count(filter: CountFilter): Promise<CardCounts> {
    const { department, status, escalated, person } = filter;
    return this.readModel.countItems({ department, status, ...(escalated ? { escalated } : {}), ...(person ? { person } : {}) });
  }
}

/** The page key inside a token this API sealed (so its shape is ours; checked anyway). */
function parseKey(bytes: Buffer): PageKey | undefined {
  try {
    const key = JSON.parse(bytes.toString('utf8')) as { deadline?: unknown; dispatchedAt?: unknown; workflowId?: unknown };
    if (typeof key.workflowId !== 'string' || typeof key.dispatchedAt !== 'string') return undefined;
    if (!(key.deadline === null || typeof key.deadline === 'string')) return undefined;
    return { deadline: key.deadline, dispatchedAt: key.dispatchedAt, workflowId: key.workflowId };
  } catch {
    return undefined;
  }
}

/** From Temporal visibility, newest first. */
export class VisibilityItemListing implements ItemListing {
  constructor(private readonly options: ItemListingOptions) {}

  /** One page of the items matching the filter; `nextPageToken` pages on, for this filter only. */
  async list(filter: ItemFilter): Promise<InboxPage> {
    const clauses = [`WorkflowType = 'itemWorkflow'`];
    // Values are validated slugs/enums at the route, so quoting them is safe.
    if (filter.department) clauses.push(`Department = '${filter.department}'`);
    if (filter.status) clauses.push(`ItemStatus = '${filter.status}'`);
    if (filter.card) clauses.push(`Card = '${filter.card}'`);
    const query = clauses.join(' AND ');
    const pageToken = filter.pageToken ? openPageToken(query, filter.pageToken) : undefined;
    if (filter.pageToken && !pageToken) throw new InvalidPageTokenError('The pageToken is not one this API returned for this listing.');
    const response = await this.options.client.workflowService
      .listWorkflowExecutions({ namespace: this.options.namespace, query, pageSize: filter.pageSize, nextPageToken: pageToken })
      .catch((err: unknown) => {
        // Page tokens are opaque to clients; the server rejects a forged one with varying codes.
        if (filter.pageToken && isGrpcServiceError(err) && !temporalOutage(err)) throw new InvalidPageTokenError('The pageToken is not one this API returned.');
        throw err;
      });
    const items = (response.executions ?? []).map(toEntry);
    const token = response.nextPageToken && response.nextPageToken.length > 0 ? sealPageToken(query, response.nextPageToken) : undefined;
    return { items, ...(token ? { nextPageToken: token } : {}) };
  }

  /** Counted by visibility, one count per card (the person's and escalated filters are the read model's). */
  async count(filter: CountFilter): Promise<CardCounts> {
    const clauses = [`WorkflowType = 'itemWorkflow'`];
    if (filter.department) clauses.push(`Department = '${filter.department}'`);
    if (filter.status) clauses.push(`ItemStatus = '${filter.status}'`);
    const base = clauses.join(' AND ');
    const countOf = async (query: string) =>
      Number((await this.options.client.workflowService.countWorkflowExecutions({ namespace: this.options.namespace, query })).count ?? 0);
    const [total, ...perCard] = await Promise.all([countOf(base), ...CARDS.map((card) => countOf(`${base} AND Card = '${card}'`))]);
    const [yellow, red, overdue] = perCard as [number, number, number];
    return { total, yellow, red, overdue, none: Math.max(0, total - yellow - red - overdue) };
  }
}

type RawPayloads = Record<string, { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }> | null | undefined;
interface RawExecution {
  searchAttributes?: { indexedFields?: RawPayloads } | null;
  memo?: { fields?: RawPayloads } | null;
  startTime?: { seconds?: unknown; nanos?: number | null } | null;
}

function toEntry(execution: RawExecution): InboxEntry {
  const attributes = decodeAttributes(execution.searchAttributes?.indexedFields);
  const memo = decodeAttributes(execution.memo?.fields);
  return {
    caseId: String(attributes.CaseId ?? ''),
    itemId: String(attributes.ItemId ?? ''),
    bundleId: String(attributes.BundleId ?? ''),
    department: String(attributes.Department ?? ''),
    status: String(attributes.ItemStatus ?? ''),
    code: memo.code as string | undefined,
    title: memo.title as { zh: string; en: string } | undefined,
    startedAt: timestampToIso(execution.startTime),
    deadline: attributes.Deadline ? new Date(String(attributes.Deadline)).toISOString() : undefined,
    card: attributes.Card as string | undefined,
  };
}

function decodeAttributes(fields: RawPayloads): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, payload] of Object.entries(fields ?? {})) {
    const value = defaultPayloadConverter.fromPayload(payload as never);
    out[name] = Array.isArray(value) && value.length === 1 ? value[0] : value;
  }
  return out;
}

function timestampToIso(ts: { seconds?: unknown; nanos?: number | null } | null | undefined): string | undefined {
  if (!ts?.seconds) return undefined;
  return new Date(Number(ts.seconds) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)).toISOString();
}

declare module 'fastify' {
  interface FastifyInstance {
    itemListing: ItemListing;
  }
}

/** Decorates `app.itemListing`: over the read model when given, else over the shared Temporal client. */
export const itemListing = fp<{ readModel?: ReadModelStore }>(
  async (app, { readModel }) => {
    app.decorate<ItemListing>(
      'itemListing',
      readModel ? new ReadModelItemListing(readModel) : new VisibilityItemListing({ client: app.temporal.client, namespace: app.temporal.namespace }),
    );
  },
  { name: 'item-listing', fastify: '5.x', dependencies: ['temporal'] },
);
