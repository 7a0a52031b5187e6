/** Sign-in attempts per client address in a sliding window (in memory: each instance counts its own). */
export class AttemptLimiter {
  private readonly hits = new Map<string, number[]>();
  constructor(private readonly max: number, private readonly windowMs: number) {}

  /** Records an attempt; false when the address has used up its attempts in the window. */
  hit(key: string, now: Date): boolean {
    const since = now.getTime() - this.windowMs;
    const list = (this.hits.get(key) ?? []).filter((at) => at > since);
    if (this.hits.size > 10_000) this.hits.clear();
    if (list.length >= this.max) {
      this.hits.set(key, list);
      return false;
    }
    list.push(now.getTime());
    this.hits.set(key, list);
    return true;
  }
}
