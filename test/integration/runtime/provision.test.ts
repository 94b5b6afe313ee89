import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionTemporal, TemporalProvisionError, type ProvisionedTemporal } from '../../../runtime/temporal';
import { CaseIdKey, DeadlineKey, SEARCH_ATTRIBUTES } from '../../../workflows/search-attributes';

/** A port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Custom search attribute name → IndexedValueType number, as the server lists them. */
async function customAttributes(address: string): Promise<Record<string, number>> {
  const connection = await Connection.connect({ address });
  try {
    const listing = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    return { ...(listing.customAttributes ?? {}) } as Record<string, number>;
  } finally {
    await connection.close();
  }
}

const quiet = (): void => undefined;
// No CLI install and no SDK download here: this test is about the CLI path (ensure-temporal runs first).
const base = { env: {}, log: quiet, sdkDownload: false, tools: { install: false } } as const;

describe('provisionTemporal', () => {
  let dataDir: string;
  let port: number;
  let uiPort: number;
  let started: ProvisionedTemporal | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'yjs-provision-'));
    port = await freePort();
    uiPort = await freePort();
  });
  afterAll(async () => {
    await started?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts the CLI dev server with every custom search attribute when nothing listens on the port', async () => {
    const t0 = Date.now();
    started = await provisionTemporal({ ...base, dataDir, port, uiPort });
    console.log(`dev server started in ${Date.now() - t0} ms`);

    expect(started).toMatchObject({ mode: 'cli', address: `127.0.0.1:${port}`, namespace: 'default', uiUrl: `http://127.0.0.1:${uiPort}` });
    const custom = await customAttributes(started.address);
    const types = { Keyword: 2, Datetime: 6 } as const;
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) expect(custom[name], name).toBe(types[type]);
    expect((await fetch(started.uiUrl!)).status).toBe(200);
  });

  it('reuses the running server as external and leaves it running when the port already answers as Temporal', async () => {
    const reused = await provisionTemporal({ ...base, dataDir, port, uiPort });
    expect(reused).toMatchObject({ mode: 'external', address: `127.0.0.1:${port}`, uiUrl: `http://127.0.0.1:${uiPort}` });
    await reused.stop();
    expect(await listening(port)).toBe(true);
  });

  it('connects to the server when TEMPORAL_ADDRESS is set', async () => {
    const external = await provisionTemporal({ ...base, env: { TEMPORAL_ADDRESS: `127.0.0.1:${port}` } });
    expect(external).toMatchObject({ mode: 'external', address: `127.0.0.1:${port}`, namespace: 'default' });
    expect(external.uiUrl).toBeUndefined();
  });

  it('keeps workflows and search attributes when restarted on the same db file', async () => {
    const client = new Client({ connection: await Connection.connect({ address: started!.address }) });
    const workflowId = `provision-${Math.random().toString(36).slice(2)}`;
    try {
      // No worker: the workflow just waits in the store.
      await client.workflow.start('noSuchWorkflow', {
        taskQueue: 'provision-test',
        workflowId,
        typedSearchAttributes: [
          { key: CaseIdKey, value: 'case-1' },
          { key: DeadlineKey, value: new Date('2030-01-01T00:00:00Z') },
        ],
      });
    } finally {
      await client.connection.close();
    }
    await started!.stop();
    expect(await listening(port)).toBe(false);

    started = await provisionTemporal({ ...base, dataDir, port, uiPort });
    expect(started.mode).toBe('cli');
    const again = new Client({ connection: await Connection.connect({ address: started.address }) });
    try {
      const description = await again.workflow.getHandle(workflowId).describe();
      expect(description.status.name).toBe('RUNNING');
      expect(description.typedSearchAttributes.get(CaseIdKey)).toBe('case-1');
      await again.workflow.getHandle(workflowId).terminate('test done');
    } finally {
      await again.connection.close();
    }
  });

  it('registers search attributes added to the code after the db file was created when restarted', async () => {
    await started!.stop();
    started = await provisionTemporal({ ...base, dataDir, port, uiPort, searchAttributes: { ...SEARCH_ATTRIBUTES, AddedLater: 'Int' } });
    expect((await customAttributes(started.address)).AddedLater).toBe(3);
  });

  it('stops the server process when stop() is called, and again is a no-op', async () => {
    await started!.stop();
    await started!.stop();
    expect(await listening(port)).toBe(false);
    started = undefined;
  });

  it('fails naming TEMPORAL_ADDRESS when it points at nothing', async () => {
    const nothing = `127.0.0.1:${await freePort()}`;
    await expect(provisionTemporal({ ...base, env: { TEMPORAL_ADDRESS: nothing } })).rejects.toThrow(/TEMPORAL_ADDRESS=127\.0\.0\.1:\d+ is set, but nothing answers/);
  });

  it('lists every attempt when the port is taken by something that is not Temporal', async () => {
    const blocker = createServer((socket) => {
      socket.on('error', () => undefined); // the probes hang up abruptly
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    });
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const blocked = typeof address === 'object' && address ? address.port : 0;
    try {
      const error = await provisionTemporal({ ...base, dataDir, port: blocked }).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(TemporalProvisionError);
      expect((error as TemporalProvisionError).attempts.map((a) => a.mode)).toEqual(['reuse', 'cli']);
      expect((error as Error).message).toMatch(/port \d+ is in use, but it cannot be reused/);
    } finally {
      blocker.close();
    }
  });
});
