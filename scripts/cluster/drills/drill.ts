/** The shape of a fault drill (scripts/cluster/drill.ts runs one). */
import type { Cluster } from '../cluster';

export interface DrillContext {
  cluster: Cluster;
  /** Cases to run (`--cases`). */
  cases: number;
  log: (line: string) => void;
  /** Unique per run: prefixes every Idempotency-Key. */
  run: string;
}

export interface DrillOutcome {
  /** Every broken rule; none means PASS. */
  problems: string[];
  numbers: Record<string, unknown>;
}

export interface Drill {
  title: string;
  defaultCases: number;
  /** More environment for the app processes (the test clock, outside services). */
  appEnv?: Record<string, string>;
  /** Runs before the cluster starts (outside services it needs); its variables are added to {@link appEnv}. */
  before?(): Promise<Record<string, string>>;
  /** Runs after the verdict, whatever it is. */
  after?(): Promise<void>;
  run(context: DrillContext): Promise<DrillOutcome>;
}
