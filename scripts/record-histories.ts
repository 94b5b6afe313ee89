/**
 * Records workflow histories for the replay test (`test/integration/workflows/replay.test.ts`):
 * real cases run on the time-skipping server and saved to `test/fixtures/histories/`. Re-record only
 * on purpose: a workflow change that cannot replay these needs `patched()`, not new fixtures.
 *
 *   npx tsx scripts/record-histories.ts
 */
import { writeFile } from 'node:fs/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, DefaultLogger } from '@temporalio/worker';
import { createActivities } from '../activities';
import { DEFAULT_CREDIT_SAMPLE_FILE, FileCreditProvider } from '../adapters/credit';
import { MemoryDocumentStore } from '../adapters/documents';
import { MemoryKeyStore } from '../adapters/keystore';
import { DefinitionRegistry } from '../definitions/registry';
import { PROJECT_ROOT } from '../runtime/config';
import { bundleWorkflows, createWorker } from '../runtime/worker';
import { acceptCase, approveItem, caseWorkflowId, getItem, itemWorkflowId, rejectItem, type CaseInput } from '../workflows/messages';
import { createTimeSkippingEnv } from '../test/helpers/temporal-env';
import { enterpriseApplication, restaurantApplication } from '../test/fixtures/applications';

Runtime.install({ logger: new DefaultLogger('WARN') });
const OUT = join(PROJECT_ROOT, 'test', 'fixtures', 'histories');
const registry = await DefinitionRegistry.open({ bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles') });
const taskQueue = 'record';
const workflowBundle = await bundleWorkflows();
let env: TestWorkflowEnvironment;

/** Each scenario on a fresh server, so each starts today (the server may leap ahead once idle). */
async function scenario(run: () => Promise<void>): Promise<void> {
  env = await createTimeSkippingEnv();
  const credit = new FileCreditProvider(DEFAULT_CREDIT_SAMPLE_FILE, mkdtempSync(join(tmpdir(), 'yjs-credit-')));
  const worker = await createWorker({
    connection: env.nativeConnection,
    taskQueue,
    activities: createActivities({ documents: new MemoryDocumentStore(), keys: new MemoryKeyStore(), credit }),
    workflowBundle,
  });
  await worker.runUntil(run);
  await env.teardown();
}

async function waitForItem(caseId: string, itemId: string) {
  const handle = env.client.workflow.getHandle(itemWorkflowId(caseId, itemId));
  for (let i = 0; i < 200; i++) {
    const view = await handle.query(getItem).catch(() => undefined);
    if (view?.clock.deadline) return handle;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${itemId} did not start`);
}

async function save(name: string, workflowIds: string[]) {
  for (const [i, id] of workflowIds.entries()) {
    const history = await env.client.workflow.getHandle(id).fetchHistory();
    const file = join(OUT, `${name}${i === 0 ? '' : `.${id.split('-item-')[1]}`}.json`);
    // Canonical proto3 JSON, as `temporal workflow show --output json` writes it.
    await writeFile(file, `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 1)}\n`);
    console.log('wrote', file);
  }
}

async function start(caseId: string, bundleId: string, application: ReturnType<typeof restaurantApplication> | ReturnType<typeof enterpriseApplication>, without: string[] = []) {
  const input: CaseInput = {
    caseId,
    plan: registry.get(bundleId).plan,
    application: { applicant: application.applicant, form: application.form, materials: application.materials.filter((m) => !without.includes(m.id)) },
    submittedAt: new Date(await env.currentTimeMs()).toISOString(),
  };
  return env.client.workflow.start('caseWorkflow', { taskQueue, workflowId: caseWorkflowId(caseId), args: [input] });
}

await scenario(async () => {
  // 1. A restaurant accepted on a commitment that is never kept; the licence defaults; the rest approved.
  const restaurant = await start('replay-restaurant', 'open-restaurant', restaurantApplication({ sellsTobacco: true }), ['sign-design']);
  await restaurant.executeUpdate(acceptCase, { args: [{ actor: { department: 'gov-service' }, tolerateMissing: true }] });
  await waitForItem('replay-restaurant', 'business-licence');
  await env.sleep('5 days'); // the licence defaults at its deadline
  for (const [itemId, department] of [['food-permit', 'market-regulation'], ['fire-check', 'fire-rescue'], ['outdoor-sign', 'urban-management'], ['tobacco-permit', 'tobacco']]) {
    await (await waitForItem('replay-restaurant', itemId!)).executeUpdate(approveItem, { args: [{ actor: { department: department! } }] });
  }
  await restaurant.result(); // the commitment is broken at its deadline: terminated, sign revoked
  await save('restaurant-commitment-broken', [caseWorkflowId('replay-restaurant'), itemWorkflowId('replay-restaurant', 'business-licence')]);
});

await scenario(async () => {
  // 2. A business start-up: escalation, defaults, then a rejection that cancels the rest.
  const startup = await start('replay-startup', 'enterprise-startup', enterpriseApplication());
  await startup.executeUpdate(acceptCase, { args: [{ actor: { department: 'gov-service' } }] });
  await (await waitForItem('replay-startup', 'business-registration')).executeUpdate(approveItem, { args: [{ actor: { department: 'market-regulation' } }] });
  await waitForItem('replay-startup', 'bank-account');
  await env.sleep('3 days'); // the bank escalates, tax/insurance/fund default, the seal is overdue
  await (await waitForItem('replay-startup', 'seal-engraving')).executeUpdate(rejectItem, { args: [{ actor: { department: 'public-security' }, reason: '法定代表人身份核验未通过' }] });
  await startup.result();
  await save('startup-escalated-rejected', [caseWorkflowId('replay-startup'), itemWorkflowId('replay-startup', 'bank-account')]);
});
