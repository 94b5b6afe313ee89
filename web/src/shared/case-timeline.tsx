import { useTranslation } from 'react-i18next';
import type { CaseProgress } from '../api/client';
import { departmentName, type BundleDefinition } from '../api/definitions';
import { localized } from '../i18n';
import { CardBadge, StatusBadge } from './badges';
import { formatDate, formatDateTime } from './format';
import { TableWrap } from './table-wrap';
import { engineNote } from './engine-words';

/** Each department's item of a case: status, step, deadline and card, who decided and when. */
export function ItemsProgress({ progress, definition }: { progress: CaseProgress; definition?: BundleDefinition }) {
  const { t, i18n } = useTranslation();
  return (
    <TableWrap label={t('progress.items')}>
      <table className="items-progress">
        <caption>{t('progress.items')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('progress.item')}</th>
            <th scope="col">{t('progress.department')}</th>
            <th scope="col">{t('progress.status')}</th>
            <th scope="col">{t('progress.deadline')}</th>
            <th scope="col">{t('progress.decided')}</th>
          </tr>
        </thead>
        <tbody>
          {progress.items.map((item) => (
            <tr key={item.id} data-item={item.id}>
              <th scope="row">{localized(item.title)}</th>
              <td>{departmentName(definition, item.department, i18n.language)}</td>
              <td>
                <StatusBadge status={item.status} /> {item.clock && item.clock.card !== 'none' && <CardBadge card={item.clock.card} />}
                {item.status === 'in-review' && item.step && <div className="muted">{t('progress.atStep', { step: t(`stepName.${item.step}`, { defaultValue: item.step }) })}</div>}
                {item.reason && <div className="muted">{engineNote(t, item.reason)}</div>}
              </td>
              <td>{item.clock?.deadline ? formatDate(item.clock.deadline) : '—'}</td>
              <td>{item.decidedAt ? formatDateTime(item.decidedAt) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** The case's events, oldest first, as an ordered list. */
export function EventTimeline({ progress, definition }: { progress: CaseProgress; definition?: BundleDefinition }) {
  const { t, i18n } = useTranslation();
  const itemTitle = (id?: string) => (id ? localized(progress.items.find((i) => i.id === id)?.title) || id : '');
  return (
    <section aria-labelledby="events-title">
      <h2 id="events-title">{t('progress.events')}</h2>
      <ol className="timeline">
        {progress.events.map((event, index) => (
          <li key={`${event.at}-${index}`}>
            <time dateTime={event.at}>{formatDateTime(event.at)}</time>{' '}
            <span>{t(`event.${event.type}`, { defaultValue: event.type })}</span>
            {event.item && <span> · {itemTitle(event.item)}</span>}
            {event.department && !event.item && <span> · {departmentName(definition, event.department, i18n.language)}</span>}
            {event.detail && <span className="muted"> · {engineNote(t, event.detail)}</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}
