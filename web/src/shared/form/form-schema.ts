/**
 * The one form (一表申请) as the API merges it (`GET /definitions/:id/form`, JSON Schema 2020-12 with
 * `x-` annotations), turned into what the form library shows for the current answers: the fields
 * whose own condition (`x-condition`) holds, labels and option names in the person's language, and
 * the fields required now (the top-level `required` plus each `if/then` whose `if` holds). Validation
 * stays with the whole schema (validator.ts); nothing here re-types a field by hand.
 */
import { Validator, type Schema } from '@cfworker/json-schema';
import { evaluateCondition } from '../../../../definitions/condition';
import type { Condition } from '../../../../definitions/schema';

type Localized = { zh: string; en: string };

export interface FieldSchema {
  type?: string;
  title?: string;
  enum?: unknown[];
  'x-label'?: Localized;
  'x-section'?: string;
  'x-items'?: string[];
  'x-required-by'?: string[];
  'x-condition'?: Condition;
  'x-options'?: Array<{ value: unknown; label: Localized }>;
  'x-prefill'?: { licenceType: string; attribute: string };
  [keyword: string]: unknown;
}

export interface FormSchema {
  $id?: string;
  title?: string;
  required?: string[];
  properties: Record<string, FieldSchema>;
  allOf?: Array<{ if?: Schema; then?: { required?: string[] } }>;
  $defs?: Record<string, Schema>;
  'x-sections'?: Array<{ id: string; title: Localized; fields: string[] }>;
  'x-bundle'?: { id: string; version: number; title: Localized };
  [keyword: string]: unknown;
}

export type FormValues = Record<string, unknown>;

const pick = (text: Localized | undefined, language: string) => (text ? (language.startsWith('zh') ? text.zh : text.en || text.zh) : undefined);

/** Whether a field is asked for these answers (its own condition holds, or it has none). */
export function isAsked(field: FieldSchema, values: FormValues): boolean {
  return !field['x-condition'] || evaluateCondition(field['x-condition'], values);
}

/** The answers given, without those to fields no longer asked (a field that disappeared takes its value with it). */
export function askedValues(schema: FormSchema, values: FormValues): FormValues {
  return Object.fromEntries(Object.entries(values).filter(([id, value]) => value !== undefined && (!schema.properties[id] || isAsked(schema.properties[id], values))));
}

/** The fields required for these answers. */
export function requiredNow(schema: FormSchema, values: FormValues): string[] {
  const required = new Set(schema.required ?? []);
  for (const block of schema.allOf ?? []) {
    if (!block.if || !block.then?.required) continue;
    if (new Validator({ ...block.if, $defs: schema.$defs } as Schema, '2020-12', true).validate(values).valid) block.then.required.forEach((f) => required.add(f));
  }
  return [...required].filter((id) => schema.properties[id] && isAsked(schema.properties[id], values));
}

/** What the form library renders: the asked fields, in the sections' order, in the person's language. */
export function displaySchema(schema: FormSchema, values: FormValues, language: string): Record<string, unknown> {
  const order = (schema['x-sections'] ?? []).flatMap((s) => s.fields);
  const ids = [...order, ...Object.keys(schema.properties).filter((id) => !order.includes(id))];
  const properties: Record<string, unknown> = {};
  for (const id of ids) {
    const field = schema.properties[id];
    if (!field || !isAsked(field, values)) continue;
    const shown: Record<string, unknown> = {};
    for (const [keyword, value] of Object.entries(field)) if (!keyword.startsWith('x-') && keyword !== 'enum') shown[keyword] = value;
    shown.title = pick(field['x-label'], language) ?? field.title ?? id;
    if (field['x-options']) shown.oneOf = field['x-options'].map((o) => ({ const: o.value, title: pick(o.label, language) }));
    else if (field.enum) shown.enum = field.enum;
    properties[id] = shown;
  }
  return { type: 'object', properties, required: requiredNow(schema, values) };
}

/** The section of each field, and the sections' titles, for grouping the fields into fieldsets. */
export function sectionsOf(schema: FormSchema, language: string): Array<{ id: string; title: string; fields: string[] }> {
  return (schema['x-sections'] ?? []).map((s) => ({ id: s.id, title: pick(s.title, language) ?? s.id, fields: s.fields }));
}
