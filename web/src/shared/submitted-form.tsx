/**
 * The one form as the applicant submitted it, for the officers who work the case: rendered by the same
 * JSON Schema form (OneForm, @rjsf) the applicant filled, read-only, with the fields the electronic
 * licence library filled marked as such. Values come from `GET /cases/{caseId}/form`, the schema from
 * the bundle version the case is pinned to.
 */
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { api, data } from '../api/client';
import { useForm } from '../api/definitions';
import { ErrorMessage } from './error-message';
import { OneForm } from './form/one-form';

const nothing = () => undefined;

export function SubmittedForm({ caseId, bundleId, version }: { caseId: string; bundleId: string; version: number }) {
  const { t } = useTranslation();
  const submitted = useQuery({
    queryKey: ['case-form', caseId],
    staleTime: 60_000, // the form does not change once submitted
    queryFn: () => data(api.GET('/cases/{caseId}/form', { params: { path: { caseId } } })),
  });
  const schema = useForm(bundleId, version);
  const prefilled = useMemo(() => {
    const names: Record<string, string> = {};
    for (const [field, from] of Object.entries(submitted.data?.prefilledFrom ?? {})) names[field] = t(`licence.${from.licenceType}`, { defaultValue: from.licenceType });
    return names;
  }, [submitted.data, t]);

  const error = submitted.error ?? schema.error;
  return (
    <section aria-labelledby="submitted-form-title" className="submitted-form">
      <h2 id="submitted-form-title">{t('caseFiles.formTitle')}</h2>
      {error && <ErrorMessage error={error} />}
      {!error && (!submitted.data || !schema.data) && <p role="status">{t('common.loading')}</p>}
      {submitted.data && schema.data && (
        <>
          <p className="muted">{t('caseFiles.formHint')}</p>
          <OneForm schema={schema.data} values={submitted.data.values} prefilled={prefilled} readonly onChange={nothing} onSubmit={nothing} />
        </>
      )}
    </section>
  );
}
