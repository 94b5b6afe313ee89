/**
 * A material uploaded as `multipart/form-data` (what a browser's form or `FormData` sends): exactly
 * one file part, in field `file`. The file is streamed with the material's own `maxBytes` as busboy's
 * limit, so an oversized file is cut off there and never buffered whole; its part's declared media
 * type is checked before any byte of it is read.
 */
import type { FastifyRequest } from 'fastify';
import { checkUpload, maxBytesOf, mediaTypeEssence, type UploadRules } from '../../../forms/uploads';
import { HttpProblem } from '../../problems';

/** The form field that carries the file. */
export const FILE_FIELD = 'file';

/** What a multipart upload held: the file's bytes and the media type its part declared. */
export interface MultipartUpload {
  bytes: Buffer;
  mediaType: string;
  fileName?: string;
}

/** Fields besides the file are ignored, but bounded: a form sends a handful, each short. */
const FIELD_LIMITS = { fields: 10, fieldSize: 8 * 1024, parts: 12 };

/**
 * Reads the one file of a multipart upload for `material`. Refuses, as problems: a file part of
 * another field, a second file, no file (400); a declared media type the material does not accept
 * (415); a file larger than the material's limit (413); a malformed body (400). Whatever the
 * refusal, the rest of the body is read and dropped so the connection stays usable.
 */
export async function readMultipartUpload(request: FastifyRequest, material: UploadRules): Promise<MultipartUpload> {
  const max = maxBytesOf(material);
  let upload: MultipartUpload | undefined;
  try {
    // files: 2 lets the second file be seen (and refused as such) rather than silently cut off.
    for await (const part of request.parts({ limits: { ...FIELD_LIMITS, files: 2, fileSize: max } })) {
      if (part.type !== 'file') continue;
      if (part.fieldname !== FILE_FIELD) {
        throw new HttpProblem('malformed-request', `The file must be sent in the form field "${FILE_FIELD}", not "${part.fieldname}".`);
      }
      if (upload) throw new HttpProblem('malformed-request', 'Send one file per upload: this request has more than one.');
      const mediaType = mediaTypeEssence(part.mimetype || 'application/octet-stream');
      // The declared type is known from the part's headers: refuse before reading its bytes.
      const declared = checkUpload(material, { size: 0, mediaType });
      if (!declared.ok) throw new HttpProblem('unsupported-media-type', declared.message);
      upload = { bytes: await part.toBuffer(), mediaType, ...(part.filename ? { fileName: part.filename } : {}) };
    }
  } catch (error) {
    discardRest(request);
    throw asProblem(error, material, max);
  }
  if (!upload) throw new HttpProblem('malformed-request', `The multipart body has no file in the form field "${FILE_FIELD}".`);
  return upload;
}

/** What @fastify/multipart and busboy throw, as the problem the client should see. */
function asProblem(error: unknown, material: UploadRules, max: number): unknown {
  if (error instanceof HttpProblem) return error;
  const code = (error as { code?: unknown }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') {
    return new HttpProblem(
      'payload-too-large',
      `材料 ${material.id} 超过大小上限 ${max} 字节 / material "${material.id}" is larger than its limit of ${max} bytes`,
    );
  }
  if (code === 'FST_FILES_LIMIT') return new HttpProblem('malformed-request', 'Send one file per upload: this request has more than one.');
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') {
    return new HttpProblem('malformed-request', `Too many form fields: send the file in "${FILE_FIELD}" and at most ${FIELD_LIMITS.fields} short fields.`);
  }
  // Busboy's own errors (no boundary, a part cut short) have no status: the body is not valid multipart.
  const message = error instanceof Error ? error.message : String(error);
  return new HttpProblem('malformed-request', `The multipart body cannot be read: ${message}`);
}

/** Stops parsing and lets the rest of the request body flow away unread. */
function discardRest(request: FastifyRequest): void {
  request.raw.unpipe();
  request.raw.resume();
}
