/**
 * The one form (一表申请): every field of a plan merged into one JSON Schema (draft 2020-12) for the
 * applicant, each field asked once however many items need it.
 *
 * A field is required when an item that applies requires it and the field's own condition holds, as
 * `requiredFields` in validate.ts decides for given values: fields required unconditionally are in the
 * top-level `required`; the others are grouped per distinct condition (the item's condition and the
 * field's) into `allOf: [{ if, then: { required } }]`. "Given" means present and neither null nor the
 * empty string (`#/$defs/filled`), the way the condition language reads `isSet`.
 *
 * The result is deterministic: the same plan always gives the same JSON, key order included.
 */
import canonicalize from 'canonicalize';
import type { ExecutionPlan } from '../definitions/plan';
import type { Condition, Field, LocalizedText } from '../definitions/schema';
import { conditionSchema, setValueSchema, type JsonSchema } from './condition-schema';

export const JSON_SCHEMA_DRAFT = 'https://json-schema.org/draft/2020-12/schema';

/**
 * The annotation keywords of the merged form. Validators must know them (Ajv: `addVocabulary`); they
 * never change what is valid.
 */
export const FORM_KEYWORDS = [
  'x-label',
  'x-help',
  'x-section',
  'x-items',
  'x-required-by',
  'x-prefill',
  'x-condition',
  'x-options',
  'x-sections',
  'x-bundle',
] as const;

/** Where a form's required fields point to say "given": neither null nor the empty string. */
export const FILLED_REF = '#/$defs/filled';

/** The section of the fields that name none, last in `x-sections`. */
const OTHER_SECTION = { id: 'other', title: { zh: '其他', en: 'Other' } } as const;

/** Built-in patterns of field types (the field's own `pattern` applies on top). */
export const TYPE_PATTERNS: Partial<Record<Field['type'], string>> = {
  'id-number': '^\\d{17}[\\dX]$',
  phone: '^1\\d{10}$',
};

/** A field of the merged form: its value schema, labels and where it comes from. */
export interface FormFieldSchema extends JsonSchema {
  title: string;
  description?: string;
  'x-label': LocalizedText;
  'x-help'?: LocalizedText;
  /** The id of the section of `x-sections` that lists the field. */
  'x-section': string;
  /** Items that use the field, required or optional, in plan order. */
  'x-items': string[];
  /** Items that require the field, in plan order. */
  'x-required-by': string[];
  'x-prefill'?: { licenceType: string; attribute: string };
  /** The field's own condition, as written: it is asked only when this holds. */
  'x-condition'?: Condition;
  /** Option values with their labels, for fields of type enum. */
  'x-options'?: Array<{ value: string; label: LocalizedText }>;
}

export interface FormSection {
  id: string;
  title: LocalizedText;
  help?: LocalizedText;
  /** Ids of the fields of this section, in definition order. */
  fields: string[];
}

/** The merged form of a plan (see `mergeForm`). */
export interface FormSchema extends JsonSchema {
  $schema: typeof JSON_SCHEMA_DRAFT;
  /** `urn:yijianshi:form:<bundleId>:<version>` */
  $id: string;
  title: string;
  description?: string;
  type: 'object';
  additionalProperties: false;
  properties: Record<string, FormFieldSchema>;
  /** Fields required whatever the values (absent when there are none). */
  required?: string[];
  /** "Given" for required fields, then one `{ if, then: { required } }` per distinct condition. */
  allOf?: JsonSchema[];
  $defs: { filled: JsonSchema };
  'x-sections': FormSection[];
  'x-bundle': { id: string; version: number; hash: string; title: LocalizedText };
}

/** The id of the merged form of a bundle version. */
export function formId(bundleId: string, version: number): string {
  return `urn:yijianshi:form:${bundleId}:${version}`;
}

/** Merges every field of the plan into the one form the applicant fills (see the module comment). */
export function mergeForm(plan: ExecutionPlan): FormSchema {
  const sections = formSections(plan);
  const sectionOf = new Map(sections.flatMap((section) => section.fields.map((id) => [id, section.id] as const)));
  const users = itemsByField(plan);
  const properties: Record<string, FormFieldSchema> = {};
  for (const field of plan.fields) {
    properties[field.id] = fieldSchema(field, users.get(field.id) ?? NO_USERS, sectionOf.get(field.id)!);
  }
  const { always, conditional } = requirements(plan);
  const allOf: JsonSchema[] = [];
  if (always.length > 0) allOf.push({ properties: filled(always) });
  for (const { condition, fields } of conditional) {
    allOf.push({ if: conditionSchema(condition), then: { required: fields, properties: filled(fields) } });
  }
  const form: FormSchema = {
    $schema: JSON_SCHEMA_DRAFT,
    $id: formId(plan.bundleId, plan.version),
    title: plan.title.zh,
    ...(plan.description ? { description: plan.description.zh } : {}),
    type: 'object',
    additionalProperties: false,
    properties,
    ...(always.length > 0 ? { required: always } : {}),
    ...(allOf.length > 0 ? { allOf } : {}),
    $defs: { filled: { description: 'A given value: neither null nor the empty string.', ...setValueSchema() } },
    'x-sections': sections,
    'x-bundle': { id: plan.bundleId, version: plan.version, hash: plan.hash, title: plan.title },
  };
  // Labels, conditions and prefills are the plan's own objects: the form must not share them.
  return structuredClone(form);
}

/** `{ field: { $ref: filled } }` for each field. */
function filled(fields: string[]): Record<string, JsonSchema> {
  return Object.fromEntries(fields.map((id) => [id, { $ref: FILLED_REF }]));
}

/**
 * Sections in definition order, each with its fields; fields naming no section go to a trailing
 * "other" section (or join the definition's own "other" section if it has one).
 */
function formSections(plan: ExecutionPlan): FormSection[] {
  const sections: FormSection[] = plan.sections.map((section) => ({
    id: section.id,
    title: section.title,
    ...(section.help ? { help: section.help } : {}),
    fields: [],
  }));
  const byId = new Map(sections.map((section) => [section.id, section]));
  for (const field of plan.fields) {
    let section = field.section === undefined ? undefined : byId.get(field.section);
    if (!section) {
      // No section, or (only in a plan that skipped lint) an unknown one.
      section = byId.get(OTHER_SECTION.id);
      if (!section) {
        section = { id: OTHER_SECTION.id, title: { ...OTHER_SECTION.title }, fields: [] };
        sections.push(section);
        byId.set(section.id, section);
      }
    }
    section.fields.push(field.id);
  }
  return sections;
}

interface FieldUsers {
  /** Items that ask for the field, required or optional, in plan order. */
  items: string[];
  /** Items that require it, in plan order. */
  requiredBy: string[];
}

const NO_USERS: FieldUsers = { items: [], requiredBy: [] };

/** Which items use each field, from one pass over the items (a search per field would be quadratic). */
function itemsByField(plan: ExecutionPlan): Map<string, FieldUsers> {
  const users = new Map<string, FieldUsers>();
  const entry = (id: string) => users.get(id) ?? users.set(id, { items: [], requiredBy: [] }).get(id)!;
  for (const item of plan.items) {
    const required = new Set(item.fields);
    for (const id of new Set([...item.fields, ...item.optionalFields])) {
      const user = entry(id);
      user.items.push(item.id);
      if (required.has(id)) user.requiredBy.push(item.id);
    }
  }
  return users;
}

function fieldSchema(field: Field, users: FieldUsers, section: string): FormFieldSchema {
  return {
    ...valueSchema(field),
    title: field.label.zh,
    ...(field.help ? { description: field.help.zh } : {}),
    'x-label': field.label,
    ...(field.help ? { 'x-help': field.help } : {}),
    'x-section': section,
    'x-items': [...users.items],
    'x-required-by': [...users.requiredBy],
    ...(field.prefill ? { 'x-prefill': field.prefill } : {}),
    ...(field.condition ? { 'x-condition': field.condition } : {}),
    ...(field.type === 'enum' ? { 'x-options': field.options ?? [] } : {}),
  };
}

/** The JSON Schema of a field's value. */
function valueSchema(field: Field): JsonSchema {
  switch (field.type) {
    case 'integer':
    case 'number':
      return {
        type: field.type,
        ...(field.minimum !== undefined ? { minimum: field.minimum } : {}),
        ...(field.maximum !== undefined ? { maximum: field.maximum } : {}),
      };
    case 'boolean':
      return { type: 'boolean' };
    case 'enum':
      return { type: 'string', enum: (field.options ?? []).map((option) => option.value), ...stringConstraints(field) };
    case 'date':
      return { type: 'string', format: 'date', ...stringConstraints(field) };
    case 'email':
      return { type: 'string', format: 'email', ...stringConstraints(field) };
    default:
      return { type: 'string', ...stringConstraints(field) };
  }
}

/** Lengths and patterns; a type's own pattern and the field's both apply (the field's in `allOf`). */
function stringConstraints(field: Field): JsonSchema {
  const typePattern = TYPE_PATTERNS[field.type];
  const patterns = [typePattern, field.pattern].filter((pattern): pattern is string => pattern !== undefined);
  return {
    ...(field.minLength !== undefined ? { minLength: field.minLength } : {}),
    ...(field.maxLength !== undefined ? { maxLength: field.maxLength } : {}),
    ...(patterns.length > 0 ? { pattern: patterns[0] } : {}),
    ...(patterns.length > 1 ? { allOf: [{ pattern: patterns[1] }] } : {}),
  };
}

interface Requirement {
  condition: Condition;
  fields: string[];
}

/**
 * Which fields are required under which condition: per required use of a field by an item, the item's
 * condition and the field's (either may be absent). Fields required without any condition are `always`;
 * the others are grouped per distinct condition, groups in the order they first occur (plan item
 * order), fields in definition order.
 */
function requirements(plan: ExecutionPlan): { always: string[]; conditional: Requirement[] } {
  const fields = new Map(plan.fields.map((field) => [field.id, field]));
  const order = new Map(plan.fields.map((field, index) => [field.id, index]));
  const always = new Set<string>();
  const groups = new Map<string, { condition: Condition; fields: Set<string> }>();
  for (const item of plan.items) {
    for (const id of item.fields) {
      const field = fields.get(id);
      if (!field) continue; // lint refuses unknown fields; `requiredFields` ignores them too
      const condition = conjunction([item.condition, field.condition]);
      if (!condition) {
        always.add(id);
        continue;
      }
      const key = canonicalize(condition)!;
      const group = groups.get(key) ?? { condition, fields: new Set<string>() };
      group.fields.add(id);
      groups.set(key, group);
    }
  }
  const byDefinition = (ids: Iterable<string>) => [...ids].sort((a, b) => order.get(a)! - order.get(b)!);
  const conditional = [...groups.values()]
    .map(({ condition, fields: ids }) => ({ condition, fields: byDefinition([...ids].filter((id) => !always.has(id))) }))
    .filter((group) => group.fields.length > 0);
  return { always: byDefinition(always), conditional };
}

/** The conjunction of some conditions, `all` flattened and repeated conjuncts dropped; undefined for none. */
function conjunction(conditions: Array<Condition | undefined>): Condition | undefined {
  const conjuncts = new Map<string, Condition>();
  const add = (condition: Condition) => {
    if ('all' in condition) condition.all.forEach(add);
    else conjuncts.set(canonicalize(condition)!, condition);
  };
  conditions.forEach((condition) => condition && add(condition));
  const list = [...conjuncts.values()];
  return list.length === 0 ? undefined : list.length === 1 ? list[0] : { all: list };
}
