/**
 * Refusals of an administrator's request (the admin CLI, the import file, the console's demo set-up):
 * values with a stable code; the CLI prints the message as one line and exits 1. The use cases below
 * the adapters (src/org, src/owners, src/people, src/points) throw them.
 */
export type AdminErrorCode =
  | 'BAD_ARGUMENT'
  | 'UNKNOWN_COMMUNITY'
  | 'COMMUNITY_EXISTS'
  | 'UNIT_EXISTS'
  | 'NO_SUCH_ROLE'
  | 'BAD_FILE'
  | 'UNKNOWN_OWNER'
  | 'VOTE_OPEN'
  | 'UNKNOWN_NODE'
  | 'NODE_EXISTS'
  | 'UNKNOWN_MEMBER';

export class AdminError extends Error {
  constructor(public readonly code: AdminErrorCode, message: string) {
    super(message);
    this.name = 'AdminError';
  }
}
