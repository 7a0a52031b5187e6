/** Queue names, job names, deterministic job ids and the job payload schemas. */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { MEETING_OFFSETS, type MeetingOffset } from '../src/council/meeting-reminders.js';
import { QUARTER_PATTERN } from '../src/domain/time.js';

export const DEFAULT_PREFIX = 'yishi';
export const TIMERS_QUEUE = 'timers';
export const SEND_QUEUE = 'send';

/** 09:00 on the first day of each quarter. */
export const CHAIR_PATTERN = '0 9 1 1,4,7,10 *';

export { MEETING_OFFSETS, type MeetingOffset };

// Job ids must not contain ':' and must not be all digits (BullMQ reserves both).
export const jobIds = {
  pollClose: (pollId: number) => `poll-close-${pollId}`,
  pollNudge: (pollId: number) => `poll-nudge-${pollId}`,
  ownersVoteClose: (voteId: number) => `owners-vote-close-${voteId}`,
  meeting: (meetingId: number, before: MeetingOffset) => `meeting-${meetingId}-${before}`,
  chairScheduler: (communityId: number) => `chair-${communityId}`,
  chairCatchUp: (communityId: number, quarter: string) => `chair-catchup-${communityId}-${quarter}`,
  meetingDue: (communityId: number, quarter: string) => `meeting-due-${communityId}-${quarter}`,
  meetingDueLate: (communityId: number, quarter: string) => `meeting-due-late-${communityId}-${quarter}`,
  send: (outboxId: number) => `out-${outboxId}`,
  syncScheduler: 'sync',
};

const id = z.number().int().positive();
const quarter = z.string().regex(QUARTER_PATTERN);

export const timerSchemas = {
  'poll-close': z.object({ pollId: id }),
  'poll-nudge': z.object({ pollId: id }),
  'owners-vote-close': z.object({ voteId: id }),
  'meeting-reminder': z.object({ meetingId: id, before: z.enum(['24h', '1h']), startsAt: z.number().int() }),
  'chair-announce': z.object({ communityId: id }),
  'meeting-due': z.object({ communityId: id, quarter, check: z.enum(['mid', 'late']).optional() }),
  sync: z.object({}),
  prune: z.object({}),
} as const;

export type TimerName = keyof typeof timerSchemas;
export const TIMER_NAMES = Object.keys(timerSchemas) as TimerName[];
export type TimerData<N extends TimerName> = z.infer<(typeof timerSchemas)[N]>;

export const sendJobSchema = z.object({ outboxId: id });

/** A queue whose jobs are retried with exponential back-off; finished jobs are dropped, the last 1000 failed kept. */
export function retryingQueue(name: string, at: { connection: Redis; prefix: string }, retry: { attempts: number; backoffMs: number }): Queue {
  return new Queue(name, {
    connection: at.connection,
    prefix: at.prefix,
    defaultJobOptions: { attempts: retry.attempts, backoff: { type: 'exponential', delay: retry.backoffMs }, removeOnComplete: true, removeOnFail: 1000 },
  });
}
