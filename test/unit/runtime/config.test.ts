import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../runtime/config';

describe('YJS_PROGRESS_FALLBACK_MS', () => {
  it('is unset by default, so the API waits its own 2 s', () => {
    expect(loadConfig({}).progressFallbackMs).toBeUndefined();
  });

  it('sets how long a case read waits for the worker', () => {
    expect(loadConfig({ YJS_PROGRESS_FALLBACK_MS: '1500' }).progressFallbackMs).toBe(1500);
    expect(loadConfig({ YJS_PROGRESS_FALLBACK_MS: '9000', YJS_TEMPORAL_TIMEOUT_MS: '10000' }).progressFallbackMs).toBe(9000);
  });

  it('stops the start when it leaves the read model no time inside the Temporal bound', () => {
    // The default bound is 5 s, so 4 s is the longest wait.
    expect(loadConfig({ YJS_PROGRESS_FALLBACK_MS: '4000' }).progressFallbackMs).toBe(4000);
    expect(() => loadConfig({ YJS_PROGRESS_FALLBACK_MS: '4001' })).toThrow(/YJS_PROGRESS_FALLBACK_MS.*YJS_TEMPORAL_TIMEOUT_MS \(5000\)/);
    expect(() => loadConfig({ YJS_PROGRESS_FALLBACK_MS: '3000', YJS_TEMPORAL_TIMEOUT_MS: '3000' })).toThrow(/YJS_TEMPORAL_TIMEOUT_MS \(3000\)/);
  });

  it('stops the start when it is not whole milliseconds from 1000', () => {
    for (const bad of ['abc', '1.5', '500', '-2000']) {
      expect(() => loadConfig({ YJS_PROGRESS_FALLBACK_MS: bad }), bad).toThrow(/YJS_PROGRESS_FALLBACK_MS must be whole milliseconds/);
    }
  });
});
