/**
 * The floor the `limit` benchmark measures on the same server: a workflow that does nothing, and one
 * that answers Updates (each returns its argument) until told to stop.
 */
import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

export const echo = defineUpdate<number, [number]>('echo');
export const stop = defineUpdate<void, []>('stop');

export async function emptyWorkflow(): Promise<void> {}

export async function echoWorkflow(): Promise<void> {
  let stopped = false;
  setHandler(echo, (n) => n);
  setHandler(stop, () => {
    stopped = true;
  });
  await condition(() => stopped);
}
