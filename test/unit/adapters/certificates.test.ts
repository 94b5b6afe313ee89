import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CertificateDataError,
  CertificateLibraryError,
  CertificateLibraryRejected,
  DEFAULT_CERTIFICATES_FILE,
  FileCertificateLibrary,
  HttpCertificateLibrary,
  certificateLibraryFromEnv,
} from '../../../adapters/certificates';
import { isValidAt, type ElectronicLicence } from '../../../domain/licences';

const MOTHER = '420111199205154321'; // 张丽
const FATHER = '420111198908126519'; // 陈建国
const RESTAURANT_OWNER = '420104199003071234'; // 王小明
const LEGAL_REP = '420111198805051234'; // 李华
const COMPANY = '91420100MA4K0000X1'; // 武汉一件事科技有限公司
const EXPIRED_ID = '420106198511200025'; // 李芳, ID card expired 2020-03-15

/** A fixed "now", so that the sample data's validity never makes these tests rot. */
const NOW = new Date('2026-11-22T06:00:00Z');
const clock = () => NOW;

function licence(overrides: Partial<ElectronicLicence> = {}): ElectronicLicence {
  return {
    licenceType: 'resident-id-card',
    number: RESTAURANT_OWNER,
    holder: { subjectId: RESTAURANT_OWNER, name: '王小明' },
    attributes: { name: '王小明', idNumber: RESTAURANT_OWNER },
    issuedBy: '武汉市公安局江汉区分局',
    issuedAt: '2016-04-11',
    validUntil: '2036-04-11',
    ...overrides,
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yjs-certs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function dataFile(content: unknown): Promise<string> {
  const file = join(dir, 'licences.json');
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('FileCertificateLibrary over the sample data', () => {
  const library = new FileCertificateLibrary(DEFAULT_CERTIFICATES_FILE, { now: clock });

  it('holds the mother of the newborn with everything the newborn bundle asks for', async () => {
    const licences = await library.licencesOf(MOTHER);
    expect(licences.map((l) => l.licenceType)).toEqual([
      'birth-medical-certificate',
      'household-register',
      'marriage-certificate',
      'resident-id-card',
    ]);
    const byType = Object.fromEntries(licences.map((l) => [l.licenceType, l]));
    expect(byType['resident-id-card']!.attributes).toMatchObject({ name: '张丽', idNumber: MOTHER });
    expect(byType['resident-id-card']!.attributes.address).toMatch(/^湖北省武汉市/);
    expect(byType['marriage-certificate']!.attributes).toMatchObject({ spouseName: '陈建国', spouseIdNumber: FATHER });
    expect(byType['household-register']!.attributes).toMatchObject({ householder: '陈建国' });
    expect(byType['birth-medical-certificate']!.attributes).toMatchObject({ motherName: '张丽', fatherName: '陈建国' });
    for (const l of licences) expect(l.holder).toEqual({ subjectId: MOTHER, name: '张丽' });
  });

  it('holds her husband, with the same marriage certificate number seen from his side', async () => {
    const [mine, his] = await Promise.all([library.licencesOf(MOTHER), library.licencesOf(FATHER)]);
    const marriage = (ls: ElectronicLicence[]) => ls.find((l) => l.licenceType === 'marriage-certificate')!;
    expect(marriage(his).number).toBe(marriage(mine).number);
    expect(marriage(his).attributes).toMatchObject({ spouseName: '张丽', spouseIdNumber: MOTHER });
    expect(his.map((l) => l.licenceType)).toEqual(['household-register', 'marriage-certificate', 'resident-id-card']);
  });

  it('holds the restaurant applicant of the fixtures (王小明) with his ID card', async () => {
    const licences = await library.licencesOf(RESTAURANT_OWNER);
    expect(licences).toHaveLength(1);
    expect(licences[0]).toMatchObject({
      licenceType: 'resident-id-card',
      number: RESTAURANT_OWNER,
      holder: { subjectId: RESTAURANT_OWNER, name: '王小明' },
      attributes: { name: '王小明', idNumber: RESTAURANT_OWNER, gender: '男' },
    });
    expect(licences[0]!.attributes.address).toBeTruthy();
  });

  it('holds the company of the fixtures with its business licence, and its legal representative', async () => {
    const [company] = await library.licencesOf(COMPANY);
    expect(company).toMatchObject({
      licenceType: 'business-licence',
      number: COMPANY,
      holder: { name: '武汉一件事科技有限公司' },
      attributes: { unifiedSocialCreditCode: COMPANY, legalRepName: '李华' },
    });
    expect(company!.validUntil).toBeUndefined(); // 长期
    const rep = await library.licencesOf(LEGAL_REP);
    expect(rep.map((l) => [l.licenceType, l.attributes.name])).toEqual([['resident-id-card', '李华']]);
  });

  it('knows nothing of an unknown subject: []', async () => {
    expect(await library.licencesOf('110101200001011234')).toEqual([]);
  });

  it('does not return an expired ID card, but the same person’s valid licences', async () => {
    const licences = await library.licencesOf(EXPIRED_ID);
    expect(licences.map((l) => l.licenceType)).toEqual(['household-register']);
    // before it expired, the card was there
    const then = new FileCertificateLibrary(DEFAULT_CERTIFICATES_FILE, { now: () => new Date('2019-01-01T00:00:00Z') });
    expect((await then.licencesOf(EXPIRED_ID)).map((l) => l.licenceType)).toEqual(['household-register', 'resident-id-card']);
  });

  it('answers copies: changing one does not change the next answer', async () => {
    const [first] = await library.licencesOf(RESTAURANT_OWNER);
    first!.attributes.name = '改了';
    first!.holder.name = '改了';
    const [again] = await library.licencesOf(RESTAURANT_OWNER);
    expect(again!.attributes.name).toBe('王小明');
    expect(again!.holder.name).toBe('王小明');
  });

  it('never returns the note of the sample file', async () => {
    for (const l of await library.licencesOf(MOTHER)) expect(l).not.toHaveProperty('note');
  });

  it('refuses an id that cannot be one, as non-retryable', async () => {
    for (const bad of ['', '.', '..', 'a\nb', 'a\u0000b', '../licences', 'a/b', 'a\\b', '\ud800', 'x'.repeat(129)]) {
      const err = await library.licencesOf(bad).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CertificateLibraryRejected);
      expect((err as Error).name).toBe('CertificateLibraryRejected');
    }
  });
});

describe('expiry', () => {
  it('a date is valid through the end of that day in Asia/Shanghai', () => {
    const l = { validUntil: '2026-11-22' };
    expect(isValidAt(l, new Date('2026-11-22T15:59:59.999Z'))).toBe(true); // 23:59:59.999 in Shanghai
    expect(isValidAt(l, new Date('2026-11-22T16:00:00.000Z'))).toBe(false); // next local midnight
  });

  it('an instant is valid until that instant; no validUntil is valid without limit', () => {
    expect(isValidAt({ validUntil: '2026-11-22T06:00:00Z' }, new Date('2026-11-22T05:59:59Z'))).toBe(true);
    expect(isValidAt({ validUntil: '2026-11-22T06:00:00Z' }, new Date('2026-11-22T06:00:00Z'))).toBe(false);
    expect(isValidAt({}, new Date('2999-01-01T00:00:00Z'))).toBe(true);
  });

  it('the clock is asked at each lookup', async () => {
    let now = new Date('2036-04-11T15:00:00Z'); // 23:00 on the last valid day
    const library = new FileCertificateLibrary(await dataFile({ licences: [licence()] }), { now: () => now });
    expect(await library.licencesOf(RESTAURANT_OWNER)).toHaveLength(1);
    now = new Date('2036-04-11T16:00:00Z');
    expect(await library.licencesOf(RESTAURANT_OWNER)).toEqual([]);
  });
});

describe('FileCertificateLibrary over other files', () => {
  it('orders by type, the most recently issued first, then by number', async () => {
    const file = await dataFile({
      licences: [
        licence({ number: 'old', issuedAt: '2006-01-01', validUntil: '2036-01-01' }),
        licence({ licenceType: 'household-register', number: 'h' }),
        licence({ number: 'new', issuedAt: '2026-01-01T08:00:00+08:00', validUntil: '2046-01-01' }),
      ],
    });
    const licences = await new FileCertificateLibrary(file, { now: clock }).licencesOf(RESTAURANT_OWNER);
    expect(licences.map((l) => `${l.licenceType}:${l.number}`)).toEqual([
      'household-register:h',
      'resident-id-card:new',
      'resident-id-card:old',
    ]);
  });

  it('reports every problem of an invalid file at once, naming the file and each JSON path', async () => {
    const file = await dataFile({
      licences: [
        licence(),
        { ...licence(), holder: { subjectId: '', name: '王小明' }, validUntil: 'next year' },
        { ...licence(), number: 'other', attributes: { name: 42 }, colour: 'red' },
        licence(), // duplicates [0]
      ],
    });
    const err = await new FileCertificateLibrary(file, { now: clock }).licencesOf(RESTAURANT_OWNER).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CertificateDataError);
    expect(err).toBeInstanceOf(CertificateLibraryError);
    expect(err).not.toBeInstanceOf(CertificateLibraryRejected); // fixing the file helps: retryable
    const issues = (err as CertificateDataError).issues;
    expect(issues.every((i) => i.file === file)).toBe(true);
    expect(issues.map((i) => i.path).sort()).toEqual([
      '$.licences[1].holder.subjectId',
      '$.licences[1].validUntil',
      '$.licences[2]', // the unknown property "colour"
      '$.licences[2].attributes.name',
      '$.licences[3].number',
    ]);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toContain('$.licences[1].validUntil');
    expect((err as Error).message).toContain('duplicates $.licences[0]');
  });

  it('names the file when it is missing or not JSON', async () => {
    const missing = join(dir, 'nope.json');
    const err1 = await new FileCertificateLibrary(missing).licencesOf(RESTAURANT_OWNER).catch((e: unknown) => e);
    expect(err1).toBeInstanceOf(CertificateDataError);
    expect((err1 as Error).message).toContain(`${missing} $: no such file`);
    const broken = await dataFile('{ "licences": [');
    const err2 = await new FileCertificateLibrary(broken).licencesOf(RESTAURANT_OWNER).catch((e: unknown) => e);
    expect((err2 as Error).message).toContain(`${broken} $: not valid JSON`);
  });

  it('reads a fixed file again without a restart', async () => {
    const file = await dataFile('not json');
    const library = new FileCertificateLibrary(file, { now: clock });
    await expect(library.licencesOf(RESTAURANT_OWNER)).rejects.toBeInstanceOf(CertificateDataError);
    await writeFile(file, JSON.stringify({ licences: [licence()] }));
    expect(await library.licencesOf(RESTAURANT_OWNER)).toHaveLength(1);
  });
});

describe('HttpCertificateLibrary against a local server', () => {
  type Seen = { method: string; url: string; headers: IncomingMessage['headers'] };
  let server: Server;
  let baseUrl: string;
  let seen: Seen[];
  let handler: (req: Seen, res: ServerResponse) => void;

  const json = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));

  beforeAll(async () => {
    server = createServer((req, res) => {
      const s = { method: req.method!, url: req.url!, headers: req.headers };
      seen.push(s);
      req.resume();
      req.on('end', () => handler(s, res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    seen = [];
  });

  const library = (options: { token?: string; timeoutMs?: number } = {}) =>
    new HttpCertificateLibrary({ baseUrl, timeoutMs: options.timeoutMs ?? 2_000, token: options.token, now: clock });

  it('GETs the subject’s licences with the token, drops expired ones and orders the rest', async () => {
    handler = (_req, res) =>
      json(res, 200, {
        subjectId: RESTAURANT_OWNER,
        licences: [
          { ...licence({ licenceType: 'resident-id-card' }), extra: 'ignored' },
          licence({ licenceType: 'driving-licence', number: 'D1', validUntil: '2020-01-01' }),
          licence({ licenceType: 'household-register', number: 'H1', validUntil: undefined }),
        ],
      });
    const licences = await library({ token: 's3cret' }).licencesOf(RESTAURANT_OWNER);
    expect(licences.map((l) => l.licenceType)).toEqual(['household-register', 'resident-id-card']);
    expect(licences[1]).toEqual(licence());
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('GET');
    expect(seen[0]!.url).toBe(`/api/v1/subjects/${RESTAURANT_OWNER}/licences`);
    expect(seen[0]!.headers.authorization).toBe('Bearer s3cret');
    expect(seen[0]!.headers.accept).toBe('application/json');
  });

  it('percent-encodes the subject id and sends no authorization without a token', async () => {
    handler = (_req, res) => json(res, 200, { subjectId: 'a?b c', licences: [] });
    expect(await library().licencesOf('a?b c')).toEqual([]);
    expect(seen[0]!.url).toBe('/api/v1/subjects/a%3Fb%20c/licences');
    expect(seen[0]!.headers.authorization).toBeUndefined();
  });

  it('an unknown subject is a 200 with no licences: []', async () => {
    handler = (_req, res) => json(res, 200, { subjectId: '110101200001011234', licences: [] });
    expect(await library().licencesOf('110101200001011234')).toEqual([]);
  });

  it('a 404 is CertificateLibraryRejected naming URL and status, not "no licences"', async () => {
    handler = (_req, res) => json(res, 404, { error: 'not found' });
    const err = await library().licencesOf(MOTHER).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CertificateLibraryRejected);
    expect((err as Error).name).toBe('CertificateLibraryRejected');
    expect((err as CertificateLibraryRejected).retryable).toBe(false);
    expect((err as Error).message).toContain(`GET ${baseUrl.replace(/\/$/, '')}/subjects/${MOTHER}/licences answered 404`);
    expect((err as CertificateLibraryRejected).details.status).toBe(404);
  });

  it.each([401, 403, 400, 302])('%i is rejected: retrying cannot help', async (status) => {
    handler = (_req, res) => res.writeHead(status, status === 302 ? { location: 'http://example.com/' } : {}).end();
    const err = await library({ token: 't' }).licencesOf(MOTHER).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CertificateLibraryRejected);
    expect((err as Error).message).toContain(`answered ${status}`);
  });

  it.each([500, 503, 429, 408])('%i is a retryable error naming URL and status', async (status) => {
    handler = (_req, res) => res.writeHead(status).end('busy');
    const err = await library().licencesOf(MOTHER).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CertificateLibraryError);
    expect(err).not.toBeInstanceOf(CertificateLibraryRejected);
    expect((err as CertificateLibraryError).retryable).toBe(true);
    expect((err as Error).message).toMatch(new RegExp(`GET http://127\\.0\\.0\\.1:\\d+/api/v1/subjects/${MOTHER}/licences answered ${status}.*busy`));
  });

  it('a malformed answer is a retryable error naming the JSON path', async () => {
    handler = (_req, res) => json(res, 200, { subjectId: MOTHER, licences: [{ ...licence(), issuedAt: 'yesterday' }] });
    const err = await library().licencesOf(MOTHER).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CertificateLibraryError);
    expect(err).not.toBeInstanceOf(CertificateLibraryRejected);
    expect((err as Error).message).toContain('malformed answer: $.licences[0].issuedAt');

    handler = (_req, res) => json(res, 200, '<html>');
    expect(((await library().licencesOf(MOTHER).catch((e: unknown) => e)) as Error).message).toContain('not JSON');
  });

  it('an answer about another subject, or with another holder’s licence, is malformed', async () => {
    handler = (_req, res) => json(res, 200, { subjectId: FATHER, licences: [] });
    expect(((await library().licencesOf(MOTHER).catch((e: unknown) => e)) as Error).message).toContain(
      `$.subjectId is "${FATHER}", not the subject asked for`,
    );
    handler = (_req, res) => json(res, 200, { subjectId: MOTHER, licences: [licence()] });
    expect(((await library().licencesOf(MOTHER).catch((e: unknown) => e)) as Error).message).toContain(
      `$.licences[0].holder.subjectId is "${RESTAURANT_OWNER}"`,
    );
  });

  it('times out with a retryable error', async () => {
    handler = () => {}; // never answers
    const err = await library({ timeoutMs: 150 }).licencesOf(MOTHER).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CertificateLibraryError);
    expect(err).not.toBeInstanceOf(CertificateLibraryRejected);
    expect((err as Error).message).toMatch(/timed out after 150 ms/);
  });

  it('a closed port is a retryable error naming the URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const err = await new HttpCertificateLibrary({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2_000 })
      .licencesOf(MOTHER)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CertificateLibraryError);
    expect(err).not.toBeInstanceOf(CertificateLibraryRejected);
    expect((err as Error).message).toContain(`GET http://127.0.0.1:${port}/subjects/${MOTHER}/licences failed`);
  });

  it('refuses a bad base URL or timeout at construction', () => {
    expect(() => new HttpCertificateLibrary({ baseUrl: 'not a url', timeoutMs: 1000 })).toThrow(/not a URL/);
    expect(() => new HttpCertificateLibrary({ baseUrl: 'ftp://x', timeoutMs: 1000 })).toThrow(/http\(s\)/);
    expect(() => new HttpCertificateLibrary({ baseUrl: 'http://x', timeoutMs: 0 })).toThrow(/timeout/);
  });
});

describe('certificateLibraryFromEnv', () => {
  it('uses the file library without YJS_CERTIFICATES_URL', async () => {
    const library = certificateLibraryFromEnv({ file: DEFAULT_CERTIFICATES_FILE, now: clock }, {});
    expect(library).toBeInstanceOf(FileCertificateLibrary);
    expect((await library.licencesOf(COMPANY))[0]!.licenceType).toBe('business-licence');
  });

  it('uses the HTTP library with YJS_CERTIFICATES_URL and YJS_CERTIFICATES_TOKEN', async () => {
    let authorization: string | undefined;
    const server = createServer((req, res) => {
      authorization = req.headers.authorization;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ subjectId: COMPANY, licences: [] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const library = certificateLibraryFromEnv({ file: DEFAULT_CERTIFICATES_FILE }, { YJS_CERTIFICATES_URL: url, YJS_CERTIFICATES_TOKEN: 'from-env' });
      expect(library).toBeInstanceOf(HttpCertificateLibrary);
      expect(await library.licencesOf(COMPANY)).toEqual([]);
      expect(authorization).toBe('Bearer from-env');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses a timeout that is not a positive whole number', () => {
    expect(() =>
      certificateLibraryFromEnv({ file: DEFAULT_CERTIFICATES_FILE }, { YJS_CERTIFICATES_URL: 'http://x', YJS_CERTIFICATES_TIMEOUT_MS: 'soon' }),
    ).toThrow(/YJS_CERTIFICATES_TIMEOUT_MS/);
  });
});
