/**
 * Rules for uploaded materials: which media types and sizes a material accepts, and whether the bytes
 * are what they claim to be.
 *
 * Pure: the API asks {@link checkUpload} before reading a body (from `Content-Type` and
 * `Content-Length`) and {@link checkUploadBytes} once it has the bytes, then stores them in the blob
 * store (`activities/blobs.ts`).
 *
 * Uploads are allowed for **electronic-licence materials** as well: the library may not hold the
 * licence for this applicant (another province, not yet digitised, expired), and then the applicant
 * must hand it in after all (see `materialsToUpload` in `forms/prefill.ts`).
 */
import type { Material } from '../definitions/schema';

/** Media types a material accepts when its definition names none: PDF, JPEG and PNG. */
export const DEFAULT_MEDIA_TYPES: readonly string[] = Object.freeze(['application/pdf', 'image/jpeg', 'image/png']);

/** The largest upload a material accepts when its definition names no `maxBytes`: 10 MiB. */
export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

/** What a material's upload rules need: any material of a definition or a plan. */
export type UploadRules = Pick<Material, 'id' | 'mediaTypes' | 'maxBytes'>;

export type UploadCheck = { ok: true } | { ok: false; status: 413 | 415; message: string };

/** The media types the material accepts (its own, or {@link DEFAULT_MEDIA_TYPES}). */
export function acceptedMediaTypes(material: UploadRules): readonly string[] {
  return material.mediaTypes ?? DEFAULT_MEDIA_TYPES;
}

/** The largest upload the material accepts, in bytes (its own, or {@link DEFAULT_MAX_BYTES}). */
export function maxBytesOf(material: UploadRules): number {
  return material.maxBytes ?? DEFAULT_MAX_BYTES;
}

/**
 * A media type without its parameters, trimmed and in lower case: `Image/PNG; charset=binary` →
 * `image/png`. Media types are case-insensitive (RFC 9110 §8.3.1).
 */
export function mediaTypeEssence(mediaType: string): string {
  return (mediaType.split(';', 1)[0] ?? '').trim().toLowerCase();
}

/**
 * Whether an upload of this size and declared media type is acceptable for the material.
 *
 * - The media type is compared without parameters (`; charset=…`) and case-insensitively; one the
 *   material does not accept is a **415**. It is checked first: it is known from the headers before
 *   any byte arrives.
 * - A size above the material's `maxBytes` (default 10 MiB) is a **413**. The limit itself is accepted.
 *
 * Messages are bilingual and name the material, the limit or the accepted types. `size` must be a
 * whole number of bytes, at least 0 (a `RangeError` otherwise: that is a caller's bug, not an
 * applicant's upload).
 */
export function checkUpload(material: UploadRules, upload: { size: number; mediaType: string }): UploadCheck {
  if (!Number.isSafeInteger(upload.size) || upload.size < 0) {
    throw new RangeError(`upload size must be a whole number of bytes, not ${upload.size}`);
  }
  const accepted = acceptedMediaTypes(material);
  const essence = mediaTypeEssence(upload.mediaType);
  if (!accepted.includes(essence)) {
    return {
      ok: false,
      status: 415,
      message: `材料 ${material.id} 不接受 ${essence || '(无类型)'} 格式 / material "${material.id}" does not accept ${JSON.stringify(essence || upload.mediaType)}; accepted: ${accepted.join(', ')}`,
    };
  }
  const max = maxBytesOf(material);
  if (upload.size > max) {
    return {
      ok: false,
      status: 413,
      message: `材料 ${material.id} 超过大小上限 ${formatBytes(max)} / material "${material.id}" is ${upload.size} bytes, more than its limit of ${max} bytes (${formatBytes(max)})`,
    };
  }
  return { ok: true };
}

/**
 * {@link checkUpload} on the bytes themselves, and then whether they are what the declared media type
 * says: a declared PDF, JPEG or PNG whose bytes {@link sniffMediaType} recognises as something else, or
 * as nothing it knows, is a **415**. A declared type that cannot be sniffed (one a material adds
 * beyond the defaults) is taken as declared.
 */
export function checkUploadBytes(material: UploadRules, upload: { bytes: Uint8Array; mediaType: string }): UploadCheck {
  const check = checkUpload(material, { size: upload.bytes.byteLength, mediaType: upload.mediaType });
  if (!check.ok) return check;
  const declared = mediaTypeEssence(upload.mediaType);
  if (!SNIFFABLE.has(declared)) return check;
  const sniffed = sniffMediaType(upload.bytes);
  if (sniffed === declared) return check;
  return {
    ok: false,
    status: 415,
    message: `材料 ${material.id} 的内容与声明的格式不符 / material "${material.id}" was declared ${declared} but its bytes ${sniffed ? `are ${sniffed}` : `are not ${declared}`}`,
  };
}

const SIGNATURES: ReadonlyArray<{ mediaType: string; magic: readonly number[] }> = [
  { mediaType: 'application/pdf', magic: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { mediaType: 'image/jpeg', magic: [0xff, 0xd8, 0xff] }, // SOI + the next marker's 0xFF
  { mediaType: 'image/png', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] }, // \x89PNG\r\n\x1a\n
];

/** The media types {@link sniffMediaType} recognises. */
export const SNIFFABLE: ReadonlySet<string> = new Set(SIGNATURES.map((s) => s.mediaType));

/**
 * The media type the bytes' magic number says, at offset 0: `application/pdf` (`%PDF-`), `image/jpeg`
 * (FF D8 FF) or `image/png` (the full 8-byte PNG signature); `undefined` for anything else. Only the
 * first bytes are read; a match says what the file claims to be, not that it is well-formed.
 */
export function sniffMediaType(bytes: Uint8Array): string | undefined {
  return SIGNATURES.find(({ magic }) => magic.length <= bytes.length && magic.every((b, i) => bytes[i] === b))?.mediaType;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}
