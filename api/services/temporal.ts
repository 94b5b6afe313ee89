/**
 * The Temporal client the API talks through, decorated as `app.temporal` for the service plugins and
 * the request deadlines that depend on it (`dependencies: ['temporal']`).
 */
import type { Client } from '@temporalio/client';
import fp from 'fastify-plugin';
import { TASK_QUEUE } from '../../workflows/contract';

export interface TemporalOptions {
  client: Client;
  namespace: string;
  /** Where cases are started (default: the engine's task queue). */
  taskQueue?: string;
}

export type Temporal = Required<TemporalOptions>;

declare module 'fastify' {
  interface FastifyInstance {
    temporal: Temporal;
  }
}

export const temporal = fp<TemporalOptions>(
  async (app, { client, namespace, taskQueue = TASK_QUEUE }) => {
    app.decorate('temporal', { client, namespace, taskQueue });
  },
  { name: 'temporal', fastify: '5.x' },
);
