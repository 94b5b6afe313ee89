/**
 * "View" for an uploaded material: its bytes in a new tab. A tab cannot send the person's token, so the
 * screens ask the API for a short-lived link (`POST /cases/{caseId}/materials/{material}/links`, checked
 * as the case is) and the tab opens that. The tab gets the API's own answer — sandboxed, never sniffed —
 * so a PDF or an image shows as the browser shows it, and nothing in it runs in the screens' origin.
 * The tab is opened in the click itself (popup blockers allow that) and cut from this page at once.
 */
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, data } from '../api/client';
import { ErrorMessage } from './error-message';

async function openMaterial(caseId: string, material: string, tab: Window | null): Promise<void> {
  try {
    const link = await data(api.POST('/cases/{caseId}/materials/{material}/links', { params: { path: { caseId, material } } }));
    const url = new URL(link.url, window.location.origin).href;
    if (tab) tab.location.href = url;
    else window.location.assign(url); // no new tab allowed: open it here
  } catch (err) {
    tab?.close();
    throw err;
  }
}

export function MaterialView({ caseId, material, name }: { caseId: string; material: string; name: string }) {
  const { t } = useTranslation();
  const view = useMutation({ mutationFn: (tab: Window | null) => openMaterial(caseId, material, tab) });
  return (
    <>
      <button
        type="button"
        className="link"
        data-material-view={material}
        aria-label={t('caseFiles.viewLabel', { name })}
        disabled={view.isPending}
        onClick={() => {
          const tab = window.open('', '_blank');
          if (tab) tab.opener = null;
          view.mutate(tab);
        }}
      >
        {view.isPending ? t('common.loading') : t('caseFiles.view')}
      </button>
      {view.error && <ErrorMessage error={view.error} />}
    </>
  );
}
