/**
 * The outside services of a province, faked in one HTTP server for the `flaky-services` drill, each
 * failing transiently: the credit platform (`/credit`, adapters/credit.ts's contract), the
 * electronic-licence library (`/licences`, adapters/certificates.ts's), an SMS gateway (`/sms`,
 * adapters/notices.ts's) and an integrator's webhook receiver (`/webhook`, Standard Webhooks).
 *
 * How each fails: the first {@link FAILURES} attempts at each thing (a subject's standing, a case's
 * broken-commitment record, an SMS id, a webhook message id; the licence library per request, 2 of
 * every 3) get a 503, a 500, a 429 or a connection cut off without an answer, in turn; then it works.
 * What the services accepted (answered 2xx) is counted per thing, so the drill can tell whether
 * anything was sent twice.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export const FAILURES = 2;

export interface Accepted {
  standings: number;
  /** Broken-commitment records accepted (2xx) per case. */
  brokenCommitments: Map<string, number>;
  /** SMS accepted per message id, with the text. */
  sms: Map<string, { count: number; to: string; text: string }>;
  /** Webhook messages acknowledged per `webhook-id`, with the event type and case. */
  webhooks: Map<string, { count: number; type: string; caseId?: string }>;
  licenceLookups: number;
  /** Failures served, per service. */
  failures: Record<'credit' | 'licences' | 'sms' | 'webhook', number>;
}

export interface OutsideServices {
  url: string;
  accepted: Accepted;
  close(): Promise<void>;
}

type Failure = 'status-503' | 'status-500' | 'status-429' | 'cut';
const MODES: Failure[] = ['status-503', 'cut', 'status-500', 'status-429'];

export async function startOutsideServices(): Promise<OutsideServices> {
  const attempts = new Map<string, number>();
  let licenceRequests = 0;
  let modeTurn = 0;
  const accepted: Accepted = { standings: 0, brokenCommitments: new Map(), sms: new Map(), webhooks: new Map(), licenceLookups: 0, failures: { credit: 0, licences: 0, sms: 0, webhook: 0 } };

  /** True when this attempt at `thing` is to fail (and the failure was served). */
  const failed = (service: keyof Accepted['failures'], thing: string, res: ServerResponse, req: IncomingMessage): boolean => {
    const n = (attempts.get(thing) ?? 0) + 1;
    attempts.set(thing, n);
    if (n > FAILURES) return false;
    accepted.failures[service]++;
    serveFailure(MODES[modeTurn++ % MODES.length]!, req, res);
    return true;
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://x');
      let match: RegExpExecArray | null;
      if (req.method === 'GET' && (match = /^\/credit\/subjects\/([^/]+)\/standing$/.exec(url.pathname))) {
        const subjectId = decodeURIComponent(match[1]!);
        // Per subject and per minute: every credit check of a case meets fresh failures.
        if (failed('credit', `standing:${subjectId}:${Math.floor(Date.now() / 20_000)}`, res, req)) return;
        accepted.standings++;
        return json(res, 200, { subjectId, rating: 'good', brokenCommitments: [], source: 'drill', checkedAt: new Date().toISOString() });
      }
      if (req.method === 'PUT' && (match = /^\/credit\/subjects\/([^/]+)\/broken-commitments\/([^/]+)$/.exec(url.pathname))) {
        const caseId = decodeURIComponent(match[2]!);
        if (failed('credit', `broken:${caseId}`, res, req)) return;
        accepted.brokenCommitments.set(caseId, (accepted.brokenCommitments.get(caseId) ?? 0) + 1);
        res.writeHead(204).end();
        return;
      }
      if (req.method === 'GET' && (match = /^\/licences\/subjects\/([^/]+)\/licences$/.exec(url.pathname))) {
        licenceRequests++;
        if (licenceRequests % 3 !== 0) {
          accepted.failures.licences++;
          serveFailure(MODES[modeTurn++ % MODES.length]!, req, res);
          return;
        }
        accepted.licenceLookups++;
        return json(res, 200, { subjectId: decodeURIComponent(match[1]!), licences: [] });
      }
      if (req.method === 'POST' && url.pathname === '/sms') {
        const message = JSON.parse(body) as { id: string; to: string; text: string };
        if (failed('sms', `sms:${message.id}`, res, req)) return;
        const seen = accepted.sms.get(message.id);
        accepted.sms.set(message.id, { count: (seen?.count ?? 0) + 1, to: message.to, text: message.text });
        return json(res, 200, { accepted: true });
      }
      if (req.method === 'POST' && url.pathname === '/webhook') {
        const id = String(req.headers['webhook-id'] ?? '');
        if (failed('webhook', `webhook:${id}`, res, req)) return;
        const event = JSON.parse(body) as { type: string; data?: { caseId?: string } };
        const seen = accepted.webhooks.get(id);
        accepted.webhooks.set(id, { count: (seen?.count ?? 0) + 1, type: event.type, caseId: event.data?.caseId });
        res.writeHead(204).end();
        return;
      }
      json(res, 404, { error: `no ${req.method} ${url.pathname}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    accepted,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function serveFailure(mode: Failure, req: IncomingMessage, res: ServerResponse): void {
  if (mode === 'cut') {
    req.socket.destroy();
    return;
  }
  const status = Number(mode.slice('status-'.length));
  json(res, status, { error: `drill: transient ${status}` });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
