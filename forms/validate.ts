/**
 * Validation of an application against its plan: the one form's values and the materials named.
 *
 * The form is validated by Ajv (JSON Schema draft 2020-12) against the merged form of the plan
 * (`mergeForm`), so the applicant, the integrator and the engine read the same schema. A field is
 * required when an item that applies to this application requires it (and the field's own condition
 * holds). Every problem is reported at once, each with its JSON path.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { evaluateCondition } from '../definitions/condition';
import type { ExecutionPlan } from '../definitions/plan';
import type { Field } from '../definitions/schema';
import type { Application } from '../domain/application';
import { FILLED_REF, FORM_KEYWORDS, mergeForm, TYPE_PATTERNS } from './merge';

export interface ApplicationIssue {
  path: string;
  code: string;
  message: string;
}

/**
 * Problems of an application: each invalid, missing or unknown field of the form (`/form/<field>`,
 * codes `invalid-value`, `required`, `unknown-field`), then each unknown or repeated material.
 * A null value is read as not given, as the condition language reads it.
 */
export function validateApplication(plan: ExecutionPlan, application: Application): ApplicationIssue[] {
  return [...validateForm(plan, application.form), ...validateMaterials(plan, application)];
}

/** Field ids required for these form values: the union over the items that apply. */
export function requiredFields(plan: ExecutionPlan, form: Record<string, unknown>): Set<string> {
  const fields = new Map(plan.fields.map((f) => [f.id, f]));
  const required = new Set<string>();
  for (const item of plan.items) {
    if (item.condition && !evaluateCondition(item.condition, form)) continue;
    for (const id of item.fields) {
      const field = fields.get(id);
      if (field && (!field.condition || evaluateCondition(field.condition, form))) required.add(id);
    }
  }
  return required;
}

/**
 * An Ajv instance for merged forms: their annotation keywords and formats known, every error reported.
 * `ownProperties`: a field named like an Object.prototype member ("constructor") is given only when the
 * form has it. No `strictTypes`: conditions apply to the form object and need not repeat its type.
 */
export function createFormAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, ownProperties: true, strictTypes: false });
  addFormats(ajv, ['date', 'email']);
  ajv.addVocabulary([...FORM_KEYWORDS]);
  return ajv;
}

const ajv = createFormAjv();
/** Compiled form validators by plan hash: a plan's form never changes. */
const validators = new Map<string, ValidateFunction>();

function formValidator(plan: ExecutionPlan): ValidateFunction {
  let validate = validators.get(plan.hash);
  if (!validate) {
    // Without `$id`: Ajv would refuse a second, different schema under the same id (e.g. an unpublished
    // draft of a published version), and the validator is only ever used through this cache.
    const { $id: _id, ...schema } = mergeForm(plan);
    validate = ajv.compile(schema);
    validators.set(plan.hash, validate);
  }
  return validate;
}

function validateForm(plan: ExecutionPlan, form: Record<string, unknown>): ApplicationIssue[] {
  const fields = new Map(plan.fields.map((f) => [f.id, f]));
  const given = Object.fromEntries(
    Object.entries(form).filter(([id, value]) => !(fields.has(id) && (value === null || value === undefined))),
  );
  const validate = formValidator(plan);
  if (validate(given)) return [];
  return formIssues(validate.errors ?? [], fields, Object.keys(form));
}

/**
 * Ajv's errors as issues: one per field and code (a field's several value problems share one message),
 * a blank required field only as `required`, in the order of the form's fields, unknown ones last.
 */
function formIssues(errors: ErrorObject[], fields: Map<string, Field>, keys: string[]): ApplicationIssue[] {
  const byField = new Map<string, { code: string; messages: string[] }[]>();
  const add = (field: string, code: string, message: string) => {
    const issues = byField.get(field) ?? [];
    const issue = issues.find((candidate) => candidate.code === code);
    if (!issue) issues.push({ code, messages: [message] });
    else if (!issue.messages.includes(message)) issue.messages.push(message);
    byField.set(field, issues);
  };
  for (const error of errors) {
    // An `if` whose `then` failed: the `then` errors say what is wrong.
    if (error.keyword === 'if') continue;
    if (error.keyword === 'required') {
      const id = String(error.params.missingProperty);
      add(id, 'required', requiredMessage(fields.get(id), id));
    } else if (error.keyword === 'additionalProperties') {
      const id = String(error.params.additionalProperty);
      add(id, 'unknown-field', `The bundle has no field "${id}".`);
    } else {
      const id = error.instancePath.split('/')[1] ?? '';
      if (error.schemaPath.startsWith(`${FILLED_REF}/`)) add(id, 'required', requiredMessage(fields.get(id), id));
      else add(id, 'invalid-value', valueMessage(fields.get(id), error));
    }
  }
  const order = [...fields.keys(), ...keys.filter((key) => !fields.has(key))];
  const position = (id: string) => (order.indexOf(id) === -1 ? order.length : order.indexOf(id));
  return [...byField.entries()]
    .sort(([a], [b]) => position(a) - position(b))
    .flatMap(([id, issues]) => {
      // A blank required field is missing; that its blank value is also no valid value says nothing more.
      const kept = issues.some((issue) => issue.code === 'required') ? issues.filter((issue) => issue.code === 'required') : issues;
      return kept.map((issue) => ({ path: id === '' ? '/form' : `/form/${id}`, code: issue.code, message: issue.messages.join('; ') }));
    });
}

function requiredMessage(field: Field | undefined, id: string): string {
  return field ? `"${field.label.zh}" (${field.label.en}) is required.` : `"${id}" is required.`;
}

/** What a valid value of the field looks like, for the keyword it failed. */
function valueMessage(field: Field | undefined, error: ErrorObject): string {
  if (!field) return error.message ?? 'invalid value';
  const limit = error.params.limit as number;
  switch (error.keyword) {
    case 'minLength':
      return `expected at least ${limit} character${limit === 1 ? '' : 's'}`;
    case 'maxLength':
      return `expected at most ${limit} character${limit === 1 ? '' : 's'}`;
    case 'minimum':
      return `expected at least ${limit}`;
    case 'maximum':
      return `expected at most ${limit}`;
    case 'pattern':
      return error.params.pattern === TYPE_PATTERNS[field.type] ? expected(field) : `expected to match ${error.params.pattern}`;
    default:
      // type, enum, format
      return expected(field);
  }
}

/** The value a field of this type takes, in plain words. */
function expected(field: Field): string {
  switch (field.type) {
    case 'boolean':
      return 'expected true or false';
    case 'integer':
      return 'expected a whole number';
    case 'number':
      return 'expected a number';
    case 'enum':
      return `expected one of: ${(field.options ?? []).map((o) => o.value).join(', ')}`;
    case 'date':
      return 'expected a date as YYYY-MM-DD';
    case 'id-number':
      return 'expected an 18-character resident ID number';
    case 'phone':
      return 'expected an 11-digit mobile number';
    case 'email':
      return 'expected an e-mail address';
    default:
      return 'expected a string';
  }
}

function validateMaterials(plan: ExecutionPlan, application: Application): ApplicationIssue[] {
  const known = new Set(plan.materials.map((m) => m.id));
  const seen = new Set<string>();
  const issues: ApplicationIssue[] = [];
  application.materials.forEach((material, index) => {
    if (!known.has(material.id)) {
      issues.push({ path: `/materials/${index}/id`, code: 'unknown-material', message: `The bundle has no material "${material.id}".` });
    } else if (seen.has(material.id)) {
      issues.push({ path: `/materials/${index}/id`, code: 'duplicate-material', message: `Material "${material.id}" is given twice.` });
    }
    seen.add(material.id);
  });
  return issues;
}
