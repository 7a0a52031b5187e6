import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { pooledCounts, ratingPasses, satisfactionRate, voteOutcome } from '../../src/domain/outcome.js';
import { filesUnder } from '../architecture/graph.js';

const yesNo = ['同意', '反对', '弃权'];

describe('the vote outcome rule', () => {
  it('approves when 同意 beats 反对 and is more than half of the non-abstaining ballots', () => {
    expect(voteOutcome('majority', yesNo, [4, 0, 1]).outcome).toBe('approved');
    expect(voteOutcome('majority', yesNo, [3, 2, 10]).outcome).toBe('approved');
  });

  it('rejects a tie, a loss, and a vote nobody cast', () => {
    expect(voteOutcome('majority', yesNo, [2, 2, 0]).outcome).toBe('rejected');
    expect(voteOutcome('majority', yesNo, [1, 3, 0]).outcome).toBe('rejected');
    expect(voteOutcome('majority', yesNo, [0, 0, 5]).outcome).toBe('rejected');
    expect(voteOutcome('majority', yesNo, [0, 0, 0]).outcome).toBe('rejected');
  });

  it('needs two thirds under the two_thirds rule', () => {
    expect(voteOutcome('two_thirds', yesNo, [2, 1, 0]).outcome).toBe('approved');
    expect(voteOutcome('two_thirds', yesNo, [3, 2, 0]).outcome).toBe('rejected');
  });

  it('lets the most voted custom choice win and rejects a tie', () => {
    expect(voteOutcome('majority', ['A', 'B', 'C'], [1, 3, 2])).toEqual({ outcome: 'approved', winner: 1 });
    expect(voteOutcome('majority', ['A', 'B'], [2, 2])).toMatchObject({ outcome: 'rejected', tie: true });
    expect(voteOutcome('majority', ['A', 'B'], [0, 0]).outcome).toBe('rejected');
  });
});

describe('the satisfaction rule', () => {
  it('counts 满意 and 基本满意 as satisfied', () => {
    expect(satisfactionRate([1, 2, 1])).toBe(0.75);
    expect(ratingPasses([1, 2, 1], 0.6)).toBe(true);
    expect(ratingPasses([1, 0, 1], 0.6)).toBe(false);
    expect(ratingPasses([3, 0, 2], 0.6)).toBe(true);
  });

  it('treats a round nobody rated as not satisfied', () => {
    expect(satisfactionRate([0, 0, 0])).toBeUndefined();
    expect(ratingPasses([0, 0, 0], 0)).toBe(false);
  });
});

describe('the satisfaction rate, computed in one place (src/domain/outcome.ts)', () => {
  it('pools several rounds as one: every satisfied rating over every rating', () => {
    expect(pooledCounts([[1, 2, 1], [0, 0, 4]])).toEqual([1, 2, 5]);
    expect(satisfactionRate(pooledCounts([[1, 2, 1], [0, 0, 4]]))).toBe(3 / 8);
    expect(satisfactionRate(pooledCounts([]))).toBeUndefined();
    expect(satisfactionRate(pooledCounts([[0, 0, 0]]))).toBeUndefined();
  });

  it('has no second copy: no other source file adds 满意 and 基本满意 itself or lists the rating labels', () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const byHand = [
      /counts\[0\][^\n]*counts\[1\]/, // (counts[0] + counts[1]) / total
      /\[0\]\.count\s*\+/, // (counts[0].count + counts[1].count) / total
      /satisfied\s*(\+=|\/)/, // satisfied += …; satisfied / rated
      /['"]满意['"]\s*,\s*['"]基本满意['"]/, // the rating labels (RATING_CHOICES)
    ];
    const copies: string[] = [];
    for (const f of [...filesUnder('src'), ...filesUnder('bots'), ...filesUnder('jobs')]) {
      const rel = f.split(path.sep).join('/');
      if (rel === 'src/domain/outcome.ts' || rel.startsWith('src/i18n/')) continue;
      const text = fs.readFileSync(path.join(root, f), 'utf8');
      for (const re of byHand) if (re.test(text)) copies.push(`${rel}: ${re}`);
    }
    expect(copies).toEqual([]);
  });
});
