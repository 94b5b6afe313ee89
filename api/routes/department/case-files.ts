/**
 * What the applicant handed in, for the officers who work the case (the department workbench, the
 * window desk): the one form as submitted, with the fields the electronic-licence library filled
 * marked, and the uploaded bytes of each material. Both are read as the case's progress is: by the
 * applicant, integrators, windows, supervisors, and the departments with an item in the case
 * (`assertCaseRead`); everyone else is refused before anything about the case is told.
 *
 * One form is shared by design (一表申请): a department sees the whole form, as it sees every material.
 */
import { isDeepStrictEqual } from 'node:util';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { BlobStore } from '../../../adapters/blobs';
import type { CertificateLibrary } from '../../../adapters/certificates';
import type { DefinitionRegistry } from '../../../definitions/registry';
import { prefill } from '../../../forms/prefill';
import type { CaseInput, CaseProgress, MaterialRef } from '../../../workflows/contract';
import { applicabilityOf, assertCaseRead } from '../../access';
import { principalOf } from '../../auth';
import { HttpProblem, ProblemSchema } from '../../problems';
import { CaseParams } from '../../schemas';
import type { CaseService } from '../../services/case-service';

export interface CaseFileRoutesOptions {
  registry: DefinitionRegistry;
  blobs?: BlobStore;
  certificates?: CertificateLibrary;
}

export const CaseFormResponse = z
  .object({
    caseId: z.string(),
    bundleId: z.string(),
    bundleVersion: z.number().int(),
    values: z.record(z.string(), z.unknown()).meta({ description: 'The one form as the case holds it: values by field id.' }),
    prefilled: z.array(z.string()).meta({
      description:
        'Ids of the fields whose value is what the electronic-licence library holds for the applicant (数据预填充), in plan field order. ' +
        'Read now from the library: a value the applicant typed that equals the licence counts as pre-filled; none when the library is not configured or not answering.',
    }),
    prefilledFrom: z
      .record(z.string(), z.object({ licenceType: z.string(), attribute: z.string() }))
      .meta({ description: 'For each pre-filled field: the licence type and attribute it comes from.' }),
  })
  .meta({ id: 'CaseForm' });

const READ_PROBLEMS = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };

const MaterialContentParams = CaseParams.extend({ material: z.string().min(1).max(100) });

/** Sandboxed, nothing loads but the bytes themselves: an uploaded PDF or image never runs script in the API's origin. */
export const CONTENT_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'none'";

const EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'application/ofd': 'ofd',
  'text/plain': 'txt',
};

/** RFC 8187 value characters: RFC 3986 unreserved plus a few; everything else percent-encoded as UTF-8. */
const rfc8187 = (text: string) => encodeURIComponent(text).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** `inline`, an ASCII name (the material's id) and the UTF-8 one (its Chinese name), with the extension of its media type. */
export function contentDisposition(materialId: string, name: string | undefined, mediaType: string): string {
  const extension = EXTENSIONS[mediaType] ?? 'bin';
  const ascii = `${materialId.replace(/[^A-Za-z0-9._-]/g, '_')}.${extension}`;
  return `inline; filename="${ascii}"; filename*=UTF-8''${rfc8187(`${name ?? materialId}.${extension}`)}`;
}

/** Whether `If-None-Match` names the entity tag (weak comparison, `*` included). */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}

/**
 * The material as the case holds it now: the last one supplied (in answer to a supplement request, or
 * to keep the commitment), else the application's.
 */
export function currentMaterial(input: CaseInput, progress: CaseProgress, material: string): MaterialRef | undefined {
  const later: Array<{ at: string; ref: MaterialRef }> = [];
  for (const m of progress.commitment?.materials ?? []) if (m.material === material && m.supplied && m.suppliedAt) later.push({ at: m.suppliedAt, ref: m.supplied });
  for (const item of progress.items) {
    for (const s of item.supplements ?? []) for (const ref of s.supplied ?? []) if (ref.id === material && s.suppliedAt) later.push({ at: s.suppliedAt, ref });
  }
  later.sort((a, b) => a.at.localeCompare(b.at));
  return later.at(-1)?.ref ?? input.application.materials.find((m) => m.id === material);
}

/** Reads the case once for both the access check and the route: the progress, and the input it started with. */
async function readable(cases: CaseService, request: Parameters<typeof principalOf>[0], caseId: string): Promise<{ input: () => Promise<CaseInput>; progress: CaseProgress }> {
  const progress = await cases.progress(caseId);
  let cached: Promise<CaseInput> | undefined;
  const input = () => (cached ??= cases.inputOf(caseId));
  await assertCaseRead(principalOf(request), progress, applicabilityOf(input));
  return { input, progress };
}

export const caseFileRoutes: FastifyPluginAsyncZod<CaseFileRoutesOptions> = async (app, { registry, blobs, certificates }) => {
  const { cases } = app;

  app.get(
    '/cases/:caseId/form',
    {
      schema: {
        tags: ['cases'],
        operationId: 'getCaseForm',
        summary: 'The one form as the applicant submitted it, with the fields pre-filled from electronic licences marked',
        params: CaseParams,
        response: { 200: CaseFormResponse, ...READ_PROBLEMS },
      },
    },
    async (request) => {
      const { caseId } = request.params;
      const { input, progress } = await readable(cases, request, caseId);
      const { application, plan } = await input();
      const values = application.form;
      const prefilledFrom: Record<string, { licenceType: string; attribute: string }> = {};
      if (certificates) {
        try {
          await registry.refresh(plan.bundleId, plan.version);
          const filled = prefill(registry.get(plan.bundleId, plan.version).plan, await certificates.licencesOf(application.applicant.subjectId));
          for (const f of filled.fields) {
            if (isDeepStrictEqual(values[f.field], filled.form[f.field])) prefilledFrom[f.field] = { licenceType: f.licenceType, attribute: f.attribute };
          }
        } catch (err) {
          // The form is what officers need; the marks are a help: a library that does not answer leaves them out.
          request.log.warn({ err, caseId }, 'pre-filled fields unknown: the licence library did not answer');
        }
      }
      return { caseId, bundleId: progress.bundleId, bundleVersion: progress.bundleVersion, values, prefilled: Object.keys(prefilledFrom), prefilledFrom };
    },
  );

  app.get(
    '/cases/:caseId/materials/:material/content',
    {
      schema: {
        tags: ['cases'],
        operationId: 'getCaseMaterialContent',
        summary: "The uploaded bytes of one of the case's materials (the last supplied), to view: sandboxed, ETag the sha256",
        params: MaterialContentParams,
        headers: z.object({ 'if-none-match': z.string().max(1000).optional() }),
        response: { 200: z.string(), 304: z.null().meta({ description: 'The client holds these bytes (If-None-Match).' }), ...READ_PROBLEMS },
      },
    },
    async (request, reply) => {
      const { caseId, material } = request.params;
      const { input, progress } = await readable(cases, request, caseId);
      const caseInput = await input();
      const ref = currentMaterial(caseInput, progress, material);
      if (!ref) throw new HttpProblem('not-found', `Case "${caseId}" has no material "${material}".`);
      if (!ref.sha256) {
        // 免证明: the state fetched it from the licence library; there are no bytes to show.
        if (ref.ref?.startsWith('licence:')) {
          throw new HttpProblem('not-found', `Material "${material}" is an electronic licence (${ref.ref.slice('licence:'.length)}) from the licence library: nothing was uploaded.`);
        }
        throw new HttpProblem('not-found', `Material "${material}" was declared without an upload: there are no bytes to show.`);
      }
      if (!blobs) throw new HttpProblem('unavailable', 'No upload store is configured.');
      const etag = `"${ref.sha256}"`;
      if (matchesEtag(request.headers['if-none-match'], etag)) return reply.status(304).header('etag', etag).send(null);
      const stored = await blobs.get(ref.sha256);
      if (!stored) throw new HttpProblem('not-found', `The upload of material "${material}" is not in the store.`);
      const name = caseInput.plan.materials.find((m) => m.id === material)?.name.zh;
      return reply
        .header('content-type', stored.blob.mediaType)
        .header('content-disposition', contentDisposition(material, name, stored.blob.mediaType))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', CONTENT_CSP)
        .header('etag', etag)
        // Fastify sends a Buffer as it is, never through the response schema (which documents the bytes as a string).
        .send(stored.bytes as unknown as string);
    },
  );
};
