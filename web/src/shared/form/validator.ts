/**
 * The form library's validator over @cfworker/json-schema (JSON Schema 2020-12, and no code generated
 * at run time, so the page's CSP needs no 'unsafe-eval' as Ajv would). Every answer is checked against
 * the whole merged schema — conditional requirements included — and each problem is put at its field,
 * in the person's language. The API checks again on submit; its 422s land at the same fields.
 */
import { Validator, type OutputUnit, type Schema } from '@cfworker/json-schema';
import { toErrorSchema, type RJSFSchema, type RJSFValidationError, type ValidationData, type ValidatorType } from '@rjsf/utils';
import i18n from '../../i18n';
import type { FormSchema, FormValues } from './form-schema';
import { askedValues } from './form-schema';

/** Keywords whose failure only says a sub-schema failed: the failing leaf says why. */
const WRAPPERS = new Set(['properties', 'allOf', 'anyOf', 'oneOf', 'if', 'then', 'else', '$ref', 'items', 'prefixItems', 'dependentSchemas']);

function fieldOf(unit: OutputUnit): string | undefined {
  if (unit.keyword === 'required') return /"([^"]+)"/.exec(unit.error)?.[1];
  const path = unit.instanceLocation.replace(/^#\/?/, '');
  return path ? decodeURIComponent(path.split('/')[0]!.replace(/~1/g, '/').replace(/~0/g, '~')) : undefined;
}

function message(unit: OutputUnit): string {
  const keyword = unit.keyword === 'not' ? 'required' : unit.keyword;
  return i18n.t(`form.error.${keyword}`, { defaultValue: i18n.t('form.error.invalid') });
}

/** Field problems of the answers against a schema, one per field (the first). */
export function fieldErrors(schema: Schema, values: unknown): RJSFValidationError[] {
  const result = new Validator(schema, '2020-12', false).validate(values);
  const seen = new Set<string>();
  const errors: RJSFValidationError[] = [];
  for (const unit of result.errors) {
    if (WRAPPERS.has(unit.keyword)) continue;
    const field = fieldOf(unit);
    if (!field || seen.has(field)) continue;
    seen.add(field);
    const text = message(unit);
    errors.push({ name: unit.keyword, property: `.${field}`, message: text, stack: `${field}: ${text}`, schemaPath: unit.keywordLocation });
  }
  return errors;
}

const withDefs = (schema: RJSFSchema, root: RJSFSchema): Schema => {
  const { $id: _id, ...rest } = schema as Record<string, unknown>;
  return { ...rest, $defs: { ...((root as FormSchema).$defs ?? {}), ...((schema as FormSchema).$defs ?? {}) } } as Schema;
};

/** A validator checking the answers against `whole` (the merged form), whatever schema is shown. */
export function formValidator(whole: FormSchema): ValidatorType {
  const { $id: _id, ...schema } = whole;
  return {
    validateFormData(formData: unknown): ValidationData<unknown> {
      const errors = fieldErrors(schema as Schema, askedValues(whole, (formData ?? {}) as FormValues));
      return { errors, errorSchema: toErrorSchema(errors) };
    },
    isValid(shown: RJSFSchema, formData: unknown, root: RJSFSchema): boolean {
      return new Validator(withDefs(shown, root), '2020-12', true).validate(formData).valid;
    },
    rawValidation<Result>(shown: RJSFSchema, formData?: unknown) {
      return { errors: new Validator(withDefs(shown, shown), '2020-12', false).validate(formData).errors as Result[] };
    },
  };
}
