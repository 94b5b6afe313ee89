/**
 * What the applicant handed in, for the officers who work the case (the department workbench, the
 * window desk): the one form as submitted, with the fields the electronic-licence library filled
 * marked, and the uploaded bytes of each material. Both are read as the case's progress is: by the
 * applicant, integrators, windows, supervisors, and the departments with an item in the case
 * (`assertCaseRead`); everyone else is refused before anything about the case is told.
 *
 * One form is shared by design (一表申请): a department sees the whole form, as it sees every material.
 *
 * A browser tab cannot send the person's token in a header, and bytes fetched by the screens and
 * opened as a blob URL would keep the screens' own Content-Security-Policy instead of this sandbox
 * (Chromium then refuses even an image document's own styles). So the screens ask for a link instead (`POST …/links`, checked as above): a
 * short-lived URL, its token sealed by this API (a MAC, as page tokens are) and naming the bytes,
 * which the tab opens at `GET /material-links?token=…` without a key, answered with the same
 * sandboxed headers as `…/content`.
 */
import { isDeepStrictEqual } from 'node:util';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { BlobStore } from '../../../adapters/blobs';
import type { CertificateLibrary } from '../../../adapters/certificates';
import type { DefinitionRegistry } from '../../../definitions/registry';
import { prefill } from '../../../forms/prefill';
import type { CaseInput, CaseProgress, MaterialRef } from '../../../workflows/contract';
import { applicabilityOf, assertCaseRead } from '../../access';
import { principalOf } from '../../auth';
import { openPageToken, sealPageToken } from '../../page-token';
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

/** How long a material link opens its bytes: enough for a tab to load them, too short to pass around. */
export const MATERIAL_LINK_TTL_SECONDS = 120;

const LINK_SCOPE = 'material-link';

interface LinkClaims {
  /** The bytes (sha256), the material's id and name, and when the link stops working (epoch seconds). */
  sha256: string;
  material: string;
  name?: string;
  expires: number;
}

export function sealMaterialLink(claims: LinkClaims): string {
  return sealPageToken(LINK_SCOPE, Buffer.from(JSON.stringify(claims)));
}

/** The claims of a link this API sealed and that has not expired; undefined for anything else. */
export function openMaterialLink(token: string, nowSeconds: number): LinkClaims | undefined {
  const bytes = openPageToken(LINK_SCOPE, token);
  if (!bytes) return undefined;
  try {
    const claims = JSON.parse(bytes.toString('utf8')) as LinkClaims;
    return typeof claims.sha256 === 'string' && typeof claims.material === 'string' && claims.expires > nowSeconds ? claims : undefined;
  } catch {
    return undefined;
  }
}

/** The bytes with their media type, inline and sandboxed, never sniffed, the sha256 as ETag; 304 when the client has them. */
async function sendContent(request: FastifyRequest, reply: FastifyReply, blobs: BlobStore | undefined, sha256: string, material: string, name: string | undefined) {
  if (!blobs) throw new HttpProblem('unavailable', 'No upload store is configured.');
  const etag = `"${sha256}"`;
  if (matchesEtag(request.headers['if-none-match'], etag)) return reply.status(304).header('etag', etag).send(null);
  const stored = await blobs.get(sha256);
  if (!stored) throw new HttpProblem('not-found', `The upload of material "${material}" is not in the store.`);
  return (
    reply
      .status(200)
      .header('content-type', stored.blob.mediaType)
      .header('content-disposition', contentDisposition(material, name, stored.blob.mediaType))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', CONTENT_CSP)
      .header('etag', etag)
      // Fastify sends a Buffer as it is, never through the response schema (which documents the bytes as a string).
      .send(stored.bytes as unknown as string)
  );
}

/** The uploaded bytes of a material of the case (the last supplied), or a 404 problem saying why there are none. */
function uploadOf(caseInput: CaseInput, progress: CaseProgress, material: string): { sha256: string; name?: string } {
  const ref = currentMaterial(caseInput, progress, material);
  if (!ref) throw new HttpProblem('not-found', `Case "${caseInput.caseId}" has no material "${material}".`);
  if (!ref.sha256) {
    // 免证明: the state fetched it from the licence library; there are no bytes to show.
    if (ref.ref?.startsWith('licence:')) {
      throw new HttpProblem('not-found', `Material "${material}" is an electronic licence (${ref.ref.slice('licence:'.length)}) from the licence library: nothing was uploaded.`);
    }
    throw new HttpProblem('not-found', `Material "${material}" was declared without an upload: there are no bytes to show.`);
  }
  return { sha256: ref.sha256, name: caseInput.plan.materials.find((m) => m.id === material)?.name.zh };
}

/** Reads the case once for both the access check and the route: the progress, and the input it started with. */
async function readable(cases: CaseService, request: Parameters<typeof principalOf>[0], caseId: string): Promise<{ input: () => Promise<CaseInput>; progress: CaseProgress }> {
  const progress = await cases.progress(caseId);
  let cached: Promise<CaseInput> | undefined;
  const input = () => (cached ??= cases.inputOf(caseId));
  await assertCaseRead(principalOf(request), progress, applicabilityOf(input));
  return { input, progress };
}

const MaterialLinkResponse = z
  .object({
    url: z.string().meta({ description: 'Where a browser tab opens the bytes, without a key: GET /material-links?token=….' }),
    expiresAt: z.string().meta({ description: 'When the link stops working (an ISO instant).' }),
    sha256: z.string(),
  })
  .meta({ id: 'MaterialLink' });

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
      const { sha256, name } = uploadOf(await input(), progress, material);
      return sendContent(request, reply, blobs, sha256, material, name);
    },
  );

  app.post(
    '/cases/:caseId/materials/:material/links',
    {
      schema: {
        tags: ['cases'],
        operationId: 'createMaterialLink',
        summary: 'A short-lived link that opens the uploaded bytes of a material in a browser tab (no key needed to follow it)',
        params: MaterialContentParams,
        response: { 201: MaterialLinkResponse, ...READ_PROBLEMS },
      },
    },
    async (request, reply) => {
      const { caseId, material } = request.params;
      const { input, progress } = await readable(cases, request, caseId);
      const { sha256, name } = uploadOf(await input(), progress, material);
      const expires = Math.floor(Date.now() / 1000) + MATERIAL_LINK_TTL_SECONDS;
      const url = `/material-links?token=${sealMaterialLink({ sha256, material, ...(name ? { name } : {}), expires })}`;
      return reply.status(201).send({ url, expiresAt: new Date(expires * 1000).toISOString(), sha256 });
    },
  );
};

/** `GET /material-links?token=…`: outside the authenticated scope, the sealed token is the permission. */
export const materialLinkRoutes: FastifyPluginAsyncZod<{ blobs?: BlobStore }> = async (app, { blobs }) => {
  app.get(
    '/material-links',
    {
      schema: {
        tags: ['forms'],
        operationId: 'openMaterialLink',
        summary: 'The bytes a material link names, as GET /cases/{caseId}/materials/{material}/content answers them, until the link expires',
        querystring: z.object({ token: z.string().min(1).max(2000) }),
        headers: z.object({ 'if-none-match': z.string().max(1000).optional() }),
        response: { 200: z.string(), 304: z.null().meta({ description: 'The client holds these bytes (If-None-Match).' }), 400: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request, reply) => {
      const claims = openMaterialLink(request.query.token, Date.now() / 1000);
      if (!claims) throw new HttpProblem('not-found', 'This link is not one this API made, or it has expired: open the material again from its page.');
      return sendContent(request, reply, blobs, claims.sha256, claims.material, claims.name);
    },
  );
};
