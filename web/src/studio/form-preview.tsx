import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiProblem, data } from '../api/client';
import type { BundleDefinition } from '../api/definitions';
import { ErrorMessage } from '../shared/error-message';
import { OneForm } from '../shared/form/one-form';
import type { FormSchema, FormValues } from '../shared/form/form-schema';

/**
 * The one form the draft would produce, merged by the API as publishing would
 * (`POST /definitions/form-preview`) a moment after the last key, and rendered with the applicant's
 * own form component: the designer answers it to see conditional fields appear and disappear. While
 * the draft has errors the last form that merged stays, marked as such (the issues are listed beside).
 */
export function FormPreview({ draft, delayMs }: { draft: BundleDefinition | undefined; delayMs: number }) {
  const { t } = useTranslation();
  const [schema, setSchema] = useState<FormSchema>();
  const [stale, setStale] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const [values, setValues] = useState<FormValues>({});

  useEffect(() => {
    if (!draft) return;
    let current = true;
    const timer = setTimeout(() => {
      data(api.POST('/definitions/form-preview', { body: draft as unknown as Record<string, unknown> })).then(
        (form) => {
          if (!current) return;
          setSchema(form as unknown as FormSchema);
          setStale(false);
          setFailure(undefined);
        },
        (err: unknown) => {
          if (!current) return;
          // An invalid draft keeps the last preview; anything else is shown.
          if (err instanceof ApiProblem && err.status === 422) setStale(true);
          else setFailure(err);
        },
      );
    }, delayMs);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [draft, delayMs]);

  return (
    <section aria-labelledby="preview-title" className="form-preview" data-testid="form-preview">
      <h2 id="preview-title">{t('studio.preview')}</h2>
      <p className="muted">{t('studio.previewHelp')}</p>
      {stale && (
        <p role="status" className="error">
          {t('studio.previewStale')}
        </p>
      )}
      {failure !== undefined && <ErrorMessage error={failure} />}
      {schema ? (
        <OneForm schema={schema} values={values} onChange={setValues} onSubmit={() => undefined} />
      ) : (
        <p role="status">{t('common.loading')}</p>
      )}
    </section>
  );
}
