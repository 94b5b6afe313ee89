import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { localized } from '../i18n';
import { ErrorMessage } from '../shared/error-message';
import { formatDateTime } from '../shared/format';
import { PATHS } from '../shared/paths';
import { useMarkRead, useNotices } from './use-notices';

/**
 * 站内消息: the applicant's notices as they were delivered (the Chinese template filled with the
 * case's facts; English when the screens are in English), unread ones first marked, each with its
 * case and a button to mark it read.
 */
export function NoticesPage() {
  const { t } = useTranslation();
  const notices = useNotices(true);
  const markRead = useMarkRead();
  const list = notices.data?.notices ?? [];
  return (
    <section aria-labelledby="notices-title">
      <h1 id="notices-title">{t('notices.title')}</h1>
      {notices.isPending && <p role="status">{t('common.loading')}</p>}
      {notices.error && <ErrorMessage error={notices.error} />}
      {notices.data && (
        <p role="status" data-testid="unread-count">
          {t('notices.unread', { count: notices.data.unread })}
        </p>
      )}
      {notices.data && list.length === 0 && <p>{t('notices.none')}</p>}
      <ul className="tiles notices">
        {list.map((notice) => {
          const subject = localized(notice.subject);
          return (
            <li key={notice.id} className={`tile notice ${notice.readAt ? 'read' : 'unread'}`} data-notice={notice.id}>
              <h2>
                {!notice.readAt && <span className="badge card-yellow">{t('notices.new')}</span>} {subject}
              </h2>
              <p className="notice-body">{localized(notice.body)}</p>
              <p className="muted">
                {formatDateTime(notice.at)} · {t('progress.caseId')} <Link href={PATHS.progress(notice.caseId)}>{notice.caseId}</Link>
                {notice.readAt && ` · ${t('notices.readAt', { time: formatDateTime(notice.readAt) })}`}
              </p>
              {!notice.readAt && (
                <button type="button" disabled={markRead.isPending} aria-label={t('notices.markReadLabel', { subject })} onClick={() => markRead.mutate(notice.id)}>
                  {t('notices.markRead')}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {markRead.error && <ErrorMessage error={markRead.error} />}
    </section>
  );
}
