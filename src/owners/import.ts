/** `property import`: the community's property register brought in line with the file's rows, in one transaction with its audit row. */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { communities } from '../db/schema.js';
import { AdminError } from '../domain/admin-errors.js';
import { inTransaction } from '../kernel/unit-of-work.js';
import { applyRegister, hasOpenOwnersVote, registerTotals, type RegisterChange, type RegisterRow } from './register.js';

export interface RegisterImported {
  change: RegisterChange;
  /** The register after the import: units, owners by head, total area in hundredths of m². */
  totals: { units: number; owners: number; area: number };
}

/** VOTE_OPEN while an owners' vote is open: the register must not move under a count. */
export async function importRegister(db: Db, community: { id: number; slug: string }, rows: RegisterRow[], source: string, now: Date): Promise<RegisterImported> {
  return inTransaction(db, async (tx) => {
    // The community row serializes imports with each other and with opening an owners' vote.
    await tx.select({ id: communities.id }).from(communities).where(eq(communities.id, community.id)).for('update');
    if (await hasOpenOwnersVote(tx, community.id))
      throw new AdminError('VOTE_OPEN', `${community.slug} has an open owners' vote: the register cannot change until it closes; nothing imported`);
    const change = await applyRegister(tx, community.id, rows, now, source);
    return { change, totals: await registerTotals(tx, community.id) };
  });
}
