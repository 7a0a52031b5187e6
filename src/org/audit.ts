/** The tree's audit row, in the caller's transaction (no community for a district or street). */
import type { Tx } from '../db/client.js';
import { auditLog } from '../db/schema.js';

export async function orgAudit(tx: Tx, action: string, data: Record<string, unknown>, communityId: number | null = null): Promise<void> {
  await tx.insert(auditLog).values({ communityId, action, data });
}
