import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openPageToken, sealPageToken } from '../../../api/page-token';

const QUERY = "WorkflowType = 'itemWorkflow' AND Department = 'market-regulation'";

describe('page tokens', () => {
  it('open to the token they seal, for the query they were issued for only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), (next) => {
        const token = sealPageToken(QUERY, next);
        expect(token).toMatch(/^[A-Za-z0-9_-]+$/); // what the routes accept
        expect(openPageToken(QUERY, token)).toEqual(Buffer.from(next));
        expect(openPageToken(`${QUERY} AND Card = 'red'`, token)).toBeUndefined();
      }),
    );
  });

  it('refuse every token this process did not issue: random, truncated, altered', () => {
    const token = sealPageToken(QUERY, Buffer.from('{"CloseTime":"9999-12-31T23:59:59Z"}'));
    expect(openPageToken(QUERY, token.slice(0, -2))).toBeUndefined();
    expect(openPageToken(QUERY, (token[0] === 'A' ? 'B' : 'A') + token.slice(1))).toBeUndefined();
    for (const forged of ['', 'AAAA', '9'.repeat(40), 'x'.repeat(4096), Buffer.from('{"StartTime":"yesterday"}').toString('base64url')]) {
      expect(openPageToken(QUERY, forged)).toBeUndefined();
    }
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...'ABCDEFabcdef0123456789-_'), maxLength: 200 }), (forged) => {
      expect(openPageToken(QUERY, forged)).toBeUndefined();
    }));
  });
});
