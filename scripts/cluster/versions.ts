/**
 * The cluster's pinned Temporal versions (scripts/cluster/versions.env, which build-temporal.sh
 * sources) and where their binaries are.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../runtime/config';

export interface ClusterVersions {
  goToolchain: string;
  temporalServer: string;
  temporalUiServer: string;
}

export function clusterVersions(): ClusterVersions {
  const values = new Map<string, string>();
  for (const line of readFileSync(join(PROJECT_ROOT, 'scripts', 'cluster', 'versions.env'), 'utf8').split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) values.set(match[1]!, match[2]!);
  }
  const get = (key: string) => {
    const value = values.get(key);
    if (!value) throw new Error(`scripts/cluster/versions.env has no ${key}`);
    return value;
  };
  return { goToolchain: get('GO_TOOLCHAIN'), temporalServer: get('TEMPORAL_SERVER_VERSION'), temporalUiServer: get('TEMPORAL_UI_SERVER_VERSION') };
}

export interface ClusterBinaries {
  dir: string;
  server: string;
  sqlTool: string;
  /** Undefined when the UI server did not build. */
  uiServer?: string;
  /** `<dir>/schema/postgresql/v12`, holding `temporal/` and `visibility/`. */
  schemaDir: string;
}

/** The folder build-temporal.sh builds into (or `YJS_TEMPORAL_CLUSTER_DIR`). */
export function clusterBinDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.YJS_TEMPORAL_CLUSTER_DIR || join(PROJECT_ROOT, '.tools', `temporal-cluster-${clusterVersions().temporalServer}`);
}

/** The built binaries, or undefined when `npm run cluster:install` has not run (or did not finish). */
export function findClusterBinaries(env: NodeJS.ProcessEnv = process.env): ClusterBinaries | undefined {
  const dir = clusterBinDir(env);
  const binaries: ClusterBinaries = {
    dir,
    server: join(dir, 'temporal-server'),
    sqlTool: join(dir, 'temporal-sql-tool'),
    uiServer: existsSync(join(dir, 'temporal-ui-server')) ? join(dir, 'temporal-ui-server') : undefined,
    schemaDir: join(dir, 'schema', 'postgresql', 'v12'),
  };
  return [binaries.server, binaries.sqlTool, join(binaries.schemaDir, 'temporal', 'versioned')].every((path) => existsSync(path)) ? binaries : undefined;
}
