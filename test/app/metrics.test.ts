import { describe, expect, it } from 'vitest';
import { metrics, registry } from '../../src/lib/metrics.js';

/** The value of one sample line of the registry's text, or 0 when it is not there. */
async function sample(line: RegExp): Promise<number> {
  const text = await registry.metrics();
  return Number(line.exec(text)?.[1] ?? 0);
}

describe('metric hooks', () => {
  it('counts every update under its own platform and outcome, and times only presses', async () => {
    const done = /^yishi_updates_handled_total\{platform="wecom",outcome="done"\} (\d+)$/m;
    const refused = /^yishi_updates_handled_total\{platform="wecom",outcome="refused"\} (\d+)$/m;
    const unavailable = /^yishi_updates_handled_total\{platform="console",outcome="unavailable"\} (\d+)$/m;
    const presses = /^yishi_press_seconds_count\{platform="wecom"\} (\d+)$/m;
    const fast = /^yishi_press_seconds_bucket\{le="0.005",platform="wecom"\} (\d+)$/m;
    const before = await Promise.all([done, refused, unavailable, presses, fast].map(sample));

    metrics.updateHandled('wecom', { stored: true }, 0.001);
    metrics.updateHandled('wecom', { stored: true }, 0.2);
    metrics.updateHandled('wecom', { stored: true });
    metrics.updateHandled('wecom', { stored: true, errorCode: 'POLL_CLOSED' });
    metrics.updateHandled('console', { stored: false, failure: 'unavailable' });

    const after = await Promise.all([done, refused, unavailable, presses, fast].map(sample));
    expect(after.map((v, i) => v - before[i]!)).toEqual([3, 1, 1, 2, 1]);
  });
});
