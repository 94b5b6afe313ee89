/**
 * A webhook receiver for tests: an HTTP server on 127.0.0.1 that records every request and answers
 * with the status a test chooses per webhook-id and attempt; and the headers the official
 * `standardwebhooks` package verifies.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  id: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** What the receiver answered. */
  status: number;
}

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** The 2xx answers, in the order they were given. */
  accepted(): Received[];
  close(): Promise<void>;
}

/** An HTTP receiver on 127.0.0.1 (on `port`, or any) that answers each request with `answer(webhook-id, attempt of that id)`. */
export async function startReceiver(answer: (id: string, attempt: number) => number, port = 0): Promise<Receiver> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const id = String(request.headers['webhook-id']);
      const status = answer(id, received.filter((r) => r.id === id).length + 1);
      received.push({ id, headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}/hooks/yijianshi`,
    port: bound,
    received,
    accepted: () => received.filter((r) => r.status < 300),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The headers the official package verifies (it wants plain strings). */
export const webhookHeaders = (h: IncomingHttpHeaders): Record<string, string> => ({
  'webhook-id': String(h['webhook-id']),
  'webhook-timestamp': String(h['webhook-timestamp']),
  'webhook-signature': String(h['webhook-signature']),
});
