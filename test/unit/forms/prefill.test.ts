import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CERTIFICATES_FILE, FileCertificateLibrary } from '../../../adapters/certificates';
import type { ElectronicLicence } from '../../../domain/licences';
import { parseAndCompile } from '../../../definitions/compile';
import type { ExecutionPlan } from '../../../definitions/plan';
import type { BundleDefinitionInput } from '../../../definitions/schema';
import { prefill } from '../../../forms/prefill';
import { validateApplication } from '../../../forms/validate';
import { PROJECT_ROOT } from '../../../runtime/config';

const MOTHER = '420111199205154321'; // 张丽
const FATHER = '420111198908126519'; // 陈建国
const RESTAURANT_OWNER = '420104199003071234'; // 王小明
const LEGAL_REP = '420111198805051234'; // 李华
const COMPANY = '91420100MA4K0000X1';
const EXPIRED_ID = '420106198511200025'; // 李芳

const bundle = (id: string): BundleDefinitionInput =>
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'definitions', 'bundles', `${id}.json`), 'utf8')) as BundleDefinitionInput;
const newborn = parseAndCompile(bundle('newborn'));
const restaurant = parseAndCompile(bundle('open-restaurant'));
const enterprise = parseAndCompile(bundle('enterprise-startup'));

const library = new FileCertificateLibrary(DEFAULT_CERTIFICATES_FILE, { now: () => new Date('2026-11-22T06:00:00Z') });

/** Every material of the plan lands in exactly one of the three lists. */
function expectPartition(plan: ExecutionPlan, result: ReturnType<typeof prefill>): void {
  const all = [
    ...result.satisfiedMaterials.map((m) => m.material),
    ...result.materialsToUpload,
    ...result.issuedInBundle.map((m) => m.material),
  ];
  expect([...all].sort()).toEqual(plan.materials.map((m) => m.id).sort());
}

describe('prefill for the newborn, from the mother’s licences', () => {
  it('fills both parents and the household address, satisfies every licence material, leaves only the photo', async () => {
    const licences = await library.licencesOf(MOTHER);
    const result = prefill(newborn, licences);
    expect(result.form).toEqual({
      motherName: '张丽',
      motherIdNumber: MOTHER,
      fatherName: '陈建国',
      fatherIdNumber: FATHER,
      householdAddress: '湖北省武汉市洪山区珞狮路122号3栋2单元501室',
    });
    expect(Object.keys(result.form)).toEqual(['motherName', 'motherIdNumber', 'fatherName', 'fatherIdNumber', 'householdAddress']);
    expect(result.fields).toEqual([
      { field: 'motherName', licenceType: 'resident-id-card', attribute: 'name', number: MOTHER },
      { field: 'motherIdNumber', licenceType: 'resident-id-card', attribute: 'idNumber', number: MOTHER },
      { field: 'fatherName', licenceType: 'marriage-certificate', attribute: 'spouseName', number: 'J420111-2019-003215' },
      { field: 'fatherIdNumber', licenceType: 'marriage-certificate', attribute: 'spouseIdNumber', number: 'J420111-2019-003215' },
      { field: 'householdAddress', licenceType: 'household-register', attribute: 'address', number: '420111-0087652' },
    ]);
    expect(result.satisfiedMaterials).toEqual([
      { material: 'parents-id-cards', licenceType: 'resident-id-card', number: MOTHER },
      { material: 'household-book', licenceType: 'household-register', number: '420111-0087652' },
      { material: 'marriage-certificate', licenceType: 'marriage-certificate', number: 'J420111-2019-003215' },
      { material: 'birth-medical-certificate', licenceType: 'birth-medical-certificate', number: 'Y420789123' },
    ]);
    expect(result.materialsToUpload).toEqual(['child-photo']);
    expect(result.issuedInBundle).toEqual([]);
    expectPartition(newborn, result);
  });

  it('fills values the form validation accepts', async () => {
    const { form } = prefill(newborn, await library.licencesOf(MOTHER));
    const issues = validateApplication(newborn, {
      applicant: { subjectId: MOTHER, kind: 'person', name: '张丽' },
      form,
      materials: [],
    } as Parameters<typeof validateApplication>[1]);
    expect(issues.filter((i) => Object.keys(form).some((f) => i.path === `/form/${f}`))).toEqual([]);
  });

  it('without the birth medical certificate, that one is issued by the bundle, not asked of the mother', async () => {
    const licences = (await library.licencesOf(MOTHER)).filter((l) => l.licenceType !== 'birth-medical-certificate');
    const result = prefill(newborn, licences);
    expect(result.materialsToUpload).toEqual(['child-photo']);
    expect(result.issuedInBundle).toEqual([
      { material: 'birth-medical-certificate', licenceType: 'birth-medical-certificate', item: 'birth-certificate' },
    ]);
    expect(result.satisfiedMaterials.map((m) => m.material)).toEqual(['parents-id-cards', 'household-book', 'marriage-certificate']);
    expectPartition(newborn, result);
  });
});

describe('prefill for a subject with nothing', () => {
  it('newborn: empty form; every licence material the bundle does not issue itself is to upload', () => {
    const result = prefill(newborn, []);
    expect(result.form).toEqual({});
    expect(result.fields).toEqual([]);
    expect(result.satisfiedMaterials).toEqual([]);
    // plan order: the parents' documents the library lacks must be uploaded after all
    expect(result.materialsToUpload).toEqual(['parents-id-cards', 'household-book', 'marriage-certificate', 'child-photo']);
    // household registration issues the household register too, but it uses the parents' book itself:
    // only the birth medical certificate comes from within the bundle
    expect(result.issuedInBundle).toEqual([
      { material: 'birth-medical-certificate', licenceType: 'birth-medical-certificate', item: 'birth-certificate' },
    ]);
    expectPartition(newborn, result);
  });

  it('enterprise start-up: the business licence being founded is never asked for', () => {
    const result = prefill(enterprise, []);
    expect(result.form).toEqual({});
    expect(result.materialsToUpload).toEqual(['legal-rep-id-card', 'articles-of-association', 'premises-proof']);
    expect(result.issuedInBundle).toEqual([{ material: 'business-licence', licenceType: 'business-licence', item: 'business-registration' }]);
    expectPartition(enterprise, result);
  });

  it('open restaurant: the applicant’s ID card is to upload, the business licence comes from the bundle', () => {
    const result = prefill(restaurant, []);
    expect(result.materialsToUpload).toEqual([
      'applicant-id-card',
      'premises-proof',
      'food-premises-layout',
      'food-safety-rules',
      'sign-design',
      'fire-safety-plan',
    ]);
    expect(result.issuedInBundle.map((m) => m.material)).toEqual(['business-licence']);
    expectPartition(restaurant, result);
  });

  it('a person whose ID card expired gets nothing from it (the library drops it)', async () => {
    const result = prefill(restaurant, await library.licencesOf(EXPIRED_ID));
    expect(result.form).toEqual({});
    expect(result.materialsToUpload).toContain('applicant-id-card');
  });
});

describe('prefill for the other sample subjects', () => {
  it('the restaurant owner: name and ID number filled, ID card fetched', async () => {
    const result = prefill(restaurant, await library.licencesOf(RESTAURANT_OWNER));
    expect(result.form).toEqual({ applicantName: '王小明', applicantIdNumber: RESTAURANT_OWNER });
    expect(result.satisfiedMaterials).toEqual([{ material: 'applicant-id-card', licenceType: 'resident-id-card', number: RESTAURANT_OWNER }]);
    expect(result.materialsToUpload).toEqual(['premises-proof', 'food-premises-layout', 'food-safety-rules', 'sign-design', 'fire-safety-plan']);
    expectPartition(restaurant, result);
  });

  it('a company with its legal representative: the caller merges both subjects’ licences', async () => {
    const licences = [...(await library.licencesOf(COMPANY)), ...(await library.licencesOf(LEGAL_REP))];
    const result = prefill(enterprise, licences);
    expect(result.form).toEqual({ legalRepName: '李华', legalRepIdNumber: LEGAL_REP });
    expect(result.satisfiedMaterials).toEqual([
      { material: 'legal-rep-id-card', licenceType: 'resident-id-card', number: LEGAL_REP },
      { material: 'business-licence', licenceType: 'business-licence', number: COMPANY },
    ]);
    expect(result.materialsToUpload).toEqual(['articles-of-association', 'premises-proof']);
    expect(result.issuedInBundle).toEqual([]);
  });
});

describe('prefill rules', () => {
  const id = (overrides: Partial<ElectronicLicence> = {}): ElectronicLicence => ({
    licenceType: 'resident-id-card',
    number: 'first',
    holder: { subjectId: MOTHER, name: '张丽' },
    attributes: { name: '张丽', idNumber: MOTHER },
    issuedBy: '武汉市公安局洪山区分局',
    issuedAt: '2018-06-20',
    ...overrides,
  });

  it('the first licence of a type wins', () => {
    const result = prefill(newborn, [id(), id({ number: 'second', attributes: { name: '别人', idNumber: FATHER } })]);
    expect(result.form).toMatchObject({ motherName: '张丽', motherIdNumber: MOTHER });
    expect(result.satisfiedMaterials).toEqual([{ material: 'parents-id-cards', licenceType: 'resident-id-card', number: 'first' }]);
  });

  it('a missing or empty attribute leaves the field to the applicant, the material is still satisfied', () => {
    const result = prefill(newborn, [id({ attributes: { name: '' } })]);
    expect(result.form).toEqual({});
    expect(result.fields).toEqual([]);
    expect(result.satisfiedMaterials.map((m) => m.material)).toEqual(['parents-id-cards']);
  });

  it('an attribute that only exists on the prototype is not an attribute', () => {
    const plan = planWith([{ id: 'x', type: 'string', prefill: { licenceType: 'resident-id-card', attribute: 'toString' } }]);
    expect(prefill(plan, [id()]).form).toEqual({});
  });

  it('converts to the field’s type, or leaves the field to the applicant', () => {
    const plan = planWith([
      { id: 'seats', type: 'integer', prefill: { licenceType: 't', attribute: 'seats' } },
      { id: 'area', type: 'number', prefill: { licenceType: 't', attribute: 'area' } },
      { id: 'halfSeats', type: 'integer', prefill: { licenceType: 't', attribute: 'area' } },
      { id: 'open', type: 'boolean', prefill: { licenceType: 't', attribute: 'open' } },
      { id: 'yes', type: 'boolean', prefill: { licenceType: 't', attribute: 'yes' } },
      { id: 'kind', type: 'enum', options: opts('a', 'b'), prefill: { licenceType: 't', attribute: 'kind' } },
      { id: 'otherKind', type: 'enum', options: opts('a', 'b'), prefill: { licenceType: 't', attribute: 'bad' } },
      { id: 'notANumber', type: 'number', prefill: { licenceType: 't', attribute: 'bad' } },
      { id: 'since', type: 'date', prefill: { licenceType: 't', attribute: 'since' } },
    ]);
    const licence = id({
      licenceType: 't',
      attributes: { seats: '30', area: '80.5', open: 'true', yes: '是', kind: 'b', bad: '0x10', since: '2021-06-18' },
    });
    expect(prefill(plan, [licence]).form).toEqual({ seats: 30, area: 80.5, open: true, kind: 'b', since: '2021-06-18' });
  });

  it('is deterministic: plan order, whatever the order of the licences', async () => {
    const licences = await library.licencesOf(MOTHER);
    const forward = prefill(newborn, licences);
    const backward = prefill(newborn, [...licences].reverse());
    expect(backward).toEqual(forward);
    expect(JSON.stringify(backward)).toBe(JSON.stringify(forward));
  });

  it('does not change its inputs', async () => {
    const licences = await library.licencesOf(MOTHER);
    const before = JSON.stringify([newborn, licences]);
    prefill(newborn, licences);
    expect(JSON.stringify([newborn, licences])).toBe(before);
  });

  it('a conditional issuer, or one some user does not wait for, does not count as issuing', () => {
    const base = bundle('enterprise-startup');
    const conditional = parseAndCompile({
      ...base,
      items: base.items.map((item) => (item.id === 'business-registration' ? { ...item, condition: { field: 'hiresStaff', equals: true } } : item)),
    });
    expect(prefill(conditional, []).materialsToUpload).toContain('business-licence');
    const early = parseAndCompile({
      ...base,
      items: base.items.map((item) =>
        item.id === 'business-registration' ? { ...item, materials: [...(item.materials ?? []), 'business-licence'] } : item,
      ),
    });
    expect(prefill(early, []).materialsToUpload).toContain('business-licence');
  });
});

function opts(...values: string[]) {
  return values.map((value) => ({ value, label: { zh: value, en: value } }));
}

/** A one-item plan with these fields. */
function planWith(fields: Array<Record<string, unknown>>): ExecutionPlan {
  return parseAndCompile({
    id: 'prefill-test',
    version: 1,
    title: { zh: '测试', en: 'Test' },
    promisedDays: 1,
    window: { department: 'gov-service' },
    departments: [{ id: 'gov-service', name: { zh: '政务服务中心', en: 'Government service centre' } }],
    fields: fields.map((f) => ({ label: { zh: String(f.id), en: String(f.id) }, ...f })),
    items: [
      {
        id: 'only',
        code: 'T-1',
        title: { zh: '事项', en: 'Item' },
        department: 'gov-service',
        kind: 'instant',
        statutoryDays: 1,
        promisedDays: 1,
        steps: [{ id: 'decide', title: { zh: '决定', en: 'Decide' }, kind: 'decide' }],
        fields: fields.map((f) => String(f.id)),
        result: { kind: 'notice', title: { zh: '通知', en: 'Notice' } },
        defaultable: true,
        timeout: { policy: 'none' },
      },
    ],
  });
}
