import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../shared/error-message';
import { INDICATORS, type Indicator, type ReviewDraft } from './reviews';
import './rating.css';

export const LEVELS = [5, 4, 3, 2, 1] as const;

/**
 * A rating as GB/T 39734 asks for it online: overall satisfaction on five levels (required), the
 * indicators of efficiency, guide accuracy, convenience and platform usability on the same levels
 * (each optional: 不评价 leaves it out), and a comment. Native radio groups in fieldsets with legends:
 * Tab reaches a group, the arrow keys choose within it, a screen reader names the group.
 */
export function ReviewForm({
  question,
  initial,
  submitLabel,
  pending,
  error,
  onSubmit,
  onCancel,
  label,
}: {
  /** The legend of the overall level: what is being rated. */
  question: string;
  initial?: ReviewDraft;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit(draft: ReviewDraft): void;
  onCancel?(): void;
  /** The form's accessible name. */
  label: string;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [level, setLevel] = useState<number | undefined>(initial?.level);
  const [indicators, setIndicators] = useState(initial?.indicators ?? {});
  const [comment, setComment] = useState(initial?.comment ?? '');
  const setIndicator = (name: Indicator, value: number | undefined) =>
    setIndicators((current) => {
      const { [name]: _dropped, ...rest } = current;
      return value === undefined ? rest : { ...rest, [name]: value };
    });
  return (
    <form
      className="review-form"
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        if (level) onSubmit({ level, indicators, comment });
      }}
    >
      <LevelGroup legend={question} name={`${id}-level`} value={level} onChange={setLevel} className="levels overall" />
      <fieldset className="indicators">
        <legend>{t('rating.indicators')}</legend>
        {INDICATORS.map((name) => (
          <LevelGroup
            key={name}
            legend={t(`rating.indicator.${name}`)}
            name={`${id}-${name}`}
            value={indicators[name]}
            onChange={(value) => setIndicator(name, value)}
            optional={t('rating.notRated')}
            className="levels"
          />
        ))}
      </fieldset>
      <label htmlFor={`${id}-comment`}>{t('rating.comment')}</label>
      <textarea id={`${id}-comment`} rows={2} value={comment} onChange={(e) => setComment(e.target.value)} maxLength={1000} />
      <div className="button-row">
        <button type="submit" className="primary" disabled={!level || pending}>
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
      </div>
      {error ? <ErrorMessage error={error} /> : null}
    </form>
  );
}

/** One question on the five levels; with `optional`, a first choice that leaves it unrated. */
function LevelGroup({
  legend,
  name,
  value,
  onChange,
  optional,
  className,
}: {
  legend: ReactNode;
  name: string;
  value: number | undefined;
  onChange(value: number | undefined): void;
  optional?: string;
  className: string;
}) {
  const { t } = useTranslation();
  return (
    <fieldset className={className}>
      <legend>{legend}</legend>
      {optional && (
        <label className="level">
          <input type="radio" name={name} value="" checked={value === undefined} onChange={() => onChange(undefined)} /> {optional}
        </label>
      )}
      {LEVELS.map((l) => (
        <label key={l} className="level">
          <input type="radio" name={name} value={l} checked={value === l} onChange={() => onChange(l)} /> {t(`rating.level.${l}`)}
        </label>
      ))}
    </fieldset>
  );
}
