/**
 * The one form, rendered from the merged JSON Schema by @rjsf/core: fields grouped into their
 * sections (fieldsets with legends), conditional fields appearing and disappearing with the answers,
 * fields pre-filled from electronic licences marked as such, and problems — the browser's check and
 * the API's 422 — shown at their fields.
 */
import Form from '@rjsf/core';
import type { ErrorSchema, ObjectFieldTemplateProps, RJSFSchema, TranslatableString, UiSchema } from '@rjsf/utils';
import { englishStringTranslator } from '@rjsf/utils';
import { useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { askedValues, displaySchema, sectionsOf, type FormSchema, type FormValues } from './form-schema';
import { formValidator } from './validator';

interface Props {
  schema: FormSchema;
  values: FormValues;
  onChange(values: FormValues): void;
  onSubmit(values: FormValues): void;
  /** Problems from the API, by field id. */
  serverErrors?: Record<string, string[]>;
  /** Fields filled from electronic licences: the licence's name, by field id. */
  prefilled?: Record<string, string>;
  disabled?: boolean;
  readonly?: boolean;
  children?: ReactNode;
}

export function OneForm({ schema, values, onChange, onSubmit, serverErrors, prefilled, disabled, readonly, children }: Props) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const shown = useMemo(() => displaySchema(schema, values, language), [schema, values, language]);
  const validator = useMemo(() => formValidator(schema), [schema]);
  const sections = useMemo(() => sectionsOf(schema, language), [schema, language]);

  const uiSchema = useMemo(() => {
    const ui: UiSchema = { 'ui:submitButtonOptions': { norender: true } };
    for (const [field, licence] of Object.entries(prefilled ?? {})) ui[field] = { 'ui:help': t('form.prefilled', { licence }) };
    return ui;
  }, [prefilled, t]);

  const extraErrors = useMemo(() => {
    if (!serverErrors) return undefined;
    const errors: Record<string, { __errors: string[] }> = {};
    for (const [field, messages] of Object.entries(serverErrors)) errors[field] = { __errors: messages };
    return errors as unknown as ErrorSchema;
  }, [serverErrors]);

  const ObjectFieldTemplate = useMemo(
    () =>
      function SectionedObject({ properties }: ObjectFieldTemplateProps) {
        const byName = new Map(properties.map((p) => [p.name, p]));
        const placed = new Set(sections.flatMap((s) => s.fields));
        const rest = properties.filter((p) => !placed.has(p.name));
        return (
          <div className="form-sections">
            {sections.map((section) => {
              const fields = section.fields.map((f) => byName.get(f)).filter((p) => p && !p.hidden);
              if (fields.length === 0) return null;
              return (
                <fieldset key={section.id} className="form-section" data-section={section.id}>
                  <legend>{section.title}</legend>
                  {fields.map((p) => p!.content)}
                </fieldset>
              );
            })}
            {rest.map((p) => p.content)}
          </div>
        );
      },
    [sections],
  );

  const translateString = (key: TranslatableString, params?: string[]) => {
    const translated = t(`rjsf.${key}`, { defaultValue: '' });
    return translated || englishStringTranslator(key, params);
  };

  return (
    <Form
      schema={shown as RJSFSchema}
      uiSchema={uiSchema}
      formData={values}
      validator={validator}
      templates={{ ObjectFieldTemplate }}
      translateString={translateString}
      extraErrors={extraErrors}
      showErrorList={false}
      noHtml5Validate
      disabled={disabled}
      readonly={readonly}
      idPrefix="field"
      onChange={(event) => onChange((event.formData ?? {}) as FormValues)}
      onSubmit={(event) => onSubmit(askedValues(schema, (event.formData ?? {}) as FormValues))}
    >
      {children}
    </Form>
  );
}
