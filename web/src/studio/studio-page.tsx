import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiProblem, data } from '../api/client';
import { useBundles, type BundleDefinition } from '../api/definitions';
import { localized } from '../i18n';
import { ErrorMessage } from '../shared/error-message';
import { FlowDiagram } from './flow-diagram';
import { FormPreview } from './form-preview';
import { JsonEditor, type Issue, type JsonEditorHandle } from './json-editor';
import { ReductionsTable } from './reductions-table';

const LINT_DELAY_MS = 400;

function parse(text: string): { value?: BundleDefinition; error?: string } {
  try {
    return { value: JSON.parse(text) as BundleDefinition };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/**
 * 设计器: open a published bundle (or a draft of its next version), edit its JSON with completion from
 * the definition schema, see every lint issue at its path as you type, the flow as a diagram, the four
 * reductions, the one form the draft would produce (live), and publish (409 and 422 explained).
 */
export default function StudioPage() {
  const { t } = useTranslation();
  const bundles = useBundles();
  const schema = useQuery({ queryKey: ['definition-schema'], staleTime: Infinity, queryFn: () => data(api.GET('/definitions/schema')) as Promise<object> });
  const [bundleId, setBundleId] = useState<string>();
  const [initial, setInitial] = useState<string>();
  const [text, setText] = useState('');
  const [issues, setIssues] = useState<Issue[]>([]);
  const [syntax, setSyntax] = useState<string>();
  const editor = useRef<JsonEditorHandle>(null);

  async function open(id: string, asDraft: boolean) {
    const published = await data(api.GET('/definitions/{id}', { params: { path: { id } } }));
    const definition = published.definition as Record<string, unknown>;
    const start = JSON.stringify(asDraft ? { ...definition, version: published.version + 1 } : definition, null, 2);
    setBundleId(id);
    setInitial(start);
    setText(start);
  }

  // Lint as the designer types: the API's whole lint (schema and semantics), a moment after the last key.
  useEffect(() => {
    if (!text) return;
    const parsed = parse(text);
    setSyntax(parsed.error);
    if (parsed.error) return;
    const timer = setTimeout(() => {
      data(api.POST('/definitions/validate', { body: parsed.value as Record<string, unknown> })).then(
        (result) => setIssues(result.issues),
        () => undefined,
      );
    }, LINT_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text]);

  const draft = useMemo(() => parse(text).value, [text]);
  const publish = useMutation({ mutationFn: () => data(api.POST('/definitions', { body: draft as Record<string, unknown> })) });
  const errors = issues.filter((i) => i.severity === 'error');

  return (
    <section aria-labelledby="studio-title" className="studio">
      <h1 id="studio-title">{t('studio.title')}</h1>
      <form className="inline-form" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="studio-bundle">{t('studio.bundle')}</label>
        <select id="studio-bundle" value={bundleId ?? ''} onChange={(e) => e.target.value && void open(e.target.value, false)}>
          <option value="">{t('studio.choose')}</option>
          {bundles.data?.map((b) => (
            <option key={b.id} value={b.id}>
              {localized(b.title)} (v{b.latestVersion})
            </option>
          ))}
        </select>
        <button type="button" disabled={!bundleId} onClick={() => bundleId && void open(bundleId, true)}>
          {t('studio.newDraft')}
        </button>
      </form>
      {initial !== undefined && (
        <div className="studio-grid">
          <section aria-labelledby="editor-title" className="studio-editor">
            <h2 id="editor-title">{t('studio.editor')}</h2>
            <JsonEditor ref={editor} initial={initial} schema={schema.data} issues={issues} label={t('studio.editorLabel')} onChange={setText} />
            <section aria-labelledby="issues-title" aria-live="polite">
              <h3 id="issues-title">{t('studio.issues', { count: issues.length })}</h3>
              {syntax && (
                <p role="alert" className="error">
                  {t('studio.syntax', { message: syntax })}
                </p>
              )}
              {errors.length === 0 && !syntax && <p className="ok">{t('studio.valid')}</p>}
              <ul className="issues" data-testid="lint-issues">
                {issues.map((issue, i) => (
                  <li key={`${issue.path}-${issue.code}-${i}`} className={`issue ${issue.severity}`}>
                    <button type="button" className="link" onClick={() => editor.current?.reveal(issue.path)}>
                      <code>{issue.path || '/'}</code>
                    </button>{' '}
                    <span className={`badge ${issue.severity === 'error' ? 'card-overdue' : 'card-yellow'}`}>{t(`studio.severity.${issue.severity}`)}</span> {issue.message}
                    {issue.hint && <div className="muted">{issue.hint}</div>}
                  </li>
                ))}
              </ul>
            </section>
            <div className="button-row">
              <button type="button" className="primary" disabled={!draft || errors.length > 0 || publish.isPending} onClick={() => publish.mutate()}>
                {t('studio.publish')}
              </button>
            </div>
            {publish.error && <PublishError error={publish.error} />}
            {publish.data && (
              <p role="status" className="ok-box">
                {t('studio.published', { id: publish.data.bundleId, version: publish.data.version })}
              </p>
            )}
          </section>
          <section aria-labelledby="diagram-title" className="studio-side">
            <h2 id="diagram-title">{t('studio.diagram')}</h2>
            <FlowDiagram definition={errors.length === 0 ? draft : undefined} />
            {bundleId && <ReductionsTable bundleId={bundleId} />}
            <FormPreview draft={draft} delayMs={LINT_DELAY_MS} />
          </section>
        </div>
      )}
    </section>
  );
}

/** 409: that version exists with other content; 422: the definition has errors (listed). */
function PublishError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const status = error instanceof ApiProblem ? error.status : 0;
  return (
    <>
      {(status === 409 || status === 422) && <p className="error">{t(`studio.publish${status}`)}</p>}
      <ErrorMessage error={error} />
    </>
  );
}
