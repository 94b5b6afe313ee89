import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DefinitionRegistry } from '../../../definitions/registry';
import { PROJECT_ROOT } from '../../../runtime/config';
import { missingMaterials } from '../../../domain/commitments';
import type { Application } from '../../../domain/application';

const registry = await DefinitionRegistry.open({ bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles') });
const newborn = registry.get('newborn').plan;

/** A newborn application whose applicant the licence library knows nothing of: nothing was linked. */
const unknownParent: Application = {
  applicant: { subjectId: '110101199001011234', kind: 'person', name: '某某' },
  form: { childName: '某某', childGender: 'male', childBirthDate: '2026-11-10', householdOf: 'father', socialCardBank: 'icbc' },
  materials: [{ id: 'child-photo' }],
};
const ids = (result: ReturnType<typeof missingMaterials>) => ({ core: result.core.map((m) => m.id), tolerable: result.tolerable.map((m) => m.id) });

describe('missingMaterials', () => {
  it('counts a required licence material the library did not link as missing, but not one the bundle issues itself', () => {
    // birth-medical-certificate is issued by the bundle's first item; the marriage certificate is optional.
    expect(ids(missingMaterials(newborn, unknownParent))).toEqual({ core: ['parents-id-cards', 'household-book'], tolerable: [] });
  });

  it('counts a licence material as present when the applicant hands it in instead', () => {
    const handedIn = { ...unknownParent, materials: [...unknownParent.materials, { id: 'parents-id-cards' }, { id: 'household-book', sha256: 'a'.repeat(64) }] };
    expect(ids(missingMaterials(newborn, handedIn))).toEqual({ core: [], tolerable: [] });
  });

  it('keeps the earlier applicant-only rule for replaying cases accepted under it', () => {
    const noPhoto = { ...unknownParent, materials: [] };
    expect(ids(missingMaterials(newborn, noPhoto, { applicantOnly: true }))).toEqual({ core: [], tolerable: ['child-photo'] });
  });
});
