/**
 * Notification delivery on the time-skipping server, through real servers on 127.0.0.1: a commitment
 * broken at its deadline puts the breach notice in the outbox (PGlite), and its delivery workflow
 * sends it — to a real SMTP server (`smtp-server`, the mail parsed with `mailparser`), to an SMS
 * gateway over HTTP, and into the applicant's in-app notices — in Chinese with the case's facts. A
 * gateway that keeps failing is retried and then recorded as failed; retrying the notification
 * sends only what failed, never a second e-mail.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../../activities';
import { PostgresNoticeStore } from '../../../adapters/db/notices';
import { PostgresOutbox } from '../../../adapters/db/outbox';
import { PostgresReadModel } from '../../../adapters/db/read-model';
import type { Database } from '../../../adapters/db/schema';
import { MemoryDocumentStore } from '../../../adapters/documents';
import { MemoryKeyStore } from '../../../adapters/keystore';
import { HttpSmsGateway, MemoryContactBook, notificationId, retryNoticeDelivery, SmtpMailer, type NoticeDispatch } from '../../../adapters/notices';
import { DefinitionRegistry } from '../../../definitions/registry';
import { PROJECT_ROOT } from '../../../runtime/config';
import { createWorker, stopWorker } from '../../../runtime/worker';
import { acceptCase, approveItem, caseWorkflowId, getItem, itemWorkflowId, type CaseInput, type CaseProgress } from '../../../workflows/contract';
import { restaurantApplication } from '../../fixtures/applications';
import { testCreditProvider } from '../../helpers/credit';
import { openTestPglite } from '../../helpers/databases';
import { eventually, workflowBundle } from '../../helpers/stack';
import { createTimeSkippingEnv } from '../../helpers/temporal-env';
import { join } from 'node:path';

const SUBJECT = '420106198511200025'; // ordinary credit, no broken commitment yet
const DEPARTMENTS: Record<string, string> = {
  'business-licence': 'market-regulation',
  'food-permit': 'market-regulation',
  'outdoor-sign': 'urban-management',
  'fire-check': 'fire-rescue',
};
const CONTACTS = {
  [`applicant:${SUBJECT}`]: { phone: '13912345678', email: 'wang.xiaoming@example.com' },
  'department:urban-management': { phone: '02788886666', email: 'approvals@urban-management.example.gov.cn' },
  'department:gov-service': { email: 'window@gov-service.example.gov.cn' },
};

let env: TestWorkflowEnvironment;
let db: Kysely<Database>;
let worker: Worker;
let running: Promise<void>;
let registry: DefinitionRegistry;
let notices: NoticeDispatch;
const taskQueue = `notices-${Math.random().toString(36).slice(2)}`;

/** Mail the SMTP server accepted: the envelope's recipients and the parsed message. */
const mails: Array<{ to: string[]; mail: ParsedMail }> = [];
let smtp: SMTPServer;
/** SMS the gateway was sent, and whether it took them; it refuses the department's number until `gatewayHealed`. */
const sms: Array<{ id: string; to: string; text: string; idempotencyKey: string; status: number }> = [];
let gateway: Server;
let gatewayHealed = false;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), mail });
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  gateway = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const message = JSON.parse(body) as { id: string; to: string; text: string };
      const status = message.to === CONTACTS['department:urban-management'].phone && !gatewayHealed ? 500 : 202;
      sms.push({ ...message, idempotencyKey: String(request.headers['idempotency-key']), status });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));

  [env, db] = await Promise.all([createTimeSkippingEnv(), openTestPglite()]);
  registry = await DefinitionRegistry.open({ bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles') });
  notices = {
    store: new PostgresNoticeStore(db),
    contacts: new MemoryContactBook(CONTACTS),
    senders: [
      new HttpSmsGateway({ url: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms`, token: 'gateway-token' }),
      new SmtpMailer({ url: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`, from: '高效办成一件事 <noreply@example.gov.cn>' }),
    ],
    retry: { initialIntervalMs: 200, maximumIntervalMs: 500, windowMs: 3_000, attemptTimeoutMs: 2_000 },
  };
  worker = await createWorker({
    connection: env.nativeConnection,
    taskQueue,
    activities: createActivities({
      documents: new MemoryDocumentStore(),
      keys: new MemoryKeyStore(),
      credit: testCreditProvider(),
      outbox: new PostgresOutbox(db),
      readModel: new PostgresReadModel(db),
      notices,
    }),
    workflowBundle: await workflowBundle(),
  });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  if (worker) await stopWorker(worker, running);
  for (const sender of notices?.senders ?? []) sender.close?.();
  await env?.teardown();
  await db?.destroy();
  await new Promise((resolve) => smtp?.close(() => resolve(undefined)));
  await new Promise((resolve) => gateway?.close(resolve));
});

/** A restaurant case accepted without the sign design on the applicant's commitment, every item approved. */
async function caseOnCommitment() {
  const caseId = `c${Math.random().toString(36).slice(2, 12)}`;
  const app = restaurantApplication({ sellsTobacco: false, subjectId: SUBJECT });
  const input: CaseInput = {
    caseId,
    plan: registry.get('open-restaurant').plan,
    application: { applicant: app.applicant, form: app.form, materials: app.materials.filter((m) => m.id !== 'sign-design') },
    submittedAt: new Date(await env.currentTimeMs()).toISOString(),
  };
  const handle = await env.client.workflow.start('caseWorkflow', { taskQueue, workflowId: caseWorkflowId(caseId), args: [input] });
  await handle.executeUpdate(acceptCase, { args: [{ actor: { department: 'gov-service' }, tolerateMissing: true }] });
  for (const [itemId, department] of Object.entries(DEPARTMENTS)) {
    const item = env.client.workflow.getHandle(itemWorkflowId(caseId, itemId));
    await eventually(() => item.query(getItem).catch(() => undefined), (v) => Boolean(v?.clock.deadline), `${itemId} to start`);
    await item.executeUpdate(approveItem, { args: [{ actor: { department } }] });
  }
  return { caseId, handle };
}

describe('the breach notice of a broken commitment', () => {
  it('reaches a real SMTP server, the SMS gateway and the applicant in-app, in Chinese with the case facts; a failing gateway ends failed and a retry sends only that', async () => {
    const { caseId, handle } = await caseOnCommitment();
    const final: CaseProgress = await handle.result(); // time skips to the commitment's deadline
    expect(final.status).toBe('terminated');

    // E-mail: the applicant and the two departments with an address, each once.
    const received = await eventually(async () => mails.filter((m) => m.mail.headers.get('x-yijianshi-case') === caseId), (m) => m.length >= 3, 'three e-mails', 60_000);
    expect(received.map((m) => m.to[0]).sort()).toEqual([CONTACTS[`applicant:${SUBJECT}`].email, CONTACTS['department:gov-service'].email, CONTACTS['department:urban-management'].email].sort());
    const toApplicant = received.find((m) => m.to[0] === CONTACTS[`applicant:${SUBJECT}`].email)!.mail;
    expect(toApplicant.subject).toBe('【开办餐饮店一件事】告知承诺未履行，案件终止');
    expect(toApplicant.text).toContain('尊敬的王小明：');
    expect(toApplicant.text).toContain('承诺补齐的材料（sign-design）逾期未提交，案件已终止，据此作出的审批结果已撤销，并已记入信用记录。');
    expect(toApplicant.text).toContain(`办件编号：${caseId}`);
    expect(toApplicant.from?.text).toContain('noreply@example.gov.cn');
    expect(toApplicant.messageId).toMatch(new RegExp(`^<${notificationId(caseId, 'commitment-broken')}\\.email\\.`));

    // SMS: the applicant's went out; the department's number is refused, retried, then failed.
    const applicantSms = await eventually(async () => sms.filter((s) => s.to === CONTACTS[`applicant:${SUBJECT}`].phone), (s) => s.length >= 1, 'the SMS');
    expect(applicantSms).toEqual([expect.objectContaining({ status: 202, text: expect.stringMatching(/^【一件事】尊敬的王小明：告知承诺未履行，案件终止。.*（办件编号 \w+，开办餐饮店一件事）$/) })]);
    expect(applicantSms[0]!.idempotencyKey).toBe(applicantSms[0]!.id);
    const failures = await eventually(() => notices.store.failures(10), (f) => f.some((d) => d.caseId === caseId), 'the failed SMS', 60_000);
    expect(failures.filter((d) => d.caseId === caseId)).toEqual([
      expect.objectContaining({ channel: 'sms', recipient: 'department:urban-management', status: 'failed', lastError: 'SMS gateway answered HTTP 500' }),
    ]);
    const refused = sms.filter((s) => s.to === CONTACTS['department:urban-management'].phone);
    expect(refused.length).toBeGreaterThanOrEqual(2); // retried before giving up
    expect(new Set(refused.map((s) => s.id)).size).toBe(1); // the same delivery id on every attempt

    // In-app: the applicant's notice.
    const inApp = await notices.store.inApp(SUBJECT, 10);
    expect(inApp).toMatchObject({ unread: 1, notices: [{ caseId, subject: { zh: '告知承诺未履行，案件终止' } }] });
    // Not delivered everywhere yet: the outbox entry waits.
    expect(await notices.store.settle(caseId, 'commitment-broken')).toBe(false);

    // The gateway is fixed; an admin retries the notification: the SMS goes, nothing is sent twice.
    gatewayHealed = true;
    const mailsBefore = mails.length;
    const smsToApplicant = applicantSms.length;
    const reset = await notices.store.resetFailed(notificationId(caseId, 'commitment-broken'));
    expect(reset).toEqual({ caseId, key: 'commitment-broken' });
    await retryNoticeDelivery(env.client, taskQueue, { caseId, key: 'commitment-broken', retry: notices.retry });
    await eventually(() => notices.store.settle(caseId, 'commitment-broken'), (done) => done, 'the notification delivered everywhere', 60_000);
    expect(sms.filter((s) => s.to === CONTACTS['department:urban-management'].phone).at(-1)?.status).toBe(202);
    expect(mails.length).toBe(mailsBefore);
    expect(sms.filter((s) => s.to === CONTACTS[`applicant:${SUBJECT}`].phone)).toHaveLength(smsToApplicant);
    expect((await notices.store.inApp(SUBJECT, 10)).notices).toHaveLength(1);
    expect(await notices.store.failures(10)).toEqual([]);
  }, 240_000);
});
