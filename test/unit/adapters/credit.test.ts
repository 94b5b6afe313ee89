import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BAD_CREDIT_REASON,
  CreditDataError,
  CreditProviderError,
  CreditProviderRejected,
  DEFAULT_CREDIT_SAMPLE_FILE,
  FileCreditProvider,
  HttpCreditProvider,
  creditProviderFromEnv,
  toleranceDecision,
  type BrokenCommitmentRecord,
  type CreditStanding,
} from '../../../adapters/credit';

const GOOD_COMPANY = '91420100MA4K0000X1';
const GOOD_PERSON = '420104199003071234';
const BAD_COMPANY = '91420100MA4KBAD001';
const ORDINARY_PERSON = '420106198511200025';

function broken(overrides: Partial<BrokenCommitmentRecord> = {}): BrokenCommitmentRecord {
  return {
    subjectId: GOOD_PERSON,
    caseId: 'case-2025-0001',
    bundleId: 'restaurant-opening',
    materials: ['sign-design'],
    deadline: '2025-03-05T15:59:59.999Z',
    brokenAt: '2025-03-05T16:00:00.000Z', // 2025-03-06 00:00 in Shanghai
    ...overrides,
  };
}

function standing(overrides: Partial<CreditStanding> = {}): CreditStanding {
  return { subjectId: GOOD_PERSON, rating: 'good', brokenCommitments: [], source: 'test', checkedAt: '2025-03-01T00:00:00.000Z', ...overrides };
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yjs-credit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('toleranceDecision', () => {
  it.each([
    ['good, no broken commitment', standing({ rating: 'good' }), true],
    ['ordinary, no broken commitment', standing({ rating: 'ordinary' }), true],
    ['bad, no broken commitment', standing({ rating: 'bad' }), false],
    ['good with a broken commitment', standing({ rating: 'good', brokenCommitments: [broken()] }), false],
    ['ordinary with a broken commitment', standing({ rating: 'ordinary', brokenCommitments: [broken()] }), false],
    ['bad with a broken commitment', standing({ rating: 'bad', brokenCommitments: [broken()] }), false],
  ] as const)('%s → eligible %s', (_name, s, eligible) => {
    expect(toleranceDecision(s).eligible).toBe(eligible);
  });

  it('refuses bad credit until credit repair', () => {
    expect(toleranceDecision(standing({ rating: 'bad' }))).toEqual({ eligible: false, reason: BAD_CREDIT_REASON });
    expect(BAD_CREDIT_REASON).toBe('信用等级为差 / bad credit rating: no tolerance until credit repair');
  });

  it('names the case and the (Shanghai) date of each earlier broken commitment, oldest first', () => {
    const decision = toleranceDecision(
      standing({
        brokenCommitments: [
          broken({ caseId: 'case-b', brokenAt: '2025-06-10T02:00:00Z' }),
          broken({ caseId: 'case-a' }),
        ],
      }),
    );
    expect(decision.eligible).toBe(false);
    if (decision.eligible) return;
    expect(decision.reason).toContain('case-a (2025-03-06)');
    expect(decision.reason).toContain('case-b (2025-06-10)');
    expect(decision.reason.indexOf('case-a')).toBeLessThan(decision.reason.indexOf('case-b'));
  });

  it('is pure: it neither reads the clock nor changes its input', () => {
    const s = standing({ brokenCommitments: [broken({ caseId: 'z' }), broken({ caseId: 'a', brokenAt: '2024-01-01T00:00:00Z' })] });
    const copy = structuredClone(s);
    expect(toleranceDecision(s)).toEqual(toleranceDecision(copy));
    expect(s).toEqual(copy);
  });
});

describe('FileCreditProvider', () => {
  const open = () => new FileCreditProvider(DEFAULT_CREDIT_SAMPLE_FILE, join(dir, 'records'));

  it('rates the sample subjects from the repository file', async () => {
    const provider = open();
    expect((await provider.standing(GOOD_COMPANY)).rating).toBe('good');
    expect((await provider.standing(GOOD_PERSON)).rating).toBe('good');
    expect((await provider.standing(BAD_COMPANY)).rating).toBe('bad');
    expect((await provider.standing(ORDINARY_PERSON)).rating).toBe('ordinary');
    const s = await provider.standing(GOOD_COMPANY);
    expect(s).toMatchObject({ subjectId: GOOD_COMPANY, brokenCommitments: [], source: `file:${DEFAULT_CREDIT_SAMPLE_FILE}` });
    expect(Date.parse(s.checkedAt)).not.toBeNaN();
    expect(toleranceDecision(s)).toEqual({ eligible: true });
  });

  it('keeps the fixture applicants good', async () => {
    const sample = JSON.parse(await readFile(DEFAULT_CREDIT_SAMPLE_FILE, 'utf8')) as { subjects: Array<{ subjectId: string; rating: string }> };
    const rating = (id: string) => sample.subjects.find((s) => s.subjectId === id)?.rating;
    expect(rating(GOOD_COMPANY)).toBe('good');
    expect(rating(GOOD_PERSON)).toBe('good');
  });

  it('rates an unknown subject ordinary, and says so in the source', async () => {
    const s = await open().standing('91110000000000000X');
    expect(s.rating).toBe('ordinary');
    expect(s.source).toContain('no record');
    expect(toleranceDecision(s)).toEqual({ eligible: true });
  });

  it('refuses tolerance to bad credit', async () => {
    expect(toleranceDecision(await open().standing(BAD_COMPANY))).toEqual({ eligible: false, reason: BAD_CREDIT_REASON });
  });

  it('reads a broken commitment back, and then refuses tolerance naming the case', async () => {
    const provider = open();
    await provider.recordBrokenCommitment(broken({ subjectId: GOOD_COMPANY, caseId: 'case-42' }));
    const s = await provider.standing(GOOD_COMPANY);
    expect(s.rating).toBe('good');
    expect(s.brokenCommitments).toEqual([broken({ subjectId: GOOD_COMPANY, caseId: 'case-42' })]);
    const decision = toleranceDecision(s);
    expect(decision.eligible).toBe(false);
    expect(!decision.eligible && decision.reason).toContain('case-42 (2025-03-06)');
    // Other subjects are untouched.
    expect((await provider.standing(GOOD_PERSON)).brokenCommitments).toEqual([]);
  });

  it('records once per (subject, case): the first record stands, whatever the retries', async () => {
    const provider = open();
    await provider.recordBrokenCommitment(broken());
    await provider.recordBrokenCommitment(broken({ brokenAt: '2025-03-07T00:00:00.000Z' }));
    expect((await provider.standing(GOOD_PERSON)).brokenCommitments).toEqual([broken()]);
    expect(await listFiles(join(dir, 'records'))).toHaveLength(1);
  });

  it('records once when ten activities race, also across provider instances', async () => {
    const shared = open();
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? shared : open()).recordBrokenCommitment(broken({ materials: [`m${i}`] }))));
    const { brokenCommitments } = await open().standing(GOOD_PERSON);
    expect(brokenCommitments).toHaveLength(1);
    expect(await listFiles(join(dir, 'records'))).toHaveLength(1); // no temp files left behind
  });

  it('keeps a record per case, oldest first', async () => {
    const provider = open();
    await provider.recordBrokenCommitment(broken({ caseId: 'later', brokenAt: '2025-09-01T00:00:00Z' }));
    await provider.recordBrokenCommitment(broken({ caseId: 'earlier', brokenAt: '2025-01-01T00:00:00Z' }));
    expect((await provider.standing(GOOD_PERSON)).brokenCommitments.map((r) => r.caseId)).toEqual(['earlier', 'later']);
  });

  it('refuses subject and case ids with path separators, dot segments, control characters or lone surrogates, and writes nothing', async () => {
    const provider = new FileCreditProvider(DEFAULT_CREDIT_SAMPLE_FILE, join(dir, 'nested', 'records'));
    const evil = ['../../escape', '../escape', 'a/../../b', '/etc/passwd', '..\\..\\win', '.', '..', 'a\u0000b', 'a\u001fb', '\ud800', 'x\udfffy'];
    for (const id of evil) {
      await expect(provider.recordBrokenCommitment(broken({ subjectId: id }))).rejects.toBeInstanceOf(CreditProviderRejected);
      await expect(provider.recordBrokenCommitment(broken({ caseId: id }))).rejects.toBeInstanceOf(CreditProviderRejected);
      await expect(provider.standing(id)).rejects.toBeInstanceOf(CreditProviderRejected);
    }
    expect(await listFiles(dir)).toEqual([]);
  });

  it('keeps ids that file names cannot spell inside the records directory, apart from each other', async () => {
    const records = join(dir, 'nested', 'records');
    const provider = new FileCreditProvider(DEFAULT_CREDIT_SAMPLE_FILE, records);
    const odd = ['a b', 'a_b', 'a.b', '_._escape', '...', '中文', '中国'];
    for (const subjectId of odd) await provider.recordBrokenCommitment(broken({ subjectId, caseId: 'case 1' }));
    // Nothing outside the records directory, one file per subject inside it.
    expect(await listFiles(dir)).toEqual((await listFiles(records)).map((f) => join('nested', 'records', f)));
    expect(await listFiles(records)).toHaveLength(odd.length);
    for (const subjectId of odd) {
      const { brokenCommitments } = await provider.standing(subjectId);
      expect(brokenCommitments).toEqual([broken({ subjectId, caseId: 'case 1' })]);
    }
  });

  it('refuses an invalid record as non-retryable', async () => {
    const provider = open();
    const err = await provider.recordBrokenCommitment(broken({ materials: [], brokenAt: 'yesterday' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CreditProviderRejected);
    expect((err as Error).name).toBe('CreditProviderRejected');
    expect((err as Error).message).toContain('$.materials');
    expect((err as Error).message).toContain('$.brokenAt');
    await expect(provider.standing('')).rejects.toMatchObject({ name: 'CreditProviderRejected' });
    await expect(provider.standing('..')).rejects.toMatchObject({ name: 'CreditProviderRejected' });
  });

  it('reports an invalid sample file with its path and JSON path', async () => {
    const file = join(dir, 'subjects.json');
    await writeFile(
      file,
      JSON.stringify({
        subjects: [
          { subjectId: 'A1', name: '甲', rating: 'good', note: '' },
          { subjectId: 'A2', name: '乙', rating: 'excellent', note: '' },
          { subjectId: 'A1', name: '丙', rating: 'bad', note: '' },
        ],
      }),
    );
    const err = await new FileCreditProvider(file, join(dir, 'records')).standing('A1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CreditDataError);
    const message = (err as Error).message;
    expect(message).toContain(`${file} $.subjects[1].rating`);
    expect(message).toContain(`${file} $.subjects[2].subjectId: duplicates $.subjects[0]`);
    expect((err as CreditDataError).retryable).toBe(true); // a fixed file is read on the next attempt
  });

  it('reports a sample file that is not JSON or not there, and reads a fixed file on the next call', async () => {
    const file = join(dir, 'subjects.json');
    const provider = new FileCreditProvider(file, join(dir, 'records'));
    await expect(provider.standing('A1')).rejects.toThrow(`${file} $: no such file`);
    await writeFile(file, '{ "subjects": [ ');
    await expect(provider.standing('A1')).rejects.toThrow(`${file} $: not valid JSON`);
    await writeFile(file, JSON.stringify({ subjects: [{ subjectId: 'A1', name: '甲', rating: 'bad', note: '' }] }));
    expect((await provider.standing('A1')).rating).toBe('bad');
  });

  it('fails on a corrupt stored record rather than forgetting it', async () => {
    const provider = open();
    await provider.recordBrokenCommitment(broken());
    const [file] = await listFiles(join(dir, 'records'));
    await writeFile(join(dir, 'records', file!), '{ "subjectId": ');
    await expect(provider.standing(GOOD_PERSON)).rejects.toThrow(/Invalid credit data:[\s\S]*not valid JSON/);
  });
});

describe('HttpCreditProvider', () => {
  interface Seen {
    method: string;
    url: string;
    headers: IncomingMessage['headers'];
    body: string;
  }
  let server: Server;
  let baseUrl: string;
  let seen: Seen[];
  let handler: (req: Seen, res: ServerResponse) => void;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        const s = { method: req.method!, url: req.url!, headers: req.headers, body };
        seen.push(s);
        handler(s, res);
      });
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
    handler = (_req, res) => res.writeHead(500).end();
  });
  afterEach(() => server.closeAllConnections());

  const json = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
  const open = (extra: { token?: string; timeoutMs?: number } = {}) => new HttpCreditProvider({ baseUrl, timeoutMs: 2_000, ...extra });

  it('gets the standing, with the bearer token, and parses it', async () => {
    handler = (_req, res) =>
      json(res, 200, { subjectId: BAD_COMPANY, rating: 'bad', brokenCommitments: [broken({ subjectId: BAD_COMPANY })], source: '湖北省公共信用信息平台', checkedAt: '2025-03-01T08:00:00+08:00' });
    const s = await open({ token: 's3cret' }).standing(BAD_COMPANY);
    expect(s).toEqual({
      subjectId: BAD_COMPANY,
      rating: 'bad',
      brokenCommitments: [broken({ subjectId: BAD_COMPANY })],
      source: '湖北省公共信用信息平台',
      checkedAt: '2025-03-01T08:00:00+08:00',
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'GET', url: `/api/v1/subjects/${BAD_COMPANY}/standing` });
    expect(seen[0]!.headers.authorization).toBe('Bearer s3cret');
    expect(toleranceDecision(s).eligible).toBe(false);
  });

  it('fills in what the platform leaves out, and sends no token when it has none', async () => {
    handler = (_req, res) => json(res, 200, { subjectId: GOOD_PERSON, rating: 'good' });
    const s = await open().standing(GOOD_PERSON);
    expect(s).toMatchObject({ subjectId: GOOD_PERSON, rating: 'good', brokenCommitments: [], source: baseUrl.replace(/\/$/, '') });
    expect(Date.parse(s.checkedAt)).not.toBeNaN();
    expect(seen[0]!.headers.authorization).toBeUndefined();
  });

  it('percent-encodes the subject id into one path segment', async () => {
    handler = (req, res) => json(res, 200, { subjectId: '..a b?中', rating: 'ordinary' });
    await open().standing('..a b?中');
    expect(seen[0]!.url).toBe(`/api/v1/subjects/${encodeURIComponent('..a b?中')}/standing`);
  });

  it('sends nothing for an id with a path separator or a lone surrogate', async () => {
    for (const id of ['../a', 'a\\b', '\ud800']) await expect(open().standing(id)).rejects.toBeInstanceOf(CreditProviderRejected);
    await expect(open().recordBrokenCommitment(broken({ caseId: 'case/7' }))).rejects.toBeInstanceOf(CreditProviderRejected);
    expect(seen).toHaveLength(0);
  });

  it('puts the broken commitment at its own path, with the record as the body', async () => {
    handler = (_req, res) => res.writeHead(204).end();
    const record = broken({ subjectId: GOOD_COMPANY, caseId: 'case?7' });
    await open({ token: 't' }).recordBrokenCommitment(record);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'PUT', url: `/api/v1/subjects/${GOOD_COMPANY}/broken-commitments/case%3F7` });
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(seen[0]!.headers.authorization).toBe('Bearer t');
    expect(JSON.parse(seen[0]!.body)).toEqual(record);
  });

  it('refuses an invalid record before sending it', async () => {
    await expect(open().recordBrokenCommitment(broken({ caseId: '' }))).rejects.toMatchObject({ name: 'CreditProviderRejected' });
    expect(seen).toHaveLength(0);
  });

  it('throws a retryable error naming the URL and status on a 5xx', async () => {
    handler = (_req, res) => json(res, 503, { error: 'maintenance' });
    const err = await open().standing(GOOD_PERSON).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CreditProviderError);
    expect(err).not.toBeInstanceOf(CreditProviderRejected);
    expect((err as CreditProviderError).retryable).toBe(true);
    expect((err as Error).message).toContain(`GET ${baseUrl}subjects/${GOOD_PERSON}/standing answered 503`);
    expect((err as Error).message).toContain('503');
    expect((err as CreditProviderError).details.status).toBe(503);
  });

  it.each([400, 401, 403, 404, 409, 422])('throws CreditProviderRejected on a %i', async (status) => {
    handler = (_req, res) => json(res, status, { error: 'no' });
    const err = await open().recordBrokenCommitment(broken()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CreditProviderRejected);
    expect((err as Error).name).toBe('CreditProviderRejected');
    expect((err as CreditProviderError).retryable).toBe(false);
    expect((err as Error).message).toContain(`PUT ${baseUrl.replace(/\/$/, '')}/subjects/${GOOD_PERSON}/broken-commitments/case-2025-0001 answered ${status}`);
  });

  it.each([408, 429])('treats %i (try again later) as retryable', async (status) => {
    handler = (_req, res) => json(res, status, {});
    const err = await open().standing(GOOD_PERSON).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CreditProviderError);
    expect((err as Error).name).toBe('CreditProviderError');
  });

  it('does not follow a redirect (the token stays with the platform)', async () => {
    handler = (_req, res) => res.writeHead(302, { location: 'http://example.invalid/steal' }).end();
    const err = await open({ token: 't' }).standing(GOOD_PERSON).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CreditProviderRejected);
    expect((err as Error).message).toContain('302');
    expect(seen).toHaveLength(1);
  });

  it('times out a platform that does not answer, within its bound', async () => {
    handler = () => {}; // never answers
    const started = Date.now();
    const err = await open({ timeoutMs: 200 }).standing(GOOD_PERSON).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(err).toBeInstanceOf(CreditProviderError);
    expect((err as CreditProviderError).retryable).toBe(true);
    expect((err as Error).message).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/subjects\/420104199003071234\/standing timed out after 200 ms/);
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('times out a body that never ends', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"subjectId":');
    };
    await expect(open({ timeoutMs: 200 }).standing(GOOD_PERSON)).rejects.toThrow(/timed out after 200 ms/);
  });

  it('reports a platform that is not there as retryable, naming the URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const err = await new HttpCreditProvider({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2_000 }).standing(GOOD_PERSON).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CreditProviderError);
    expect(err).not.toBeInstanceOf(CreditProviderRejected);
    expect((err as Error).message).toContain(`GET http://127.0.0.1:${port}/subjects/${GOOD_PERSON}/standing failed`);
  });

  it('reports malformed JSON clearly', async () => {
    handler = (_req, res) => json(res, 200, '<html>gateway</html>');
    const err = await open().standing(GOOD_PERSON).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CreditProviderError);
    expect((err as Error).message).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/subjects\/420104199003071234\/standing: malformed answer, not JSON/);
  });

  it('reports an answer of the wrong shape with its JSON path', async () => {
    handler = (_req, res) => json(res, 200, { subjectId: GOOD_PERSON, rating: 'A', brokenCommitments: [{ caseId: 1 }] });
    const err = await open().standing(GOOD_PERSON).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CreditProviderError);
    expect((err as Error).message).toContain('malformed answer');
    expect((err as Error).message).toContain('$.rating');
    expect((err as Error).message).toContain('$.brokenCommitments[0].caseId');
  });

  it("refuses another subject's standing", async () => {
    handler = (_req, res) => json(res, 200, { subjectId: GOOD_COMPANY, rating: 'good' });
    await expect(open().standing(BAD_COMPANY)).rejects.toThrow(/\$\.subjectId is "91420100MA4K0000X1", not the subject asked for/);
  });

  it('refuses a base URL or timeout that cannot work', () => {
    expect(() => new HttpCreditProvider({ baseUrl: 'credit.example', timeoutMs: 1000 })).toThrow(/not a URL/);
    expect(() => new HttpCreditProvider({ baseUrl: 'ftp://credit.example', timeoutMs: 1000 })).toThrow(/http\(s\)/);
    expect(() => new HttpCreditProvider({ baseUrl: 'https://credit.example', timeoutMs: 0 })).toThrow(/timeout/);
  });
});

describe('creditProviderFromEnv', () => {
  const defaults = () => ({ sampleFile: DEFAULT_CREDIT_SAMPLE_FILE, recordsDir: join(dir, 'records') });

  it('uses the file provider without YJS_CREDIT_URL', () => {
    const provider = creditProviderFromEnv(defaults(), {});
    expect(provider).toBeInstanceOf(FileCreditProvider);
    expect(provider).toMatchObject({ sampleFile: DEFAULT_CREDIT_SAMPLE_FILE, recordsDir: join(dir, 'records') });
    expect(creditProviderFromEnv(defaults(), { YJS_CREDIT_URL: '  ' })).toBeInstanceOf(FileCreditProvider);
  });

  it('uses the platform with YJS_CREDIT_URL, its token and timeout', () => {
    const provider = creditProviderFromEnv(defaults(), {
      YJS_CREDIT_URL: 'https://credit.example.gov.cn/api/',
      YJS_CREDIT_TOKEN: 'tok',
      YJS_CREDIT_TIMEOUT_MS: '1500',
    });
    expect(provider).toBeInstanceOf(HttpCreditProvider);
    expect(provider).toMatchObject({ baseUrl: 'https://credit.example.gov.cn/api', timeoutMs: 1500 });
    expect(creditProviderFromEnv(defaults(), { YJS_CREDIT_URL: 'https://c.example' })).toMatchObject({ timeoutMs: 5000 });
  });

  it('sends YJS_CREDIT_TOKEN to the platform', async () => {
    let authorization: string | undefined;
    const server = createServer((req, res) => {
      authorization = req.headers.authorization;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ subjectId: GOOD_PERSON, rating: 'good' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const provider = creditProviderFromEnv(defaults(), { YJS_CREDIT_URL: url, YJS_CREDIT_TOKEN: 'from-env' });
      expect((await provider.standing(GOOD_PERSON)).rating).toBe('good');
      expect(authorization).toBe('Bearer from-env');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses a timeout that is not a positive whole number', () => {
    expect(() => creditProviderFromEnv(defaults(), { YJS_CREDIT_URL: 'https://c.example', YJS_CREDIT_TIMEOUT_MS: 'soon' })).toThrow(/YJS_CREDIT_TIMEOUT_MS/);
  });
});
