import { useTranslation } from 'react-i18next';

/** An item's card (黄牌, 红牌, 超期): colour and words, never colour alone. */
export function CardBadge({ card }: { card: string | undefined }) {
  const { t } = useTranslation();
  if (!card || card === 'none') return <span className="badge card-none">{t('card.none')}</span>;
  return <span className={`badge card-${card}`}>{t(`card.${card}`, { defaultValue: card })}</span>;
}

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return <span className={`badge status-${status}`}>{t(`status.${status}`, { defaultValue: status })}</span>;
}
