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
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', async () => {
      try {
        const r = await fetch(target + (req.url ?? '/'), {
          method: req.method,
          headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
          body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(parts),
        });
        let body = Buffer.from(await r.arrayBuffer());
        if (req.url?.endsWith('/getUpdates') && r.ok) {
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
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
