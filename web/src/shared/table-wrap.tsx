import type { ReactNode } from 'react';

/**
 * A table that may be wider than a phone scrolls in its own box, which keyboard users can reach and
 * scroll (focusable, a named region), instead of making the whole page scroll sideways.
 */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
