/**
 * The read model, for admins: rebuild it from Temporal (every case, running and closed, written back
 * at the revision its workflow answers; never over a newer row). The rebuild runs in this API process
 * in the background — it takes as long as its Queries — so the request answers 202 at once and
 * `GET` follows it. One rebuild at a time per process. The same as `yijianshi db rebuild-read-model`,
 * which cannot open an embedded PGlite that `npm start` holds.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ReadModelStore } from '../../../adapters/read-model';
import { rebuildReadModel, type RebuildReport } from '../../../adapters/read-model-rebuild';
import { requireRole } from '../../auth';
import { ProblemSchema } from '../../problems';
import { outsideRequestDeadline } from '../../temporal-deadline';

const RebuildState = z
  .object({
    status: z.enum(['idle', 'running', 'done', 'failed']),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    /** Cases handled so far (running) or in all (done). */
    handled: z.number().int(),
    report: z
      .object({
        cases: z.number().int(),
        written: z.number().int(),
        newer: z.number().int(),
        failed: z.array(z.object({ workflowId: z.string(), reason: z.string() })),
      })
      .optional(),
    error: z.string().optional(),
  })
  .meta({ id: 'ReadModelRebuild', description: "The read model's rebuild from Temporal in this API process: the last one, or the one running." });
type RebuildState = z.infer<typeof RebuildState>;

const problems = { 401: ProblemSchema, 403: ProblemSchema };

export const readModelRoutes: FastifyPluginAsyncZod<{ readModel: ReadModelStore }> = async (app, { readModel }) => {
  let state: RebuildState = { status: 'idle', handled: 0 };

  const start = () => {
    state = { status: 'running', startedAt: new Date().toISOString(), handled: 0 };
    const { client } = app.temporal;
    outsideRequestDeadline(client, () => rebuildReadModel({ client, readModel, onCase: (handled) => (state = { ...state, handled }) })).then(
      (report: RebuildReport) => {
        state = { ...state, status: 'done', finishedAt: new Date().toISOString(), handled: report.cases, report };
        app.log.info({ report: { ...report, failed: report.failed.length } }, 'read model rebuilt');
      },
      (err: unknown) => {
        state = { ...state, status: 'failed', finishedAt: new Date().toISOString(), error: err instanceof Error ? err.message : String(err) };
        app.log.error({ err }, 'read model rebuild failed');
      },
    );
  };

  app.post(
    '/admin/read-model/rebuild',
    {
      schema: {
        tags: ['admin'],
        operationId: 'rebuildReadModel',
        summary: 'Rebuild the read model from Temporal, in the background (one at a time); follow it with GET',
        response: { 202: RebuildState, ...problems },
      },
    },
    async (request, reply) => {
      requireRole(request, 'admin');
      if (state.status !== 'running') start();
      return reply.status(202).header('location', '/admin/read-model/rebuild').send(state);
    },
  );

  app.get(
    '/admin/read-model/rebuild',
    {
      schema: {
        tags: ['admin'],
        operationId: 'getReadModelRebuild',
        summary: "The read model's last or running rebuild",
        response: { 200: RebuildState, ...problems },
      },
    },
    async (request) => {
      requireRole(request, 'admin');
      return state;
    },
  );
};
