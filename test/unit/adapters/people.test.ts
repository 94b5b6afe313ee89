/**
 * The sample people of the embedded OIDC provider (`adapters/data/people.json`): someone for every
 * department and department role of the example bundles, every window, and every role, and applicants
 * who are subjects of the sample licence library and credit data.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROLES } from '../../../adapters/api-keys';
import { DEFAULT_CERTIFICATES_FILE } from '../../../adapters/certificates';
import { DEFAULT_CREDIT_SAMPLE_FILE } from '../../../adapters/credit';
import { PeopleDirectory } from '../../../adapters/people';
import { PROJECT_ROOT } from '../../../runtime/config';

const people = await PeopleDirectory.fromFile();
const bundlesDir = join(PROJECT_ROOT, 'definitions', 'bundles');
const bundles = await Promise.all(
  (await readdir(bundlesDir)).map(async (f) => JSON.parse(await readFile(join(bundlesDir, f), 'utf8')) as { departments: Array<{ id: string }>; window: { department: string } }),
);

describe('the sample people', () => {
  it('have a handler, a second handler, a reviewer and a head in every department of the example bundles', () => {
    for (const department of new Set(bundles.flatMap((b) => b.departments.map((d) => d.id)))) {
      const officers = people.list().filter((p) => p.department === department && p.roles.includes('department'));
      expect(officers.map((p) => p.departmentRole).sort(), department).toEqual(['handler', 'handler', 'head', 'reviewer']);
    }
  });

  it('have a window officer for every bundle\'s window, and someone for every other role', () => {
    for (const { window } of bundles) expect(people.list().some((p) => p.roles.includes('window') && p.department === window.department)).toBe(true);
    for (const role of ROLES.filter((r) => r !== 'integrator')) expect(people.list().some((p) => p.roles.includes(role)), role).toBe(true);
  });

  it('have two applicants, a person and a company, known to the licence library and the credit sample', async () => {
    const applicants = people.list().filter((p) => p.subjectId);
    expect(applicants.map((p) => p.subjectId)).toEqual(['420104199003071234', '91420100MA4K0000X1']);
    const credit = await readFile(DEFAULT_CREDIT_SAMPLE_FILE, 'utf8');
    const licences = await readFile(DEFAULT_CERTIFICATES_FILE, 'utf8');
    for (const { subjectId, name } of applicants) {
      expect(credit).toContain(`"subjectId": "${subjectId}",\n      "name": "${name}"`);
      expect(licences).toContain(subjectId!);
    }
  });

  it('sign in with the development password only', async () => {
    expect((await people.verify('tobacco-head', 'yijianshi-dev'))?.departmentRole).toBe('head');
    expect(await people.verify('tobacco-head', 'yijianshi-dev ')).toBeUndefined();
    expect(await people.verify('nobody', 'yijianshi-dev')).toBeUndefined();
  });
});
