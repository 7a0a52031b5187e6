/**
 * Sign-in attempts per key (a client address, a link) in a sliding window, in memory: each instance
 * counts its own. The keys are bounded (least recently used first out), so a flood of new addresses
 * evicts only the stalest counters, one at a time, and never clears the counters of everyone else.
 */
export class AttemptLimiter {
  private readonly hits = new Map<string, number[]>();
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Records an attempt; false when the key has used up its attempts in the window. */
  hit(key: string, now: Date): boolean {
    const since = now.getTime() - this.windowMs;
    const list = (this.hits.get(key) ?? []).filter((at) => at > since);
    // Re-inserted: the most recently used key is last in the map's order.
    this.hits.delete(key);
    const allowed = list.length < this.max;
    if (allowed) list.push(now.getTime());
    this.hits.set(key, list);
    while (this.hits.size > this.maxKeys) this.hits.delete(this.hits.keys().next().value!);
    return allowed;
  }

  /** How many keys are counted now (tests: the bound holds). */
  get size(): number {
    return this.hits.size;
  }
}
