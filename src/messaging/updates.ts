/** Platform updates already handled: the record that makes a second delivery change nothing. */
import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { processedUpdates, type Platform } from '../db/schema.js';
import type { Reply } from '../domain/messages.js';

export async function alreadyProcessed(tx: Db | Tx, platform: Platform, updateKey: string): Promise<boolean> {
  const [row] = await tx.select({ k: processedUpdates.updateKey }).from(processedUpdates).where(and(eq(processedUpdates.platform, platform), eq(processedUpdates.updateKey, updateKey)));
  return !!row;
}

/** Records the update as handled; false when another delivery recorded it first. */
export async function markProcessed(tx: Db | Tx, platform: Platform, updateKey: string, replies: Reply[], at: Date): Promise<boolean> {
  const rows = await tx.insert(processedUpdates).values({ platform, updateKey, replies, processedAt: at }).onConflictDoNothing().returning({ k: processedUpdates.updateKey });
  return rows.length > 0;
}
