/**
 * The cluster's ports, all on 127.0.0.1: Temporal's usual ones (frontend 7233, as `TEMPORAL_ADDRESS`
 * expects), the UI on 8080 as in temporal-docker.yml, the two API nodes on 3000 and 3001, PostgreSQL on
 * 15432 (5432 is the distribution's own). `YJS_CLUSTER_PORT_OFFSET=N` adds N to every one, to run a
 * second cluster beside the first (the drills pick a free offset). Membership ports stay below 32768:
 * Temporal stores them as a smallint.
 */
import { createServer } from 'node:net';

/** Temporal's services, each with its gRPC and its membership port. */
type TemporalService = 'frontend' | 'history' | 'matching' | 'worker';

export interface ClusterPorts {
  offset: number;
  postgres: number;
  temporal: Record<TemporalService, number>;
  temporalHttp: number;
  membership: Record<TemporalService, number>;
  ui: number;
  /** One per API node. */
  api: [number, number];
}

export const MAX_OFFSET = 32767 - 6939;

export function clusterPorts(offset = 0): ClusterPorts {
  if (!Number.isInteger(offset) || offset < 0 || offset > MAX_OFFSET) throw new Error(`YJS_CLUSTER_PORT_OFFSET must be a whole number from 0 to ${MAX_OFFSET}, not ${offset}`);
  const at = (port: number) => port + offset;
  return {
    offset,
    postgres: at(15432),
    temporal: { frontend: at(7233), history: at(7234), matching: at(7235), worker: at(7239) },
    temporalHttp: at(7243),
    membership: { frontend: at(6933), history: at(6934), matching: at(6935), worker: at(6939) },
    ui: at(8080),
    api: [at(3000), at(3001)],
  };
}

export function allPorts(ports: ClusterPorts): number[] {
  return [ports.postgres, ...Object.values(ports.temporal), ports.temporalHttp, ...Object.values(ports.membership), ports.ui, ...ports.api];
}

export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function busyPorts(ports: ClusterPorts): Promise<number[]> {
  const busy: number[] = [];
  for (const port of allPorts(ports)) if (!(await portFree(port))) busy.push(port);
  return busy;
}

/** An offset, a multiple of 100 (10000 to 19900) at which every port is free, for a throw-away cluster. */
export async function freeOffset(): Promise<number> {
  const start = 10_000 + 100 * Math.floor(Math.random() * 100);
  for (let i = 0; i < 100; i++) {
    const offset = 10_000 + ((start - 10_000 + i * 100) % 10_000);
    if ((await busyPorts(clusterPorts(offset))).length === 0) return offset;
  }
  throw new Error('no offset with every cluster port free');
}
