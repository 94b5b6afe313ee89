import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAndCompile } from '../../../definitions/compile';
import type { Material } from '../../../definitions/schema';
import {
  DEFAULT_MAX_BYTES,
  DEFAULT_MEDIA_TYPES,
  checkUpload,
  checkUploadBytes,
  mediaTypeEssence,
  sniffMediaType,
} from '../../../forms/uploads';
import { PROJECT_ROOT } from '../../../runtime/config';

const newborn = parseAndCompile(JSON.parse(readFileSync(join(PROJECT_ROOT, 'definitions', 'bundles', 'newborn.json'), 'utf8')));
const material = (id: string): Material => newborn.materials.find((m) => m.id === id)!;

/** A material as a definition may write it: no media types, no limit. */
const plain: Material = {
  id: 'premises-proof',
  name: { zh: '经营场所证明', en: 'Proof of premises' },
  source: { kind: 'applicant' },
  required: true,
  tolerable: false,
};

const PDF = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n', 'latin1');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);

describe('defaults', () => {
  it('are PDF, JPEG and PNG, up to 10 MiB', () => {
    expect(DEFAULT_MEDIA_TYPES).toEqual(['application/pdf', 'image/jpeg', 'image/png']);
    expect(DEFAULT_MAX_BYTES).toBe(10 * 1024 * 1024);
  });

  it('apply to a material that names no media types or limit', () => {
    for (const mediaType of DEFAULT_MEDIA_TYPES) expect(checkUpload(plain, { size: 1000, mediaType })).toEqual({ ok: true });
    expect(checkUpload(plain, { size: DEFAULT_MAX_BYTES, mediaType: 'application/pdf' })).toEqual({ ok: true });
    expect(checkUpload(plain, { size: DEFAULT_MAX_BYTES + 1, mediaType: 'application/pdf' })).toMatchObject({ ok: false, status: 413 });
    expect(checkUpload(plain, { size: 10, mediaType: 'image/gif' })).toMatchObject({ ok: false, status: 415 });
  });
});

describe('checkUpload', () => {
  const photo = material('child-photo'); // image/jpeg, image/png; 2 MiB

  it('accepts up to the material’s own limit and refuses more with 413 naming it', () => {
    expect(photo.maxBytes).toBe(2 * 1024 * 1024);
    expect(checkUpload(photo, { size: 2 * 1024 * 1024, mediaType: 'image/jpeg' })).toEqual({ ok: true });
    const over = checkUpload(photo, { size: 2 * 1024 * 1024 + 1, mediaType: 'image/jpeg' });
    expect(over).toMatchObject({ ok: false, status: 413 });
    expect(!over.ok && over.message).toContain('child-photo');
    expect(!over.ok && over.message).toContain('2 MiB');
    expect(!over.ok && over.message).toContain(String(2 * 1024 * 1024 + 1));
  });

  it('refuses a type the material does not accept with 415 naming the accepted ones', () => {
    const pdf = checkUpload(photo, { size: 10, mediaType: 'application/pdf' }); // fine elsewhere, not for a photo
    expect(pdf).toMatchObject({ ok: false, status: 415 });
    expect(!pdf.ok && pdf.message).toContain('image/jpeg, image/png');
    expect(checkUpload(photo, { size: 10, mediaType: '' })).toMatchObject({ ok: false, status: 415 });
    expect(checkUpload(photo, { size: 10, mediaType: 'image' })).toMatchObject({ ok: false, status: 415 });
  });

  it('checks the type before the size', () => {
    expect(checkUpload(photo, { size: 100 * 1024 * 1024, mediaType: 'text/plain' })).toMatchObject({ status: 415 });
  });

  it('ignores parameters, case and surrounding space in the media type', () => {
    for (const mediaType of ['image/png; charset=binary', 'IMAGE/PNG', ' Image/Png ;q=1', 'image/png;']) {
      expect(checkUpload(photo, { size: 10, mediaType })).toEqual({ ok: true });
    }
    expect(mediaTypeEssence('Application/PDF; charset="utf-8"')).toBe('application/pdf');
  });

  it('allows uploads for electronic-licence materials (the library may not hold the licence)', () => {
    const idCards = material('parents-id-cards');
    expect(idCards.source.kind).toBe('electronic-licence');
    expect(checkUpload(idCards, { size: 1000, mediaType: 'application/pdf' })).toEqual({ ok: true });
  });

  it('an empty upload is within limits (whether it is acceptable is the API’s call)', () => {
    expect(checkUpload(plain, { size: 0, mediaType: 'application/pdf' })).toEqual({ ok: true });
  });

  it('a size that is not a whole number of bytes is a caller bug', () => {
    for (const size of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => checkUpload(plain, { size, mediaType: 'application/pdf' })).toThrow(RangeError);
    }
  });
});

describe('sniffMediaType', () => {
  it('recognises PDF, JPEG and PNG by their magic numbers', () => {
    expect(sniffMediaType(PDF)).toBe('application/pdf');
    expect(sniffMediaType(JPEG)).toBe('image/jpeg');
    expect(sniffMediaType(PNG)).toBe('image/png');
    expect(sniffMediaType(new Uint8Array(PNG))).toBe('image/png'); // any Uint8Array
  });

  it('recognises nothing else, nor too short or misplaced signatures', () => {
    expect(sniffMediaType(Buffer.from('GIF89a'))).toBeUndefined();
    expect(sniffMediaType(Buffer.from('hello, world'))).toBeUndefined();
    expect(sniffMediaType(Buffer.alloc(0))).toBeUndefined();
    expect(sniffMediaType(Buffer.from('%PDF'))).toBeUndefined(); // without the dash
    expect(sniffMediaType(Buffer.from([0xff, 0xd8]))).toBeUndefined();
    expect(sniffMediaType(PNG.subarray(0, 4))).toBeUndefined(); // half a PNG signature
    expect(sniffMediaType(Buffer.concat([Buffer.from(' '), PDF]))).toBeUndefined(); // only at offset 0
  });
});

describe('checkUploadBytes', () => {
  it('accepts bytes that are what they are declared to be', () => {
    expect(checkUploadBytes(plain, { bytes: PDF, mediaType: 'application/pdf' })).toEqual({ ok: true });
    expect(checkUploadBytes(plain, { bytes: JPEG, mediaType: 'image/jpeg; name=a.jpg' })).toEqual({ ok: true });
  });

  it('refuses bytes that are something else, or nothing known, with 415', () => {
    const png = checkUploadBytes(plain, { bytes: PNG, mediaType: 'application/pdf' });
    expect(png).toMatchObject({ ok: false, status: 415 });
    expect(!png.ok && png.message).toContain('declared application/pdf but its bytes are image/png');
    const text = checkUploadBytes(plain, { bytes: Buffer.from('just text'), mediaType: 'image/jpeg' });
    expect(text).toMatchObject({ ok: false, status: 415 });
    expect(!text.ok && text.message).toContain('its bytes are not image/jpeg');
  });

  it('checks the declared type and the size of the bytes first', () => {
    const photo = material('child-photo');
    expect(checkUploadBytes(photo, { bytes: PDF, mediaType: 'application/pdf' })).toMatchObject({ status: 415 });
    const big = Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024)]);
    expect(checkUploadBytes(photo, { bytes: big, mediaType: 'image/png' })).toMatchObject({ status: 413 });
  });

  it('takes a type it cannot sniff as declared', () => {
    const ofd: Material = { ...plain, mediaTypes: ['application/ofd'] };
    expect(checkUploadBytes(ofd, { bytes: Buffer.from('PK\u0003\u0004'), mediaType: 'application/ofd' })).toEqual({ ok: true });
  });
});
