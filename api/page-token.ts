/**
 * Page tokens of visibility listings (inboxes, the supervision desk) as clients see them: Temporal's
 * token with a MAC of this API process, bound to the query it pages. A token the API did not issue
 * — forged, truncated, or issued for another query — is refused before Temporal sees it: garbage
 * makes the server answer UNKNOWN, which the client library retries for about 20 s, so the request
 * would end as a 503 instead of a 400.
 *
 * The key comes from `YJS_PAGE_TOKEN_SECRET` when set, so every API node of a cluster accepts the
 * others' tokens and they survive a restart; otherwise it is made per process (a token is then good
 * until the API restarts: after that it is a 400, and the client starts again from the first page).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const SECRET = process.env.YJS_PAGE_TOKEN_SECRET;
const KEY = SECRET ? createHash('sha256').update(`yijianshi page tokens\n${SECRET}`).digest() : randomBytes(32);
const MAC_BYTES = 16;

/** The client's token for Temporal's `next` token of `query`: base64url of MAC ‖ token. */
export function sealPageToken(query: string, next: Uint8Array): string {
  return Buffer.concat([mac(query, next), next]).toString('base64url');
}

/** Temporal's token inside a client's token, or undefined when this API did not issue it for `query`. */
export function openPageToken(query: string, token: string): Buffer | undefined {
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length <= MAC_BYTES) return undefined;
  const next = bytes.subarray(MAC_BYTES);
  return timingSafeEqual(bytes.subarray(0, MAC_BYTES), mac(query, next)) ? next : undefined;
}

function mac(query: string, next: Uint8Array): Buffer {
  return createHmac('sha256', KEY).update(query).update('\n').update(next).digest().subarray(0, MAC_BYTES);
}
