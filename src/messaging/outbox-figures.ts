/** How many outbox rows wait and how many were given up, for /metrics (one index scan on status). */
import { count, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { outboundMessages } from '../db/schema.js';

export async function outboxFigures(db: Db): Promise<{ pending: number; failed: number }> {
  const rows = await db
    .select({ status: outboundMessages.status, n: count() })
    .from(outboundMessages)
    .where(inArray(outboundMessages.status, ['pending', 'failed']))
    .groupBy(outboundMessages.status);
  const of = (s: string) => rows.find((r) => r.status === s)?.n ?? 0;
  return { pending: of('pending'), failed: of('failed') };
}
