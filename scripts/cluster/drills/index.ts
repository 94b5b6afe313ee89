/** Every fault drill, by the name `npm run drill -- <name>` takes. */
import { apiKill } from './api-kill';
import type { Drill } from './drill';
import { flakyServices } from './flaky-services';
import { postgresRestart } from './postgres-restart';
import { smoke } from './smoke';
import { temporalRestart } from './temporal-restart';
import { workerKill } from './worker-kill';

export const DRILLS: Record<string, Drill> = {
  smoke,
  'worker-kill': workerKill,
  'api-kill': apiKill,
  'temporal-restart': temporalRestart,
  'postgres-restart': postgresRestart,
  'flaky-services': flakyServices,
};
