/**
 * Operators: who may open the job queues at /admin/queues (`yishi operator grant|revoke`). Being staff of
 * a community is not enough: the queues hold every community's jobs. Read-only unless granted write.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { auditLog, webOperators } from '../db/schema.js';
import type { Platform } from '../domain/platforms.js';
import { ensureIdentity, findIdentity } from '../kernel/persons.js';
import { inTransaction } from '../kernel/unit-of-work.js';

export interface OperatorRef {
  platform: Platform;
  platformUserId: string;
}

export type OperatorAccess = 'read' | 'write';

export interface OperatorChange {
  personId: number;
  before: OperatorAccess | null;
  after: OperatorAccess | null;
}

const accessOf = (row: { canWrite: boolean } | undefined): OperatorAccess | null => (row ? (row.canWrite ? 'write' : 'read') : null);

/** Makes the user an operator (read-only, or with write access); the grant is audited. Nothing changes when it is already so. */
export async function grantOperator(db: Db, user: OperatorRef, access: OperatorAccess, now: Date): Promise<OperatorChange> {
  return inTransaction(db, async (tx) => {
    const { identity } = await ensureIdentity(tx, user.platform, { platformUserId: user.platformUserId });
    const personId = identity.personId;
    const [row] = await tx.select({ canWrite: webOperators.canWrite }).from(webOperators).where(eq(webOperators.personId, personId)).for('update');
    const before = accessOf(row);
    if (before === access) return { personId, before, after: access };
    const canWrite = access === 'write';
    await tx.insert(webOperators).values({ personId, canWrite, grantedAt: now }).onConflictDoUpdate({ target: webOperators.personId, set: { canWrite, grantedAt: now } });
    await tx.insert(auditLog).values({ action: 'operator.granted', data: { via: 'cli', platform: user.platform, platformUserId: user.platformUserId, personId, access, before }, at: now });
    return { personId, before, after: access };
  });
}

/** Takes the queues away from the user; undefined when they were no operator (nothing changed, nothing audited). */
export async function revokeOperator(db: Db, user: OperatorRef, now: Date): Promise<OperatorChange | undefined> {
  return inTransaction(db, async (tx) => {
    const identity = await findIdentity(tx, user.platform, user.platformUserId);
    if (!identity) return undefined;
    const [row] = await tx.delete(webOperators).where(eq(webOperators.personId, identity.personId)).returning({ canWrite: webOperators.canWrite });
    if (!row) return undefined;
    const before = accessOf(row);
    await tx.insert(auditLog).values({ action: 'operator.revoked', data: { via: 'cli', platform: user.platform, platformUserId: user.platformUserId, personId: identity.personId, before }, at: now });
    return { personId: identity.personId, before, after: null };
  });
}
