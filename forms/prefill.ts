/**
 * Pre-filling from electronic licences (数据预填充, 免证明): what the state already holds is fetched,
 * never asked for.
 *
 * Given a plan and the licences the electronic-licence library holds for the applicant (see
 * `activities/certificates.ts`), {@link prefill} says which form fields it can fill, which materials
 * the licences satisfy, and which materials the applicant still has to hand in.
 *
 * Pure: no I/O, no clock, the same input always gives the same result, in plan order. The library is
 * asked by the caller (an activity or the API), which also decides whose licences count: the
 * applicant's, and for a company, say, its legal representative's as well.
 */
import type { ExecutionPlan } from '../definitions/plan';
import type { Field } from '../definitions/schema';
import type { ElectronicLicence } from '../domain/licences';
import { issuerInBundle } from '../domain/licences';

/** A form field filled from a licence: which licence (type and number) and which attribute. */
export interface PrefilledField {
  field: string;
  licenceType: string;
  attribute: string;
  number: string;
}

/** A material satisfied by a licence the library holds: never asked of the applicant. */
export interface SatisfiedMaterial {
  material: string;
  licenceType: string;
  number: string;
}

/** An electronic-licence material the library lacks that an item of this very bundle issues. */
export interface IssuedInBundleMaterial {
  material: string;
  licenceType: string;
  /** The item whose result is that licence; every item using the material depends on it. */
  item: string;
}

export interface PrefillResult {
  /** Form values by field id, for the fields that could be filled (a partial form, in plan field order). */
  form: Record<string, unknown>;
  /** Where each value of `form` comes from, in plan field order. */
  fields: PrefilledField[];
  /** Electronic-licence materials satisfied by a licence the subject holds, in plan material order. */
  satisfiedMaterials: SatisfiedMaterial[];
  /**
   * Ids of the materials the applicant must still hand in, in plan material order:
   * - every applicant-sourced material of the plan (optional ones and those of conditional items
   *   included: the plan's `required` and the form decide whether they are needed);
   * - **and every electronic-licence material the library does not hold for this subject** (none of
   *   its type, e.g. a person from another province, a licence not yet digitised, or an expired one,
   *   which the library does not return): the state cannot fetch it, so it must be uploaded after all.
   *   That is why uploads are allowed for electronic-licence materials (see `forms/uploads.ts`).
   *   The one exception is {@link PrefillResult.issuedInBundle}.
   */
  materialsToUpload: string[];
  /**
   * Electronic-licence materials the library does not hold but the bundle itself issues before any
   * item needs them: a company being founded has no business licence yet, the 企业开办 bundle makes
   * it (as does 开办餐饮店); a newborn's birth medical certificate is the first item of 新生儿出生.
   * Asking the applicant to upload these would ask for what the bundle is about to issue, so they are
   * neither satisfied nor to upload. In plan material order.
   *
   * A material counts when an item without a condition has the material's licence type as its
   * result and every item that uses the material depends on that item (directly or not). An item
   * that issues the type but itself uses the material (新生儿's household registration uses the
   * parents' household book and issues the child's page of it) does not count: the material is
   * needed before the result exists.
   *
   * Every material of the plan is in exactly one of `satisfiedMaterials`, `materialsToUpload` and
   * `issuedInBundle`.
   */
  issuedInBundle: IssuedInBundleMaterial[];
}

/**
 * What the subject's electronic licences fill and satisfy in this plan.
 *
 * `licences` are those the library returned (valid ones only: the library drops expired licences,
 * this function has no clock). When several licences have the same type, **the first one in
 * `licences` wins**: the library answers each type newest first, and a caller that merges several
 * subjects' licences puts the applicant's first.
 *
 * - A field with `prefill` is filled when a licence of its type is held and has the attribute, and
 *   the attribute's text is a value of the field's type: as is for text types (string, text, date,
 *   id-number, phone, email); for enum, only one of the field's option values; for integer and number,
 *   a decimal number (an integer for integer); for boolean, `true` or `false`. Otherwise the field is
 *   left for the applicant. Formats are not checked here: form validation still checks every value.
 *   Field conditions are not evaluated (the form is not known yet): a filled field whose condition
 *   turns out not to hold is ignored by validation.
 * - An electronic-licence material is satisfied when a licence of its type is held.
 */
export function prefill(plan: ExecutionPlan, licences: readonly ElectronicLicence[]): PrefillResult {
  const byType = new Map<string, ElectronicLicence>();
  for (const licence of licences) if (!byType.has(licence.licenceType)) byType.set(licence.licenceType, licence);

  const form: Record<string, unknown> = {};
  const fields: PrefilledField[] = [];
  for (const field of plan.fields) {
    if (!field.prefill) continue;
    const { licenceType, attribute } = field.prefill;
    const licence = byType.get(licenceType);
    if (!licence || !Object.hasOwn(licence.attributes, attribute)) continue;
    const value = coerce(field, licence.attributes[attribute]!);
    if (value === undefined) continue;
    form[field.id] = value;
    fields.push({ field: field.id, licenceType, attribute, number: licence.number });
  }

  const satisfiedMaterials: SatisfiedMaterial[] = [];
  const materialsToUpload: string[] = [];
  const issuedInBundle: IssuedInBundleMaterial[] = [];
  for (const material of plan.materials) {
    if (material.source.kind !== 'electronic-licence') {
      materialsToUpload.push(material.id);
      continue;
    }
    const { licenceType } = material.source;
    const licence = byType.get(licenceType);
    if (licence) {
      satisfiedMaterials.push({ material: material.id, licenceType, number: licence.number });
      continue;
    }
    const issuer = issuerInBundle(plan, material, licenceType);
    if (issuer) issuedInBundle.push({ material: material.id, licenceType, item: issuer });
    else materialsToUpload.push(material.id);
  }

  return { form, fields, satisfiedMaterials, materialsToUpload, issuedInBundle };
}

/** A licence attribute's text as a value of the field's type, or undefined when it is not one. */
function coerce(field: Field, text: string): unknown {
  switch (field.type) {
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : undefined;
    case 'integer':
    case 'number': {
      if (!/^-?\d+(\.\d+)?$/.test(text.trim())) return undefined;
      const n = Number(text.trim());
      if (!Number.isFinite(n) || (field.type === 'integer' && !Number.isInteger(n))) return undefined;
      return n;
    }
    case 'enum':
      return field.options?.some((o) => o.value === text) ? text : undefined;
    default:
      return text === '' ? undefined : text;
  }
}
