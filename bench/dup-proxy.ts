/**
 * A pass-through HTTP proxy in front of the fake Bot API that re-delivers chosen updates a second time,
 * in a later getUpdates answer, whatever offset the bot confirmed: Telegram's at-least-once delivery
 * (an update whose confirmation was lost comes again) without touching the fake server itself.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DupProxy {
  apiRoot: string;
  /** Duplicates delivered so far. */
  delivered(): number;
  close(): Promise<void>;
}

export async function startDupProxy(target: string, duplicateIds: Set<number>): Promise<DupProxy> {
  const served = new Map<number, unknown>();
  const owed: unknown[] = [];
  let delivered = 0;
  // Plain http.request over kept-alive sockets: this proxy shares the cores with the app it measures, and
  // fetch (undici and its web streams) cost it about 2 ms of CPU per request, more than the app's own press.
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  const forward = (req: http.IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
      const out = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: req.url ?? '/',
          method: req.method,
          agent,
          headers: { 'content-type': req.headers['content-type'] ?? 'application/json', 'content-length': body.length },
        },
        (r) => {
          const parts: Buffer[] = [];
          r.on('data', (c: Buffer) => parts.push(c));
          r.on('end', () => resolve({ status: r.statusCode ?? 502, body: Buffer.concat(parts) }));
          r.on('error', reject);
        },
      );
      out.on('error', reject);
      out.end(body);
    });
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', async () => {
      try {
        const r = await forward(req, req.method === 'GET' || req.method === 'HEAD' ? Buffer.alloc(0) : Buffer.concat(parts));
        let body = r.body;
        if (req.url?.endsWith('/getUpdates') && r.status === 200) {
          const json = JSON.parse(body.toString('utf8')) as { ok: boolean; result: { update_id: number }[] };
          if (json.result.length) {
            // Duplicates owed from earlier answers ride along with the next non-empty answer.
            const extra = owed.splice(0, owed.length);
            for (const u of json.result) {
              if (duplicateIds.has(u.update_id) && !served.has(u.update_id)) {
                served.set(u.update_id, u);
                owed.push(u);
              }
            }
            delivered += extra.length;
            // In update_id order, as Telegram sends a batch: the duplicates come first.
            json.result = [...(extra as { update_id: number }[]), ...json.result].sort((a, b) => a.update_id - b.update_id);
            body = Buffer.from(JSON.stringify(json));
          }
        }
        res.writeHead(r.status, { 'content-type': 'application/json' });
        res.end(body);
      } catch (err) {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error_code: 502, description: String(err) }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    delivered: () => delivered,
    async close() {
      server.closeAllConnections?.();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
