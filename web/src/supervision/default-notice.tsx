import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, data } from '../api/client';
import { SealCheck } from '../applicant/seal-check';
import { localized } from '../i18n';
import { ErrorMessage } from '../shared/error-message';
import { formatDateTime } from '../shared/format';

interface TimeoutNotice {
  type: 'timeout-default-notice';
  itemId: string;
  itemCode: string;
  itemTitle: { zh: string; en: string };
  department: string;
  deadline: string;
  defaultedAt: string;
  text: { zh: string; en: string };
}

/**
 * 超时默认通知书 of a defaulted item: the sealed document the department's seal was applied to by
 * default (`GET /cases/:caseId/documents`), read when the supervisor opens it, with its seal verified
 * on request (`POST /seals/verify`).
 */
export function DefaultNotice({ caseId, itemId, label }: { caseId: string; itemId: string; label: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const documents = useQuery({
    queryKey: ['case-documents', caseId],
    enabled: open,
    queryFn: () => data(api.GET('/cases/{caseId}/documents', { params: { path: { caseId } } })),
  });
  const sealed = documents.data?.find((d) => d.type === 'timeout-default-notice' && (d.document as unknown as TimeoutNotice).itemId === itemId);
  const notice = sealed?.document as unknown as TimeoutNotice | undefined;
  const panel = `default-notice-${caseId}-${itemId}`;
  return (
    <div className="default-notice">
      <button type="button" className="link" aria-expanded={open} aria-controls={panel} onClick={() => setOpen((o) => !o)} aria-label={t('supervision.noticeLabel', { item: label })}>
        {t('supervision.notice')}
      </button>
      {open && (
        <div id={panel} className="notice-document" data-document={sealed?.documentId}>
          {documents.isPending && <p role="status">{t('common.loading')}</p>}
          {documents.error && <ErrorMessage error={documents.error} />}
          {documents.data && !notice && <p>{t('supervision.noNotice')}</p>}
          {sealed && notice && (
            <>
              <p className="notice-body">{localized(notice.text)}</p>
              <p className="muted">
                {t('supervision.noticeMeta', { documentId: sealed.documentId, deadline: formatDateTime(notice.deadline), at: formatDateTime(notice.defaultedAt) })}
              </p>
              <SealCheck document={sealed.document} seal={sealed.seal} label={t('supervision.notice')} />
            </>
          )}
        </div>
      )}
    </div>
  );
}
