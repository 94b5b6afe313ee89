import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, data } from '../api/client';
import { useCaseProgress } from '../api/cases';
import { departmentName, useDefinition } from '../api/definitions';
import type { Session } from '../auth/session';
import { localized } from '../i18n';
import { CardBadge, StatusBadge } from '../shared/badges';
import { EventTimeline } from '../shared/case-timeline';
import { ErrorMessage } from '../shared/error-message';
import { formatDate, formatDateTime } from '../shared/format';
import { useIdempotencyKey } from '../shared/idempotency';
import { PATHS } from '../shared/paths';
import { MaterialView } from '../shared/material-view';
import { SubmittedForm } from '../shared/submitted-form';
import { CHOSEN_INPUTS, ITEM_ACTIONS, itemState, type Input, type ItemAction } from './item-actions';

/** An item of a case at the department: its clock and card, its steps, the one form and the materials as submitted, the timeline and the acts. */
export function ItemPage({ session, caseId, itemId }: { session: Session; caseId: string; itemId: string }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const progress = useCaseProgress(caseId);
  const p = progress.data;
  const item = p?.items.find((i) => i.id === itemId);
  const definition = useDefinition(p?.bundleId, p?.bundleVersion).data?.definition;
  const planned = definition?.items.find((i) => i.id === itemId);
  const materials = useQuery({ queryKey: ['case-materials', caseId], queryFn: () => data(api.GET('/cases/{caseId}/materials', { params: { path: { caseId } } })) });
  const [chosen, setChosen] = useState<ItemAction>();
  const [values, setValues] = useState<Record<Input, string>>({ opinion: '', comment: '', reason: '', materials: '', officer: '', earlierStep: '', note: '', specialStep: '' });
  const [key, nextKey] = useIdempotencyKey();
  const state = item ? itemState(item, planned) : undefined;
  const currentStep = item?.status === 'in-review' ? state?.current?.id : undefined;

  const act = useMutation({
    mutationFn: (action: ItemAction) =>
      action.run({
        caseId,
        itemId,
        step: state?.current?.id ?? '',
        values: { ...values, earlierStep: values.earlierStep || state?.earlier[0]?.id || '', specialStep: values.specialStep || state?.special[0]?.id || '' },
        idempotencyKey: key,
      }),
    onSuccess: () => {
      nextKey();
      setChosen(undefined);
      setValues((v) => ({ ...v, opinion: '', comment: '', reason: '', materials: '', note: '' }));
      void queryClient.invalidateQueries({ queryKey: ['case', caseId] });
      void queryClient.invalidateQueries({ queryKey: ['inbox'] });
    },
  });
  const offered = state ? ITEM_ACTIONS.filter((a) => a.offered(state, session.person)) : [];
  const ready = (a: ItemAction) => a.inputs.every((input) => a.optional?.includes(input) || CHOSEN_INPUTS.has(input) || values[input].trim().length > 0);
  const set = (input: Input) => (event: { target: { value: string } }) => setValues((v) => ({ ...v, [input]: event.target.value }));
  const stepTitle = (id: string | undefined) => localized(planned?.steps.find((s) => s.id === id)?.title) || id || '';

  return (
    <article aria-labelledby="item-title">
      <p>
        <Link href={PATHS.workbench}>{t('inbox.back')}</Link>
      </p>
      <h1 id="item-title">{item ? localized(item.title) : t('common.loading')}</h1>
      {progress.error && <ErrorMessage error={progress.error} />}
      {p && !item && <p role="alert">{t('item.notInCase')}</p>}
      {p && item && (
        <>
          <dl className="facts-grid">
            <dt>{t('progress.caseId')}</dt>
            <dd>
              <code>{p.caseId}</code> · {localized(p.title)}
            </dd>
            <dt>{t('progress.applicant')}</dt>
            <dd>{p.applicant.name}</dd>
            <dt>{t('progress.department')}</dt>
            <dd>{departmentName(definition, item.department, i18n.language)}</dd>
            <dt>{t('progress.status')}</dt>
            <dd data-testid="item-status">
              <StatusBadge status={item.status} /> {item.clock && <CardBadge card={item.clock.card} />}
            </dd>
            <dt>{t('progress.deadline')}</dt>
            <dd>
              {item.clock?.deadline ? formatDate(item.clock.deadline) : '—'}
              {item.clock?.paused && <span className="muted"> {t(item.status === 'special-step' ? 'item.specialStepPaused' : 'item.paused')}</span>}
            </dd>
            {planned && (
              <>
                <dt>{t('item.limits')}</dt>
                <dd>{t('notice.days', { promised: planned.promisedDays, statutory: planned.statutoryDays })}</dd>
                <dt>{t('item.steps')}</dt>
                <dd>
                  <ol className="steps">
                    {planned.steps.map((step) => (
                      <li key={step.id} aria-current={step.id === currentStep ? 'step' : undefined} className={step.id === currentStep ? 'current' : undefined}>
                        {localized(step.title)}
                        {step.id === currentStep && (
                          <span className="muted">
                            {' '}
                            {t('item.currentStep')}
                            {item.holder?.officer ? ` · ${t('inbox.heldBy', { holder: item.holder.name ?? item.holder.officer })}` : ` · ${t('item.unclaimed')}`}
                          </span>
                        )}
                      </li>
                    ))}
                  </ol>
                </dd>
              </>
            )}
          </dl>
          <section aria-labelledby="materials-title">
            <h2 id="materials-title">{t('item.materials')}</h2>
            <ul>
              {(materials.data ?? [])
                .filter((m) => m.items.includes(itemId))
                .map((m) => {
                  const name = definition?.materials.find((d) => d.id === m.material)?.name;
                  return (
                    <li key={m.material} data-material={m.material}>
                      {name ? localized(name) : m.material}{' '}
                      <span className="muted">{m.ref?.startsWith('licence:') ? t('window.sources.licence') : m.sha256 ? `${t('window.sources.upload')} ${m.sha256.slice(0, 12)}…` : t('window.sources.declared')}</span>
                      {m.sha256 && (
                        <>
                          {' '}
                          <MaterialView caseId={caseId} material={m.material} name={name ? localized(name) : m.material} />
                        </>
                      )}
                    </li>
                  );
                })}
            </ul>
          </section>
          <SubmittedForm caseId={caseId} bundleId={p.bundleId} version={p.bundleVersion} />
          {item.supplements && item.supplements.length > 0 && (
            <section aria-labelledby="supplements-title">
              <h2 id="supplements-title">{t('item.supplements')}</h2>
              <ul>
                {item.supplements.map((s) => (
                  <li key={s.requestedAt}>
                    {formatDateTime(s.requestedAt)} · {s.reason} · {s.suppliedAt ? t('item.supplied', { at: formatDateTime(s.suppliedAt) }) : t('item.waitingSupplement')}
                  </li>
                ))}
              </ul>
            </section>
          )}
          <section aria-labelledby="acts-title" className="actions">
            <h2 id="acts-title">{t('item.acts')}</h2>
            {offered.length === 0 && <p>{t('item.noActs')}</p>}
            <div className="button-row">
              {offered.map((a) => (
                <button key={a.id} type="button" className={a.tone === 'plain' ? undefined : a.tone} aria-pressed={chosen?.id === a.id} onClick={() => setChosen(a)}>
                  {t(`item.action.${a.id}`)}
                </button>
              ))}
            </div>
            {chosen && (
              <form
                className="act-form"
                aria-label={t(`item.action.${chosen.id}`)}
                onSubmit={(e) => {
                  e.preventDefault();
                  act.mutate(chosen);
                }}
              >
                {chosen.inputs.map((input) => (
                  <div key={input} className="act-input">
                    <label htmlFor={`act-${input}`}>
                      {t(`item.input.${input}`)}
                      {chosen.optional?.includes(input) ? ` ${t('item.optional')}` : ''}
                    </label>
                    {input === 'earlierStep' ? (
                      <select id="act-earlierStep" value={values.earlierStep || state?.earlier[0]?.id} onChange={set('earlierStep')}>
                        {state?.earlier.map((s) => (
                          <option key={s.id} value={s.id}>
                            {stepTitle(s.id)}
                          </option>
                        ))}
                      </select>
                    ) : input === 'specialStep' ? (
                      <select id="act-specialStep" value={values.specialStep || state?.special[0]?.id} onChange={set('specialStep')}>
                        {state?.special.map((s) => (
                          <option key={s.id} value={s.id}>
                            {localized(s.title)}
                          </option>
                        ))}
                      </select>
                    ) : input === 'officer' ? (
                      <input id="act-officer" value={values.officer} onChange={set('officer')} autoComplete="off" aria-describedby="act-officer-hint" />
                    ) : (
                      <textarea id={`act-${input}`} rows={3} value={values[input]} onChange={set(input)} maxLength={2000} />
                    )}
                    {input === 'officer' && (
                      <p id="act-officer-hint" className="muted">
                        {t('item.officerHint')}
                      </p>
                    )}
                  </div>
                ))}
                <div className="button-row">
                  <button type="submit" className={chosen.tone === 'plain' ? 'primary' : chosen.tone} disabled={act.isPending || !ready(chosen)}>
                    {t('item.confirm', { action: t(`item.action.${chosen.id}`) })}
                  </button>
                  <button type="button" onClick={() => setChosen(undefined)}>
                    {t('common.cancel')}
                  </button>
                </div>
              </form>
            )}
            {act.error && <ErrorMessage error={act.error} />}
            {act.isSuccess && (
              <p role="status" className="ok-box">
                {t('item.done')}
              </p>
            )}
          </section>
          <EventTimeline progress={p} definition={definition} />
        </>
      )}
    </article>
  );
}
