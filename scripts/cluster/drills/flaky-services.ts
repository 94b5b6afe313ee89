/**
 * Drill `flaky-services`: the outside services fail transiently (outside-services.ts: the first
 * attempts at each thing get a 503, a 500, a 429 or a cut connection): the electronic-licence library
 * the API asks when a case starts, the credit platform a window's 容缺受理 asks and a broken
 * commitment is recorded at, the SMS gateway the applicant is told through, and the integrator's
 * webhook receiver. Every case is accepted with a tolerable material missing on the applicant's
 * commitment; half supply it and are approved to completion, the other half let the commitment
 * break (the test clock makes its 3 working days {@link DAY_SECONDS} s each), which revokes the
 * licence, records the broken commitment with the credit platform and sends the applicant an SMS.
 * Verdict: every case ends as it should (completed, or terminated on its broken commitment), each
 * broken commitment recorded once, each SMS and each webhook message accepted once (nothing sent
 * twice) and every case's events delivered, and no node answered a 500.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WebhookEventType } from '../../../domain/webhooks';
import { TEST_CLOCK_CONSENT } from '../../../runtime/test-clock';
import { verifyCases } from './checks';
import { AFTER_LICENCE, DrillClient, pool, restaurantApplication, serverErrors, sleep } from './client';
import type { Drill } from './drill';
import { startOutsideServices, type OutsideServices } from './outside-services';

const DAY_SECONDS = 15;
let services: OutsideServices | undefined;
/**
 * Every event these cases make, named here rather than taken from domain/webhooks.ts: the drill runs
 * from the working tree, the app from a snapshot of HEAD, and a type added in the working tree only
 * would be refused by the app.
 */
const EVENT_TYPES: WebhookEventType[] = ['case.accepted', 'item.step_completed', 'item.decided', 'commitment.fulfilled', 'commitment.broken', 'case.completed'];

export const flakyServices: Drill = {
  title: 'transiently failing credit platform, licence library, SMS gateway and webhook receiver',
  defaultCases: 8,
  appEnv: {
    YJS_TEST_CLOCK_DAY_SECONDS: String(DAY_SECONDS),
    YJS_TEST_CLOCK: TEST_CLOCK_CONSENT,
    YJS_WEBHOOK_RETRY_INITIAL_SECONDS: '1',
    YJS_WEBHOOK_RETRY_MAX_SECONDS: '5',
    YJS_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
  },
  async before() {
    services = await startOutsideServices();
    return {
      YJS_CREDIT_URL: `${services.url}/credit`,
      YJS_CERTIFICATES_URL: `${services.url}/licences`,
      YJS_SMS_GATEWAY_URL: `${services.url}/sms`,
    };
  },
  async after() {
    await services?.close();
  },
  async run({ cluster, cases, log, run }) {
    const outside = services!;
    const client = new DrillClient(cluster, run);
    await client.mintKeys();
    const subscribed = await client.send(client.token('integrator'), 'POST', '/webhooks/subscriptions', {
      json: { url: `${outside.url}/webhook`, eventTypes: EVENT_TYPES, description: 'drill receiver' },
    });
    if (subscribed.status !== 201) throw new Error(`webhook subscription: ${subscribed.status} ${JSON.stringify(subscribed.body)}`);

    const problems: string[] = [];
    const keeps = (i: number) => i % 2 === 0;
    const outcomes = await pool([...Array(cases).keys()], 4, async (i) => {
      // Without the premises proof: tolerable, on the applicant's commitment to bring it within 3 days.
      const application = restaurantApplication('open-restaurant', i);
      const body = { ...application, materials: application.materials.filter((m) => m.id !== 'premises-proof') };
      // The licence library fails under the start: the same key again until a node answers for it.
      const started = await client.send(client.token('integrator'), 'POST', '/cases', { json: body, key: `${run}-case-${i}`, node: i % 2, retryOn: [500, 502, 503, 504] });
      if (started.status !== 201 && started.status !== 200) throw new Error(`case ${i}: ${started.status} ${JSON.stringify(started.body)}`);
      const caseId = started.body.caseId as string;
      const accepted = await client.send(client.token('window:gov-service'), 'POST', `/cases/${caseId}/accept`, {
        json: { tolerateMissing: true },
        key: `${run}-accept-${caseId}`,
        node: i % 2,
      });
      if (accepted.status !== 200) throw new Error(`${caseId}: accept answered ${accepted.status} ${JSON.stringify(accepted.body)}`);
      await client.approve(caseId, 'business-licence', i % 2);
      if (keeps(i)) {
        const supplied = await client.send(client.token('integrator'), 'POST', `/cases/${caseId}/commitment/materials`, {
          json: { materials: [{ id: 'premises-proof' }] },
          key: `${run}-supply-${caseId}`,
          node: (i + 1) % 2,
        });
        if (supplied.status !== 200) throw new Error(`${caseId}: supplying the promised material answered ${supplied.status} ${JSON.stringify(supplied.body)}`);
        await Promise.all(AFTER_LICENCE.map((item, j) => client.approve(caseId, item, (i + j) % 2)));
        const progress = await client.untilCompleted(caseId);
        log(`case ${i + 1}/${cases} completed (${caseId})`);
        return { caseId, progress, kept: true };
      }
      const progress = await client.until(caseId, (p) => ['terminated', 'revoked'].includes(p.status), 'ended on its broken commitment', 300_000);
      log(`case ${i + 1}/${cases} ${progress.status} on its broken commitment (${caseId})`);
      return { caseId, progress, kept: false };
    });

    // A broken commitment is told to the applicant, the window and the departments whose results it
    // revokes (the licence's): by SMS to those of them the sample contacts give a phone number.
    // The sample contacts the app runs with (its snapshot's), not the working tree's.
    const contacts = JSON.parse(await readFile(join(cluster.appRoot, 'adapters', 'data', 'contacts.json'), 'utf8')).contacts as Record<string, { phone?: string }>;
    const told = ['applicant:420104199003071234', 'department:gov-service', 'department:market-regulation'];
    const smsPerBroken = told.filter((recipient) => contacts[recipient]?.phone).length;
    const kept = outcomes.filter((o) => o.kept);
    const broken = outcomes.filter((o) => !o.kept);
    const verification = await verifyCases(cluster, kept);
    // verifyCases counts every case workflow of the cluster: the broken ones are in it too.
    problems.push(...verification.problems.filter((p) => !/case workflows for|item workflows for/.test(p)));
    if (verification.counts.caseWorkflows !== cases) problems.push(`${verification.counts.caseWorkflows} case workflows for ${cases} case keys`);

    // What follows a case's last step comes after it, retried with backoff (an SMS's third attempt 30 s
    // after its first): wait for all of it, up to three minutes.
    const lastEvent = (o: (typeof outcomes)[number]) => (o.kept ? 'case.completed' : 'commitment.broken');
    const missing = () => outcomes.filter((o) => ![...outside.accepted.webhooks.values()].some((w) => w.caseId === o.caseId && w.type === lastEvent(o)));
    const settled = () => missing().length === 0 && outside.accepted.sms.size >= broken.length * smsPerBroken && broken.every((b) => outside.accepted.brokenCommitments.has(b.caseId));
    const waitStarted = Date.now();
    while (!settled() && Date.now() - waitStarted < 180_000) await sleep(1_000);
    const settledMs = Date.now() - waitStarted;
    log(`outside services ${settled() ? 'settled' : 'not settled'} ${(settledMs / 1000).toFixed(1)} s after the last case ended`);

    // Broken commitments: one record each at the credit platform, one SMS each to the applicant.
    for (const { caseId } of broken) {
      const records = outside.accepted.brokenCommitments.get(caseId) ?? 0;
      if (records !== 1) problems.push(`${caseId}: the credit platform accepted ${records} broken-commitment records, not 1`);
    }
    for (const [id, sms] of outside.accepted.sms) if (sms.count !== 1) problems.push(`SMS ${id} accepted ${sms.count} times`);
    if (outside.accepted.sms.size !== broken.length * smsPerBroken) problems.push(`${outside.accepted.sms.size} SMS accepted for ${broken.length} broken commitments told to ${smsPerBroken} phones each`);

    // Webhooks: every message acknowledged once; every case's last event delivered.
    for (const o of missing()) problems.push(`${o.caseId}: no ${lastEvent(o)} webhook acknowledged within 3 minutes`);
    for (const [id, message] of outside.accepted.webhooks) if (message.count !== 1) problems.push(`webhook message ${id} (${message.type}) acknowledged ${message.count} times`);
    const errors = serverErrors(client.tally);
    if (errors) problems.push(errors);

    return {
      problems,
      numbers: {
        daySeconds: DAY_SECONDS,
        kept: kept.length,
        broken: broken.length,
        brokenStatuses: broken.map((b) => b.progress.status),
        failuresServed: outside.accepted.failures,
        licenceLookupsAnswered: outside.accepted.licenceLookups,
        standingsAnswered: outside.accepted.standings,
        smsAccepted: outside.accepted.sms.size,
        smsExpected: broken.length * smsPerBroken,
        webhookMessagesAcknowledged: outside.accepted.webhooks.size,
        settledAfterLastCaseMs: settledMs,
        fiveHundredsByRoute: client.tally.fiveHundredsByRoute,
        statuses: client.tally.statuses,
        retriedRequests: client.tally.retries,
        ...verification.counts,
      },
    };
  },
};
