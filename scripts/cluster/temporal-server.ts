/**
 * The real Temporal server of the cluster (built by build-temporal.sh): its configuration file, its two
 * PostgreSQL databases set up with its own schema tool, its four services (frontend, history,
 * matching, worker) as separate processes, the web UI server, and the namespace with the project's
 * search attributes. The configuration follows the server module's `config/development-postgres12.yaml`,
 * with our ports, users and dynamic config.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { PROJECT_ROOT } from '../../runtime/config';
import { ensureSearchAttributes } from '../../runtime/temporal';
import type { ClusterPorts } from './ports';
import type { ClusterPostgres } from './postgres';
import type { ProcessSpec } from './processes';
import type { ClusterBinaries } from './versions';

const run = promisify(execFile);

/** The services, in the order they are started (frontend last: it answers once the others are up). */
export const TEMPORAL_SERVICES = ['history', 'matching', 'worker', 'frontend'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];

export interface TemporalDatabase {
  user: string;
  password: string;
}

/**
 * History shards: fixed for the life of a cluster (it cannot change without a new cluster). 4 is the
 * development default; docs/operations.md says what a province sets.
 */
export const HISTORY_SHARDS = 4;

export function temporalConfigDir(clusterDir: string): string {
  return join(clusterDir, 'temporal');
}

/** Writes `<cluster>/temporal/config.yaml` and `dynamicconfig.yaml` (0600: the database password is in it). */
export async function writeTemporalConfig(clusterDir: string, ports: ClusterPorts, db: TemporalDatabase): Promise<string> {
  const dir = temporalConfigDir(clusterDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const store = (database: string, maxConns: number) => `
      sql:
        pluginName: "postgres12"
        databaseName: "${database}"
        connectAddr: "127.0.0.1:${ports.postgres}"
        connectProtocol: "tcp"
        user: "${db.user}"
        password: "${db.password}"
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: "1h"`;
  const service = (name: TemporalService) => `
  ${name}:
    rpc:
      grpcPort: ${ports.temporal[name]}
      membershipPort: ${ports.membership[name]}
      bindOnLocalHost: true${name === 'frontend' ? `\n      httpPort: ${ports.temporalHttp}` : ''}`;
  const config = `# Written by scripts/cluster/temporal-server.ts (npm run cluster); rewritten at every start.
log:
  stdout: true
  level: warn

persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: ${HISTORY_SHARDS}
  datastores:
    postgres-default:${store('temporal', 20)}
    postgres-visibility:${store('temporal_visibility', 10)}

global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"

services:${TEMPORAL_SERVICES.map(service).join('')}

clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${ports.temporal.frontend}"

dcRedirectionPolicy:
  policy: "noop"

dynamicConfigClient:
  filepath: "${join(dir, 'dynamicconfig.yaml')}"
  pollInterval: "10s"
`;
  // As temporal-docker.yml's: case and item workflow ids are business keys.
  const dynamic = `# Written by scripts/cluster/temporal-server.ts; keep in step with temporal-docker.yml's.
limit.maxIDLength:
  - value: 255
    constraints: {}
`;
  await writeFile(join(dir, 'config.yaml'), config, { mode: 0o600 });
  await writeFile(join(dir, 'dynamicconfig.yaml'), dynamic, { mode: 0o600 });
  return join(dir, 'config.yaml');
}

/**
 * Databases `temporal` and `temporal_visibility` owned by the Temporal role, their schemas set up
 * (`setup-schema -v 0.0` on a new database) and brought to the binary's version (`update-schema`),
 * both with the server's own `temporal-sql-tool`. Idempotent.
 */
export async function setupTemporalSchema(pg: ClusterPostgres, bin: ClusterBinaries, db: TemporalDatabase, log: (line: string) => void): Promise<void> {
  for (const [database, schema] of [
    ['temporal', 'temporal'],
    ['temporal_visibility', 'visibility'],
  ] as const) {
    await pg.ensureRoleAndDatabase(db.user, db.password, database);
    const env = { ...process.env, SQL_HOST: '127.0.0.1', SQL_PORT: String(pg.port), SQL_USER: db.user, SQL_PASSWORD: db.password, SQL_DATABASE: database };
    const tool = (args: string[]) => run(bin.sqlTool, ['--plugin', 'postgres12', ...args], { env, timeout: 300_000 });
    const versioned = await pg.psql(`SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_version'`, database);
    if (!versioned) await tool(['setup-schema', '-v', '0.0']);
    await tool(['update-schema', '-d', join(bin.schemaDir, schema, 'versioned')]);
    const version = await pg.psql('SELECT curr_version FROM schema_version', database);
    log(`schema ${database}: version ${version}`);
  }
}

/** How to start one Temporal service. */
export function temporalServiceSpec(bin: ClusterBinaries, configFile: string, service: TemporalService): ProcessSpec {
  return {
    name: `temporal-${service}`,
    command: bin.server,
    args: ['--config-file', configFile, '--allow-no-auth', 'start', '--service', service],
    env: {},
    cwd: PROJECT_ROOT,
  };
}

/** The web UI server, pointed at the frontend, in `<cluster>/temporal/ui/cluster.yaml`. */
export async function temporalUiSpec(clusterDir: string, bin: ClusterBinaries, ports: ClusterPorts, namespace: string): Promise<ProcessSpec | undefined> {
  if (!bin.uiServer) return undefined;
  const dir = join(temporalConfigDir(clusterDir), 'ui');
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'cluster.yaml'),
    `# Written by scripts/cluster/temporal-server.ts.
temporalGrpcAddress: 127.0.0.1:${ports.temporal.frontend}
host: 127.0.0.1
port: ${ports.ui}
enableUi: true
defaultNamespace: ${namespace}
refreshInterval: 1m
cors:
  cookieInsecure: true
  allowOrigins:
    - http://127.0.0.1:${ports.ui}
auth:
  enabled: false
`,
  );
  return { name: 'temporal-ui', command: bin.uiServer, args: ['--root', temporalConfigDir(clusterDir), '--config', 'ui', '--env', 'cluster', 'start'], env: {}, cwd: PROJECT_ROOT };
}

/** Waits until the frontend answers and the other services have joined (a namespace call goes through history). */
export async function waitForTemporal(address: string, timeoutMs: number, alive: () => string | undefined): Promise<Connection> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const dead = alive();
    if (dead) throw new Error(dead);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        await connection.workflowService.listNamespaces({ pageSize: 1 });
        return connection;
      } catch (err) {
        await connection.close();
        throw err;
      }
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(`Temporal at ${address} did not answer within ${timeoutMs / 1000} s: ${last}`);
}

/** The namespace (made when missing, with `retentionDays`) and every search attribute of the code. */
export async function ensureNamespace(connection: Connection, namespace: string, retentionDays: number, log: (line: string) => void): Promise<void> {
  const exists = await connection.workflowService.describeNamespace({ namespace }).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(`${retentionDays} days`) });
    log(`namespace ${namespace} created (retention ${retentionDays} days)`);
  }
  // A new namespace reaches every service's cache after a few seconds: retry until attributes can be added.
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await ensureSearchAttributes(connection, namespace, undefined, { strict: true, log });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  }
}
