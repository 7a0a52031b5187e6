/**
 * `operator grant <platform>:<userId> [--write]` and `operator revoke <platform>:<userId>`: who may open
 * the job queues at /admin/queues, read-only unless granted with --write. Checked before anything opens.
 */
import { grantOperator, revokeOperator } from '../sessions/operators.js';
import type { Bad, Values, WithDb } from './cli-parts.js';
import { userRefSchema } from '../domain/admin-args.js';

export const OPERATOR_USAGE = 'operator grant <platform>:<userId> [--write] | operator revoke <platform>:<userId> (who may open the job queues at /admin/queues; read-only without --write)';
export const OPERATOR_OPTIONS = { write: { type: 'boolean' } } as const;

export function operatorJob<J>(positionals: string[], values: Values, bad: Bad, withDb: WithDb<J>): J {
  const [sub, who, ...extra] = positionals;
  if ((sub !== 'grant' && sub !== 'revoke') || !who || extra.length) return bad('expected: operator grant|revoke <platform>:<userId> [--write]');
  if (sub === 'revoke' && values.write !== undefined) return bad('--write goes with operator grant');
  const parsed = userRefSchema.safeParse(who);
  if (!parsed.success) return bad(parsed.error.issues[0]?.message ?? 'bad user');
  const user = parsed.data;
  const label = `${user.platform}:${user.platformUserId}`;
  return withDb(async (database, _config, ctx) => {
    if (sub === 'grant') {
      const access = values.write === true ? 'write' : 'read';
      const change = await grantOperator(database.db, user, access, ctx.now());
      const what = access === 'write' ? 'the job queues with write access' : 'the job queues, read-only';
      ctx.out(change.before === access ? `${label} already has ${what}; nothing changed` : `granted ${what} to ${label} (person #${change.personId}${change.before ? `, was ${change.before}` : ''})`);
      return 0;
    }
    const change = await revokeOperator(database.db, user, ctx.now());
    if (!change) {
      ctx.err(`yishi: ${label} is not an operator; nothing changed`);
      return 1;
    }
    ctx.out(`revoked the job queues from ${label}`);
    return 0;
  });
}
