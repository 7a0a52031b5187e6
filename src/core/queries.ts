/** The core's query port (CoreQueries in ./types.ts): read-only use cases bound to a database. */
import { chatKind, pollInfo, pollMessage, pollMessages } from '../consultation/queries.js';
import type { Db } from '../db/client.js';
import type { CoreQueries } from '../kernel/types.js';

export function createQueries(db: Db): CoreQueries {
  return {
    pollMessage: (pollId) => pollMessage(db, pollId),
    pollMessages: (pollId) => pollMessages(db, pollId),
    pollInfo: (pollId) => pollInfo(db, pollId),
    chatKind: (platform, platformChatId) => chatKind(db, platform, platformChatId),
  };
}
