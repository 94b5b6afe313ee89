import { useMutation } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { evaluateCondition } from '../../../definitions/condition';
import { api, ApiProblem, data } from '../api/client';
import { useDefinition, useForm, usePrefill, type Material } from '../api/definitions';
import type { Session } from '../auth/session';
import { localized } from '../i18n';
import { ErrorMessage } from '../shared/error-message';
import { OneForm } from '../shared/form/one-form';
import type { FormValues } from '../shared/form/form-schema';
import { PATHS } from '../shared/paths';
import { MaterialUploads, type Uploaded } from './material-uploads';
import { Notice } from './notice';

/** An ID number of a person (18 characters, the last a digit or X); anything else is a credit code. */
const isPersonId = (subject: string) => /^\d{17}[\dX]$/.test(subject);

/** Field problems of a 422 by field id (`/form/<field>`); the rest are shown above the form. */
function formErrors(error: unknown): Record<string, string[]> | undefined {
  if (!(error instanceof ApiProblem) || !error.problem.errors) return undefined;
  const byField: Record<string, string[]> = {};
  for (const e of error.problem.errors) {
    const match = /^\/form\/([^/]+)/.exec(e.path);
    if (match) (byField[match[1]!] ??= []).push(e.message);
  }
  return byField;
}

/** 一次告知, then the one form, the materials, and one submission. */
export function ApplyPage({ session, bundleId }: { session: Session; bundleId: string }) {
  const { t, i18n } = useTranslation();
  const [, navigate] = useLocation();
  const subject = session.person.subjectId!;
  const published = useDefinition(bundleId);
  const version = published.data?.version;
  const form = useForm(bundleId, version);
  const prefill = usePrefill(bundleId, subject, version);
  const [started, setStarted] = useState(false);
  const [edited, setEdited] = useState<FormValues>({});
  const [uploads, setUploads] = useState<Record<string, Uploaded>>({});
  const [serverErrors, setServerErrors] = useState<Record<string, string[]>>();
  // One key per visit: a second click, or a retry after a lost answer, is the same application.
  const [idempotencyKey] = useState(() => crypto.randomUUID());

  const values = useMemo(() => ({ ...(prefill.data?.form ?? {}), ...edited }), [prefill.data, edited]);
  const definition = published.data?.definition;

  const prefilled = useMemo(() => {
    const names: Record<string, string> = {};
    for (const f of prefill.data?.fields ?? []) names[f.field] = t(`licence.${f.licenceType}`, { defaultValue: f.licenceType });
    return names;
  }, [prefill.data, t]);

  /** Materials to upload for the items that apply to the answers so far. */
  const asked: Material[] = useMemo(() => {
    if (!definition || !prefill.data) return [];
    const applying = definition.items.filter((item) => !item.condition || evaluateCondition(item.condition, values));
    const needed = new Set(applying.flatMap((item) => item.materials));
    const toUpload = new Set(prefill.data.materialsToUpload);
    return definition.materials.filter((m) => needed.has(m.id) && toUpload.has(m.id));
  }, [definition, prefill.data, values]);

  const submit = useMutation({
    mutationFn: async (answers: FormValues) =>
      data(
        api.POST('/cases', {
          headers: { 'idempotency-key': idempotencyKey },
          body: {
            bundleId,
            version,
            applicant: { subjectId: subject, kind: isPersonId(subject) ? 'person' : 'company', name: session.person.name },
            form: answers,
            materials: asked.filter((m) => uploads[m.id]).map((m) => ({ id: m.id, sha256: uploads[m.id]!.sha256 })),
          },
        }),
      ),
    onSuccess: (startedCase) => {
      navigate(PATHS.progress(startedCase.caseId));
    },
    onError: (error) => setServerErrors(formErrors(error)),
  });

  const loading = published.isPending || form.isPending || prefill.isPending;
  const error = published.error ?? form.error ?? prefill.error;
  return (
    <article aria-labelledby="apply-title" className="apply">
      <h1 id="apply-title">{definition ? localized(definition.title) : t('common.loading')}</h1>
      {error && <ErrorMessage error={error} />}
      {loading && !error && <p role="status">{t('common.loading')}</p>}
      {definition && <Notice definition={definition} prefill={prefill.data} />}
      {definition && !started && (
        <p>
          <button type="button" className="primary" onClick={() => setStarted(true)} disabled={loading}>
            {t('apply.start')}
          </button>
        </p>
      )}
      {started && form.data && definition && version !== undefined && (
        <section aria-labelledby="form-title">
          <h2 id="form-title">{t('apply.formTitle')}</h2>
          <p className="muted">{t('apply.formHint', { language: i18n.language })}</p>
          <OneForm
            schema={form.data}
            values={values}
            prefilled={prefilled}
            serverErrors={serverErrors}
            disabled={submit.isPending}
            onChange={(next) => {
              setEdited(next);
              if (serverErrors) setServerErrors(Object.fromEntries(Object.entries(serverErrors).filter(([field]) => next[field] === values[field])));
            }}
            onSubmit={(answers) => submit.mutate(answers)}
          >
            <MaterialUploads
              bundleId={bundleId}
              version={version}
              materials={asked}
              uploads={uploads}
              onUploaded={(u) => setUploads((all) => ({ ...all, [u.material]: u }))}
              onRemoved={(material) =>
                setUploads((all) => {
                  const { [material]: _removed, ...rest } = all;
                  return rest;
                })
              }
            />
            {submit.error && <ErrorMessage error={submit.error} />}
            <p>
              <button type="submit" className="primary" disabled={submit.isPending}>
                {submit.isPending ? t('apply.submitting') : t('apply.submit')}
              </button>
            </p>
          </OneForm>
        </section>
      )}
    </article>
  );
}
