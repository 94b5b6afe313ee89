import i18n from '../i18n';

/** Times as officers read them: Beijing time, in the current language. */
export function formatDateTime(iso: string | undefined): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Shanghai' }).format(new Date(iso));
}

export function formatDate(iso: string | undefined): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeZone: 'Asia/Shanghai' }).format(new Date(iso));
}

export function formatPercent(ratio: number): string {
  return new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 1 }).format(ratio);
}
