import type { BundleDefinition, Condition } from '../api/definitions';
import i18n, { localized } from '../i18n';

/** A condition of the definition in words: "是否销售卷烟 为 是", "… 且 …". */
export function conditionText(condition: Condition, definition: BundleDefinition): string {
  const t = i18n.t.bind(i18n);
  if ('all' in condition) return condition.all.map((c) => conditionText(c, definition)).join(t('condition.and'));
  if ('any' in condition) return condition.any.map((c) => conditionText(c, definition)).join(t('condition.or'));
  if ('not' in condition) return t('condition.not', { text: conditionText(condition.not, definition) });
  const field = definition.fields.find((f) => f.id === condition.field);
  const label = field ? localized(field.label) : condition.field;
  const value = (v: unknown) => {
    if (typeof v === 'boolean') return t(v ? 'common.yes' : 'common.no');
    const option = field?.options?.find((o) => o.value === v);
    return option ? localized(option.label) : String(v);
  };
  if ('equals' in condition) return t('condition.equals', { field: label, value: value(condition.equals) });
  if ('notEquals' in condition) return t('condition.notEquals', { field: label, value: value(condition.notEquals) });
  if ('in' in condition) return t('condition.in', { field: label, values: condition.in.map(value).join(t('condition.listSeparator')) });
  if ('isSet' in condition) return t(condition.isSet ? 'condition.isSet' : 'condition.isNotSet', { field: label });
  // Comparisons (lt, lte, gt, gte) and whatever operator the definition language adds: named by its key.
  const [operator, operand] = Object.entries(condition).find(([key]) => key !== 'field') ?? ['', ''];
  return t(`condition.${operator}`, { field: label, value: value(operand), defaultValue: `${label} ${operator} ${value(operand)}` });
}
