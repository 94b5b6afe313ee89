/**
 * One set of materials, from the applicant's side: the form pre-filled from the electronic licences
 * the state already holds (数据预填充), and materials uploaded once, checked against the definition,
 * then referenced by every item that needs them.
 */
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { BlobStore } from '../../../adapters/blobs';
import type { CertificateLibrary } from '../../../adapters/certificates';
import type { DefinitionRegistry } from '../../../definitions/registry';
import { prefill } from '../../../forms/prefill';
import { checkUpload, sniffMediaType } from '../../../forms/uploads';
import { requireRoleOrApplicant } from '../../auth';
import { HttpProblem, ProblemSchema } from '../../problems';
import { BundleIdParams, SubjectId } from '../../schemas';
import { VersionQuery } from '../designer/forms';
import { readMultipartUpload } from './multipart-upload';

const MaterialParams = z.object({ id: BundleIdParams.shape.id, material: BundleIdParams.shape.id });
const problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };

/** Largest upload the route reads at all; each material's own `maxBytes` is checked below it. */
export const UPLOAD_BODY_LIMIT = 100 * 1024 * 1024;

export interface MaterialRoutesOptions {
  registry: DefinitionRegistry;
  blobs?: BlobStore;
  certificates?: CertificateLibrary;
}

export const materialRoutes: FastifyPluginAsyncZod<MaterialRoutesOptions> = async (app, { registry, blobs, certificates }) => {
  // Uploads are raw bytes of any media type, or a multipart form with one file (browsers); only this
  // plugin reads bodies those ways. Multipart bodies are streamed by the route, with the material's limit.
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: UPLOAD_BODY_LIMIT }, (_request, body, done) => done(null, body));
  await app.register(multipart, { limits: { fileSize: UPLOAD_BODY_LIMIT } });

  app.get(
    '/definitions/:id/prefill',
    {
      schema: {
        tags: ['forms'],
        operationId: 'getPrefill',
        summary: 'The form pre-filled from the electronic licences the state holds for a subject, and the materials already satisfied',
        params: BundleIdParams,
        querystring: VersionQuery.extend({ subject: SubjectId }),
        response: { 200: z.record(z.string(), z.unknown()), ...problems },
      },
    },
    async (request) => {
      requireRoleOrApplicant(request, request.query.subject, 'integrator', 'window');
      if (!certificates) throw new HttpProblem('unavailable', 'No electronic-licence library is configured.');
      await registry.refresh(request.params.id, request.query.version);
      const { plan } = registry.get(request.params.id, request.query.version);
      return { subject: request.query.subject, ...prefill(plan, await certificates.licencesOf(request.query.subject)) };
    },
  );

  app.post(
    '/definitions/:id/materials/:material/uploads',
    {
      bodyLimit: UPLOAD_BODY_LIMIT,
      schema: {
        tags: ['forms'],
        operationId: 'uploadMaterial',
        summary:
          'Upload a material once (raw body with its media type as Content-Type, or multipart/form-data with one file in field "file"); reference it by sha256 in every item that needs it',
        params: MaterialParams,
        querystring: VersionQuery,
        response: {
          201: z.object({ material: z.string(), sha256: z.string(), size: z.number(), mediaType: z.string(), ref: z.string() }),
          413: ProblemSchema,
          415: ProblemSchema,
          ...problems,
        },
      },
    },
    async (request, reply) => {
      // An applicant uploads for their own application (uploads are content-addressed, bound to no case yet).
      requireRoleOrApplicant(request, undefined, 'integrator', 'window');
      if (!blobs) throw new HttpProblem('unavailable', 'No upload store is configured.');
      await registry.refresh(request.params.id, request.query.version);
      const { plan } = registry.get(request.params.id, request.query.version);
      const material = plan.materials.find((m) => m.id === request.params.material);
      if (!material) throw new HttpProblem('not-found', `Bundle "${plan.bundleId}" has no material "${request.params.material}".`);
      const { bytes, mediaType } = request.isMultipart()
        ? await readMultipartUpload(request, material)
        : { bytes: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0), mediaType: (request.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!.trim().toLowerCase() };
      if (bytes.length === 0) throw new HttpProblem('malformed-request', 'The upload is empty.');
      const verdict = checkUpload(material, { size: bytes.length, mediaType });
      if (!verdict.ok) throw new HttpProblem(verdict.status === 413 ? 'payload-too-large' : 'unsupported-media-type', verdict.message);
      const sniffed = sniffMediaType(bytes);
      if (sniffed && sniffed !== mediaType) {
        throw new HttpProblem('unsupported-media-type', `The content is ${sniffed}, not the declared ${mediaType}.`);
      }
      const blob = await blobs.put(bytes, mediaType);
      return reply.status(201).send({ material: material.id, sha256: blob.sha256, size: blob.size, mediaType: blob.mediaType, ref: `blob:${blob.sha256}` });
    },
  );
};
