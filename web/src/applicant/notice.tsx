import { useTranslation } from 'react-i18next';
import { departmentName, type BundleDefinition, type PrefillResult } from '../api/definitions';
import { localized } from '../i18n';
import { conditionText } from '../shared/condition-text';
import { TableWrap } from '../shared/table-wrap';

/**
 * 一次告知: everything the applicant needs to know before starting — each item with its department,
 * its promised and statutory limits and the condition under which it is done, and each material with
 * where it comes from (an electronic licence the state already holds, or an upload), its formats and
 * size limit, and whether it may be promised later (容缺).
 */
export function Notice({ definition, prefill }: { definition: BundleDefinition; prefill?: PrefillResult }) {
  const { t, i18n } = useTranslation();
  const satisfied = new Set(prefill?.satisfiedMaterials.map((m) => m.material));
  return (
    <section aria-labelledby="notice-title" className="notice">
      <h2 id="notice-title">{t('notice.title')}</h2>
      <p>{localized(definition.description)}</p>
      <ul className="facts">
        <li>{t('notice.promised', { days: definition.promisedDays })}</li>
        <li>{t('notice.trips', { count: definition.trips })}</li>
        <li>{t('notice.window', { window: localized(definition.window.title) })}</li>
      </ul>
      <h3>{t('notice.items')}</h3>
      <TableWrap label={t('notice.items')}>
        <table>
          <caption className="visually-hidden">{t('notice.items')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('notice.item')}</th>
              <th scope="col">{t('notice.department')}</th>
              <th scope="col">{t('notice.limits')}</th>
              <th scope="col">{t('notice.when')}</th>
            </tr>
          </thead>
          <tbody>
            {definition.items.map((item) => (
              <tr key={item.id}>
                <th scope="row">{localized(item.title)}</th>
                <td>{departmentName(definition, item.department, i18n.language)}</td>
                <td>{t('notice.days', { promised: item.promisedDays, statutory: item.statutoryDays })}</td>
                <td>{item.condition ? conditionText(item.condition, definition) : t('notice.always')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <h3>{t('notice.materials')}</h3>
      <ul className="materials-list">
        {definition.materials.map((material) => (
          <li key={material.id}>
            <strong>{localized(material.name)}</strong>{' '}
            {material.source.kind === 'electronic-licence' ? (
              <span className="badge licence">{satisfied.has(material.id) ? t('notice.fromLicenceHeld') : t('notice.fromLicence')}</span>
            ) : (
              <span className="muted">
                {t('notice.upload', { types: (material.mediaTypes ?? []).map((m) => m.split('/')[1]?.toUpperCase()).join(' / '), size: Math.round((material.maxBytes ?? 0) / 1048576) })}
              </span>
            )}
            {material.tolerable && <span className="badge tolerable">{t('notice.tolerable', { days: material.commitmentDays })}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
