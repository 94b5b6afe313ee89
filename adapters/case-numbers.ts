/**
 * Where case numbers (办件编号, `definitions/case-number.ts`) are drawn: one counter per scope (the number
 * with its sequence left out, e.g. "QYZX-20250612-{seq}"), shared by every API node, so no number is
 * ever given twice. The database's (`db/case-numbers.ts`) in every deployment; this memory one for a
 * single process (tests).
 */

export interface CaseNumberSequence {
  /** The next value (1, 2, …) of the scope's counter, atomically. */
  next(scope: string): Promise<number>;
}

export class MemoryCaseNumberSequence implements CaseNumberSequence {
  private readonly counters = new Map<string, number>();

  async next(scope: string): Promise<number> {
    const value = (this.counters.get(scope) ?? 0) + 1;
    this.counters.set(scope, value);
    return value;
  }
}
