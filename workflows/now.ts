/** The current instant as ISO text: deterministic inside workflows (the workflow task's time). */
export function now(): string {
  return new Date().toISOString();
}
