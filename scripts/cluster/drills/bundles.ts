/**
 * Bundles the drills publish: the repository's restaurant bundle under another id, changed where a
 * drill needs it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DrillClient } from './client';

/** The restaurant bundle of the tree the app runs from (`Cluster.appRoot`), not of the working tree. */
async function restaurant(appRoot: string): Promise<any> {
  return JSON.parse(await readFile(join(appRoot, 'definitions', 'bundles', 'open-restaurant.json'), 'utf8'));
}

/**
 * `drill-timers`: every item of the restaurant bundle approved by default when its limit passes
 * (超时默认), so that cases complete by their timers alone.
 */
export async function timersBundle(appRoot: string): Promise<any> {
  const definition = await restaurant(appRoot);
  return {
    ...definition,
    id: 'drill-timers',
    version: 1,
    title: { zh: '演练：超时默认', en: 'Drill: defaults at the deadline' },
    items: definition.items.map((item: any) => ({ ...item, defaultable: true, timeout: { policy: 'default-approve' } })),
  };
}

/** Publishes a definition as the designer; throws with the lint's answer when it is refused. */
export async function publish(client: DrillClient, definition: unknown): Promise<void> {
  const answer = await client.send(client.token('designer'), 'POST', '/definitions', { json: definition, deadlineMs: 60_000 });
  if (answer.status !== 201 && answer.status !== 200) throw new Error(`publishing ${(definition as { id: string }).id}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 2000)}`);
}
