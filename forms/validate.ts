/**
 * Validation of an application against its plan: the one form's values and the materials named.
 *
 * A field is required when an item that applies to this application requires it (and the field's
 * own condition holds). Every problem is reported at once, each with its JSON path.
 */
import { evaluateCondition } from '../definitions/condition';
import type { ExecutionPlan } from '../definitions/plan';
import type { Field } from '../definitions/schema';
import type { Application } from '../workflows/messages';

export interface ApplicationIssue {
  path: string;
  code: string;
  message: string;
}

const ID_NUMBER = /^\d{17}[\dX]$/;
const PHONE = /^1\d{10}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

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

function validateForm(plan: ExecutionPlan, form: Record<string, unknown>): ApplicationIssue[] {
  const issues: ApplicationIssue[] = [];
  const fields = new Map(plan.fields.map((f) => [f.id, f]));
  for (const [id, value] of Object.entries(form)) {
    const field = fields.get(id);
    if (!field) {
      issues.push({ path: `/form/${id}`, code: 'unknown-field', message: `The bundle has no field "${id}".` });
    } else if (value !== null && value !== undefined) {
      const problem = checkValue(field, value);
      if (problem) issues.push({ path: `/form/${id}`, code: 'invalid-value', message: problem });
    }
  }
  for (const id of requiredFields(plan, form)) {
    if (form[id] === undefined || form[id] === null || form[id] === '') {
      const label = fields.get(id)!.label;
      issues.push({ path: `/form/${id}`, code: 'required', message: `"${label.zh}" (${label.en}) is required.` });
    }
  }
  return issues;
}

/** What is wrong with a value for a field, or undefined when it is fine. */
function checkValue(field: Field, value: unknown): string | undefined {
  switch (field.type) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'expected true or false';
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'expected a number';
      if (field.type === 'integer' && !Number.isInteger(value)) return 'expected a whole number';
      if (field.minimum !== undefined && value < field.minimum) return `expected at least ${field.minimum}`;
      if (field.maximum !== undefined && value > field.maximum) return `expected at most ${field.maximum}`;
      return undefined;
    default:
      return typeof value === 'string' ? checkString(field, value) : 'expected a string';
  }
}

function checkString(field: Field, value: string): string | undefined {
  const formats: Partial<Record<Field['type'], [RegExp, string]>> = {
    'id-number': [ID_NUMBER, 'expected an 18-character resident ID number'],
    phone: [PHONE, 'expected an 11-digit mobile number'],
    email: [EMAIL, 'expected an e-mail address'],
    date: [DATE, 'expected a date as YYYY-MM-DD'],
  };
  const format = formats[field.type];
  if (format && !format[0].test(value)) return format[1];
  if (field.type === 'enum' && !field.options?.some((o) => o.value === value)) {
    return `expected one of: ${(field.options ?? []).map((o) => o.value).join(', ')}`;
  }
  if (field.minLength !== undefined && value.length < field.minLength) return `expected at least ${field.minLength} characters`;
  if (field.maxLength !== undefined && value.length > field.maxLength) return `expected at most ${field.maxLength} characters`;
  if (field.pattern && !new RegExp(field.pattern, 'u').test(value)) return `expected to match ${field.pattern}`;
  return undefined;
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
