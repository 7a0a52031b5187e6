import { describe, expect, it } from 'vitest';
import { ratingPasses, satisfactionRate, voteOutcome } from '../../src/domain/outcome.js';

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
