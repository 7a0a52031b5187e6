/**
 * Webhook mode: Telegram POSTs each update to TELEGRAM_WEBHOOK_URL. The secret header is checked;
 * the answer is 200 only after the update committed, and 500 when it could not be stored, so that
 * Telegram delivers it again later.
 */
import http from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from '../../src/lib/logger.js';
import { KeyedSerializer } from '../../src/lib/keyed-serializer.js';
import { chatKeyOf, runUpdate } from './updates.js';

const MAX_BODY = 1 << 20;

export interface WebhookServer {
  port: number;
  close(): Promise<void>;
}

export async function startWebhookServer(opts: { bot: Bot; logger: Logger; path: string; secret: string; port: number; host?: string }): Promise<WebhookServer> {
  const serial = new KeyedSerializer();
  const expected = Buffer.from(opts.secret);
  const server = http.createServer((req, res) => {
    const answer = (status: number, body = '') => {
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(body);
    };
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== opts.path) return answer(404, 'not found');
    const given = Buffer.from(String(req.headers['x-telegram-bot-api-secret-token'] ?? ''));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      opts.logger.warn('webhook request with a wrong secret token refused');
      return answer(401, 'unauthorized');
    }
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else parts.push(c);
    });
    req.on('end', () => {
      let update: Update;
      try {
        update = JSON.parse(Buffer.concat(parts).toString('utf8'));
        if (typeof update?.update_id !== 'number') throw new Error('no update_id');
      } catch {
        return answer(400, 'bad update');
      }
      serial
        .run(chatKeyOf(update), () => runUpdate(opts.bot, update, opts.logger))
        .then(() => answer(200, 'ok'))
        .catch(() => answer(500, 'not stored, retry'));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : opts.port,
    async close() {
      // Stop accepting, then let in-flight updates finish and answer.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections?.();
      await serial.idle();
      await closed;
    },
  };
}
