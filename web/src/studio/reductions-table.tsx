import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Reductions } from '../../../domain/reductions';
import { api, data } from '../api/client';
import { formatPercent } from '../shared/format';
import { TableWrap } from '../shared/table-wrap';

const ROWS = ['time', 'materials', 'steps', 'trips'] as const;

/** 四减: time, materials, steps and trips before and after the bundle, for the published version. */
export function ReductionsTable({ bundleId }: { bundleId: string }) {
  const { t } = useTranslation();
  const reductions = useQuery({
    queryKey: ['reductions', bundleId],
    queryFn: async () => (await data(api.GET('/definitions/{id}/reductions', { params: { path: { id: bundleId } } }))) as unknown as Reductions,
  });
  const r = reductions.data;
  if (!r) return null;
  return (
    <TableWrap label={t('studio.reductions')}>
      <table>
        <caption>{t('studio.reductions')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('studio.measure')}</th>
            <th scope="col">{t('studio.before')}</th>
            <th scope="col">{t('studio.after')}</th>
            <th scope="col">{t('studio.reduction')}</th>
          </tr>
        </thead>
        <tbody>
          {ROWS.map((row) => (
            <tr key={row}>
              <th scope="row">{t(`studio.rows.${row}`)}</th>
              <td>{r[row].before}</td>
              <td>{r[row].after}</td>
              <td>−{formatPercent(r[row].reductionPercent / 100)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
