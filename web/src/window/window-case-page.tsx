import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, data } from '../api/client';
import { useCaseProgress } from '../api/cases';
import { useDefinition } from '../api/definitions';
import type { Session } from '../auth/session';
import { localized } from '../i18n';
import { StatusBadge } from '../shared/badges';
import { ErrorMessage } from '../shared/error-message';
import { formatDateTime } from '../shared/format';
import { useIdempotencyKey } from '../shared/idempotency';
import { PATHS } from '../shared/paths';
import { MaterialUploads, type Uploaded } from '../applicant/material-uploads';
import { MaterialView } from '../shared/material-view';
import { SubmittedForm } from '../shared/submitted-form';
import { TableWrap } from '../shared/table-wrap';

type Act = 'accept' | 'commitment' | 'refuse';

/**
 * One application at the window: the material check — what the licence library supplied, what was
 * uploaded (each upload viewable), what is missing and whether it may be promised (容缺) — and the one
 * form as submitted; then accept, accept on the applicant's commitment (the API checks their credit
 * and says why not), or refuse with reasons.
 */
export function WindowCasePage({ caseId }: { session: Session; caseId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const progress = useCaseProgress(caseId);
  const p = progress.data;
  const definition = useDefinition(p?.bundleId, p?.bundleVersion).data?.definition;
  const materials = useQuery({
    queryKey: ['case-materials', caseId],
    queryFn: () => data(api.GET('/cases/{caseId}/materials', { params: { path: { caseId } } })),
  });
  const [note, setNote] = useState('');
  const [reasons, setReasons] = useState('');
  const [key, nextKey] = useIdempotencyKey();

  const act = useMutation({
    mutationFn: async (what: Act) => {
      const params = { path: { caseId } };
      const headers = { 'idempotency-key': `${what}-${key}` };
      if (what === 'refuse') {
        const list = reasons.split('\n').map((r) => r.trim()).filter(Boolean);
        return data(api.POST('/cases/{caseId}/refuse', { params, headers, body: { reasons: list } }));
      }
      return data(api.POST('/cases/{caseId}/accept', { params, headers, body: { ...(note ? { note } : {}), ...(what === 'commitment' ? { tolerateMissing: true } : {}) } }));
    },
    onSuccess: (next) => {
      nextKey();
      queryClient.setQueryData(['case', caseId], next);
    },
  });

  const supplied = new Map((materials.data ?? []).map((m) => [m.material, m]));
  // The materials of the items that apply: pending items before acceptance, not skipped ones after.
  const applying = new Set(p?.items.filter((i) => i.status !== 'skipped').map((i) => i.id));
  const needed = definition?.materials.filter((m) => definition.items.some((i) => applying.has(i.id) && i.materials.includes(m.id))) ?? [];
  const waiting = p?.status === 'submitted';

  // 告知承诺: the window hands in the promised materials for the applicant, before their deadlines.
  const [promised, setPromised] = useState<Record<string, Uploaded>>({});
  const missingPromised = p?.commitment?.status === 'open' ? p.commitment.materials.filter((m) => m.status === 'missing').map((m) => m.material) : [];
  const promisedMaterials = definition?.materials.filter((m) => missingPromised.includes(m.id)) ?? [];
  const supply = useMutation({
    mutationFn: () =>
      data(
        api.POST('/cases/{caseId}/commitment/materials', {
          params: { path: { caseId } },
          headers: { 'idempotency-key': `commitment-${key}` },
          body: { materials: Object.values(promised).map((u) => ({ id: u.material, sha256: u.sha256 })) },
        }),
      ),
    onSuccess: (next) => {
      nextKey();
      setPromised({});
      queryClient.setQueryData(['case', caseId], next);
    },
  });

  return (
    <article aria-labelledby="window-case-title">
      <p>
        <Link href={PATHS.window}>{t('window.back')}</Link>
      </p>
      <h1 id="window-case-title">{p ? localized(p.title) : t('common.loading')}</h1>
      {progress.error && <ErrorMessage error={progress.error} />}
      {p && (
        <dl className="facts-grid">
          {p.caseNumber && (
            <>
              <dt>{t('progress.caseNumber')}</dt>
              <dd>{p.caseNumber}</dd>
            </>
          )}
          <dt>{t('progress.caseId')}</dt>
          <dd>
            <code>{p.caseId}</code>
          </dd>
          <dt>{t('progress.applicant')}</dt>
          <dd>
            {p.applicant.name} <span className="muted">({t(`applicant.${p.applicant.kind}`)} {p.applicant.subjectId})</span>
          </dd>
          <dt>{t('progress.status')}</dt>
          <dd data-testid="case-status">
            <StatusBadge status={p.status} />
          </dd>
          <dt>{t('progress.submittedAt')}</dt>
          <dd>{formatDateTime(p.submittedAt)}</dd>
        </dl>
      )}
      <section aria-labelledby="check-title">
        <h2 id="check-title">{t('window.check')}</h2>
        {materials.error && <ErrorMessage error={materials.error} />}
        <TableWrap label={t('window.check')}>
          <table>
            <caption className="visually-hidden">{t('window.check')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('window.material')}</th>
                <th scope="col">{t('window.source')}</th>
                <th scope="col">{t('window.tolerance')}</th>
              </tr>
            </thead>
            <tbody>
              {needed.map((m) => {
                const got = supplied.get(m.id);
                const source = got?.ref?.startsWith('licence:') ? 'licence' : got?.sha256 ? 'upload' : got ? 'declared' : 'missing';
                return (
                  <tr key={m.id} data-material={m.id} className={source === 'missing' ? 'missing' : undefined}>
                    <th scope="row">{localized(m.name)}</th>
                    <td>
                      <span className={`badge source-${source}`}>{t(`window.sources.${source}`)}</span>
                      {got?.sha256 && <code className="muted"> {got.sha256.slice(0, 12)}…</code>}
                      {got?.sha256 && (
                        <>
                          {' '}
                          <MaterialView caseId={caseId} material={m.id} name={localized(m.name)} />
                        </>
                      )}
                    </td>
                    <td>{m.tolerable ? t('notice.tolerable', { days: m.commitmentDays }) : t('window.core')}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      </section>
      {p && <SubmittedForm caseId={caseId} bundleId={p.bundleId} version={p.bundleVersion} />}
      {waiting && (
        <section aria-labelledby="decide-title" className="actions">
          <h2 id="decide-title">{t('window.decide')}</h2>
          <label htmlFor="accept-note">{t('window.note')}</label>
          <input id="accept-note" value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} />
          <div className="button-row">
            <button type="button" className="primary" disabled={act.isPending} onClick={() => act.mutate('accept')}>
              {t('window.accept')}
            </button>
            <button type="button" disabled={act.isPending} onClick={() => act.mutate('commitment')}>
              {t('window.acceptWithCommitment')}
            </button>
          </div>
          <label htmlFor="refuse-reasons">{t('window.reasons')}</label>
          <textarea id="refuse-reasons" rows={3} value={reasons} onChange={(e) => setReasons(e.target.value)} />
          <div className="button-row">
            <button type="button" className="danger" disabled={act.isPending || !reasons.trim()} onClick={() => act.mutate('refuse')}>
              {t('window.refuse')}
            </button>
          </div>
        </section>
      )}
      {p && promisedMaterials.length > 0 && (
        <section aria-labelledby="promised-title" className="actions">
          <h2 id="promised-title">{t('window.promised')}</h2>
          <ul>
            {p.commitment!.materials
              .filter((m) => m.status === 'missing')
              .map((m) => (
                <li key={m.material}>
                  {localized(m.name)} — {t('commitment.deadline', { date: formatDateTime(m.deadline) })}
                </li>
              ))}
          </ul>
          <MaterialUploads
            bundleId={p.bundleId}
            version={p.bundleVersion}
            materials={promisedMaterials}
            uploads={promised}
            onUploaded={(u) => setPromised((all) => ({ ...all, [u.material]: u }))}
            onRemoved={(material) =>
              setPromised((all) => {
                const { [material]: _removed, ...rest } = all;
                return rest;
              })
            }
          />
          <div className="button-row">
            <button type="button" className="primary" disabled={supply.isPending || Object.keys(promised).length === 0} onClick={() => supply.mutate()}>
              {t('window.supplyPromised')}
            </button>
          </div>
          {supply.error && <ErrorMessage error={supply.error} />}
        </section>
      )}
      {supply.isSuccess && (
        <p role="status" className="ok-box">
          {t('window.promisedSupplied')}
        </p>
      )}
      {act.error && <ErrorMessage error={act.error} />}
      {act.data && (
        <p role="status" className="ok-box">
          {t('window.done', { status: t(`status.${act.data.status}`) })}
        </p>
      )}
    </article>
  );
}
