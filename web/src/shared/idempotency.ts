import { useState } from 'react';

/**
 * An Idempotency-Key for one intended act: the same key for every retry of it (a double click, a
 * lost answer), a new one once it succeeded — so a repeat never acts twice.
 */
export function useIdempotencyKey(): [string, () => void] {
  const [key, setKey] = useState(() => crypto.randomUUID());
  return [key, () => setKey(crypto.randomUUID())];
}
