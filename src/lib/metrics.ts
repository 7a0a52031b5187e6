/**
 * Prometheus metrics (prom-client), one registry per process. Adapters, jobs and the app call the
 * small hooks below at the point where a thing happens; the figures that live in Postgres and Redis
 * (outbox, queues) are read when /metrics is scraped, from the sources the app gives `watch`.
 */
import client from 'prom-client';

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'yishi_process_' });

/** What an update came to, as a label: the shape of the core's Outcome, without importing the core. */
export interface OutcomeLike {
  stored: boolean;
  failure?: 'unavailable' | 'error';
  duplicate?: boolean;
  ignored?: boolean;
  errorCode?: string;
}

export type OutcomeLabel = 'done' | 'refused' | 'duplicate' | 'ignored' | 'unavailable' | 'error';

export function outcomeLabel(o: OutcomeLike): OutcomeLabel {
  if (!o.stored) return o.failure ?? 'error';
  if (o.duplicate) return 'duplicate';
  if (o.ignored) return 'ignored';
  return o.errorCode ? 'refused' : 'done';
}

const updates = new client.Counter({
  name: 'yishi_updates_handled_total',
  help: 'Platform updates handled by the core, by platform and outcome (done, refused, duplicate, ignored, unavailable, error)',
  labelNames: ['platform', 'outcome'] as const,
  registers: [registry],
});

const pressSeconds = new client.Histogram({
  name: 'yishi_press_seconds',
  help: 'Time from a button press reaching the core to its outcome (committed, refused or failed)',
  labelNames: ['platform'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

const rateLimited = new client.Counter({
  name: 'yishi_platform_rate_limited_total',
  help: 'Too Many Requests (429) answers received from a platform',
  labelNames: ['platform'] as const,
  registers: [registry],
});

/**
 * A metric's child per label set, made once and kept in `children`: prom-client hashes the label
 * object on every inc or observe otherwise, and updateHandled runs for every update.
 */
function child<C>(children: Map<string, C>, key: string, make: () => C): C {
  let c = children.get(key);
  if (!c) children.set(key, (c = make()));
  return c;
}
const updateChildren = new Map<string, client.Counter.Internal>();
const pressChildren = new Map<string, client.Histogram.Internal<'platform'>>();

/** The hooks. */
export const metrics = {
  /** The core handled an update; `pressSeconds` when it was a button press. */
  updateHandled(platform: string, outcome: OutcomeLike, pressSecondsTaken?: number): void {
    const label = outcomeLabel(outcome);
    child(updateChildren, `${platform}\0${label}`, () => updates.labels({ platform, outcome: label })).inc();
    if (pressSecondsTaken !== undefined) child(pressChildren, platform, () => pressSeconds.labels({ platform })).observe(pressSecondsTaken);
  },
  /** A platform answered 429. */
  rateLimited(platform: string): void {
    rateLimited.inc({ platform });
  },
};

/** A queue as far as the metrics need it (BullMQ's Queue). */
export interface CountableQueue {
  name: string;
  getJobCounts(...states: string[]): Promise<Record<string, number>>;
}

export interface MetricSources {
  outbox?: () => Promise<{ pending: number; failed: number }>;
  queues?: () => CountableQueue[];
}

let sources: MetricSources = {};

/** Tells the scrape where the outbox and the queues are (the app, once they are started). */
export function watch(next: MetricSources): () => void {
  sources = next;
  return () => {
    if (sources === next) sources = {};
  };
}

new client.Gauge({
  name: 'yishi_outbox_messages',
  help: 'Outbox rows by status: pending (not sent yet) and failed (given up)',
  labelNames: ['status'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    if (!sources.outbox) return;
    const { pending, failed } = await sources.outbox();
    this.set({ status: 'pending' }, pending);
    this.set({ status: 'failed' }, failed);
  },
});

const JOB_STATES = ['waiting', 'delayed', 'active', 'failed'] as const;

new client.Gauge({
  name: 'yishi_jobs',
  help: 'BullMQ jobs per queue and state (waiting, delayed, active, failed); Redis is shared, so every instance reports the same',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    for (const q of sources.queues?.() ?? []) {
      const counts = await q.getJobCounts(...JOB_STATES);
      for (const state of JOB_STATES) this.set({ queue: q.name, state }, counts[state] ?? 0);
    }
  },
});
