import { Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevServerEnv, createTimeSkippingEnv } from '../../helpers/temporal-env';
import { CardKey, CaseIdKey, DeadlineKey, SEARCH_ATTRIBUTES } from '../../../workflows/search-attributes';

const GRPC_ALREADY_EXISTS = 6;
const KEYWORD = 2;

describe('createTimeSkippingEnv', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    const t0 = Date.now();
    env = await createTimeSkippingEnv();
    console.log(`time-skipping server started in ${Date.now() - t0} ms`);
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('starts a time-skipping server when the test server binary is available', async () => {
    expect(env.supportsTimeSkipping).toBe(true);
    const before = await env.currentTimeMs();
    await env.sleep('30 days');
    expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(30 * 86_400_000);
  });

  it('answers AlreadyExists when a custom search attribute is registered again', async () => {
    const again = env.connection.operatorService.addSearchAttributes({ namespace: 'default', searchAttributes: { CaseId: KEYWORD } });
    await expect(again).rejects.toMatchObject({ code: GRPC_ALREADY_EXISTS });
  });

  it('keeps custom search attribute values when a workflow is started with them', async () => {
    // No worker needed: the server validates and stores the attributes at start.
    const handle = await env.client.workflow.start('noSuchWorkflow', {
      taskQueue: 'temporal-env-test',
      workflowId: `ts-env-${Math.random().toString(36).slice(2)}`,
      typedSearchAttributes: [
        { key: CaseIdKey, value: 'case-1' },
        { key: CardKey, value: 'yellow' },
        { key: DeadlineKey, value: new Date('2030-01-01T00:00:00Z') },
      ],
    });
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(CaseIdKey)).toBe('case-1');
    expect(description.typedSearchAttributes.get(DeadlineKey)?.toISOString()).toBe('2030-01-01T00:00:00.000Z');
    await handle.terminate('test done');
  });
});

describe('createDevServerEnv', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    const t0 = Date.now();
    env = await createDevServerEnv();
    console.log(`dev server (SDK-managed) started in ${Date.now() - t0} ms`);
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('lists every custom search attribute when the dev server is up', async () => {
    const connection = await Connection.connect({ address: env.address });
    try {
      const listing = await connection.operatorService.listSearchAttributes({ namespace: env.namespace ?? 'default' });
      expect(Object.keys(listing.customAttributes ?? {})).toEqual(expect.arrayContaining(Object.keys(SEARCH_ATTRIBUTES)));
    } finally {
      await connection.close();
    }
  });
});
