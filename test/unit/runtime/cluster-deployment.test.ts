/**
 * `temporal-docker.yml` and `npm run cluster` (scripts/cluster/) describe one deployment: the drills
 * run the second, so the first must not drift from it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../runtime/config';
import { clusterPorts, MAX_OFFSET } from '../../../scripts/cluster/ports';
import { writeTemporalConfig } from '../../../scripts/cluster/temporal-server';
import { clusterVersions } from '../../../scripts/cluster/versions';

const compose = readFileSync(join(PROJECT_ROOT, 'temporal-docker.yml'), 'utf8');

describe('temporal-docker.yml against npm run cluster', () => {
  it('defaults to the Temporal server, admin tools and UI versions the cluster builds', () => {
    const versions = clusterVersions();
    expect(compose).toContain(`temporalio/server:\${TEMPORAL_VERSION:-${versions.temporalServer}}`);
    expect(compose.match(new RegExp(`temporalio/admin-tools:\\$\\{TEMPORAL_ADMINTOOLS_VERSION:-${versions.temporalServer.replace(/\./g, '\\.')}\\}`, 'g'))).toHaveLength(2);
    expect(compose).toContain(`temporalio/ui:\${TEMPORAL_UI_VERSION:-${versions.temporalUiServer}}`);
  });

  it('runs two workers and two API nodes sharing one page-token secret, as the drills do', () => {
    expect(compose).toMatch(/^ {2}worker:\n(?: {4}.*\n)*? {4}deploy:\n {6}replicas: 2$/m);
    expect(compose).toMatch(/^ {2}api:\n(?: {4}.*\n)*? {4}deploy:\n {6}replicas: 2$/m);
    expect(compose).toContain('YJS_PAGE_TOKEN_SECRET: ${YJS_PAGE_TOKEN_SECRET:?');
    expect(compose).toContain('"${YJS_API_HOST_PORTS:-3000-3001}:3000"');
  });

  it('gives the server the dynamic config the cluster writes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'yjs-cluster-config-'));
    try {
      await writeTemporalConfig(dir, clusterPorts(0), { user: 'temporal', password: 'secret' });
      const dynamic = await readFile(join(dir, 'temporal', 'dynamicconfig.yaml'), 'utf8');
      const entries = (yaml: string) => [...yaml.matchAll(/^\s*(limit\.maxIDLength):\n\s*- value: (\d+)/gm)].map((m) => `${m[1]}=${m[2]}`);
      expect(entries(dynamic)).toEqual(['limit.maxIDLength=255']);
      expect(entries(compose)).toEqual(entries(dynamic));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('clusterPorts', () => {
  it('keeps every membership port below 32768 when the offset is the largest allowed', () => {
    const ports = clusterPorts(MAX_OFFSET);
    expect(Math.max(...Object.values(ports.membership))).toBeLessThan(32768);
    expect(() => clusterPorts(MAX_OFFSET + 1)).toThrow(/YJS_CLUSTER_PORT_OFFSET/);
  });

  it('gives the frontend 7233 and the API nodes 3000 and 3001 when there is no offset', () => {
    const ports = clusterPorts(0);
    expect([ports.temporal.frontend, ...ports.api]).toEqual([7233, 3000, 3001]);
  });
});
