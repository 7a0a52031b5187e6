/**
 * Health and metrics on the web port, for load balancers and Prometheus:
 * - GET /healthz: the process is alive (no dependency asked).
 * - GET /readyz: 200 when the database and Redis answer and the adapters have started, else 503; the
 *   body says only `{"ready":…}`, and which check failed only with the metrics token (below).
 * - GET /metrics: the Prometheus text format (src/metrics.ts), only with `Authorization: Bearer
 *   <YISHI_METRICS_TOKEN>`; without that variable set it is not served at all.
 */
import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { registry } from '../lib/metrics.js';

export interface OpsProbe {
  /** Each check by name: resolves true when it answered. */
  checks: Record<string, () => Promise<boolean>>;
  metricsToken?: string;
}

const CHECK_TIMEOUT_MS = 3000;

async function answered(check: () => Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS)));
  try {
    return await Promise.race([check().catch(() => false), late]);
  } finally {
    clearTimeout(timer);
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function opsRoutes(probe: OpsProbe): Hono {
  const app = new Hono();
  const authorized = (auth = '') => !!probe.metricsToken && auth.startsWith('Bearer ') && sameSecret(auth.slice(7), probe.metricsToken);
  app.get('/healthz', (c) => c.text('ok'));
  app.get('/readyz', async (c) => {
    const names = Object.keys(probe.checks);
    const results = await Promise.all(names.map((n) => answered(probe.checks[n]!)));
    const ready = results.every(Boolean);
    if (!authorized(c.req.header('authorization'))) return c.json({ ready }, ready ? 200 : 503);
    const checks = Object.fromEntries(names.map((n, i) => [n, results[i] ? 'ok' : 'failing']));
    return c.json({ ready, checks }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    if (!probe.metricsToken) return c.text('metrics are off: set YISHI_METRICS_TOKEN', 404);
    if (!authorized(c.req.header('authorization'))) return c.text('unauthorized', 401);
    return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType });
  });
  return app;
}
