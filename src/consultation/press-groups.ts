/**
 * Group commit for ballot and rating buttons. When a whole group chat votes at once, presses that
 * arrive together go to the database as one statement, yishi_press_buttons (drizzle/0003), which runs
 * yishi_press_button (the one home of the ballot rules, drizzle/0004) for each press in order inside
 * one transaction: every press keeps its own checks, ballot, audit row and processed_updates row, and a
 * press is answered only after its group committed.
 *
 * A press that finds no group running goes out at once (on the next turn of the event loop, so presses
 * that arrived in the same turn go with it). While `maxInFlight` groups are running, new presses wait
 * and leave together when one finishes. Pending presses are split over the free slots (at least
 * `minGroup` to a group, at most `maxGroup`), so a burst uses several database connections.
 *
 * If a group's statement fails, nothing of it was stored: its presses then run one by one, each in its
 * own statement and transaction, so one press that cannot be stored (or a lost insert race between two
 * groups) costs the others only a second round trip, and each caller gets its own press's error.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client.js';
import { pressArguments, pressBallotButton, pressOutcome, type ButtonPress, type PressOutcome, type PressRow } from './ballot.js';

export interface PressGroupOptions {
  /** Groups running at once (database connections used by presses). Default 4. */
  maxInFlight?: number;
  /** Presses in one statement at most. Default 100 (one getUpdates batch). */
  maxGroup?: number;
  /** A burst is not split into groups smaller than this. Default 16. */
  minGroup?: number;
}

interface Waiting {
  press: ButtonPress;
  resolve(outcome: PressOutcome): void;
  reject(err: unknown): void;
}

export class PressGroups {
  private pending: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly maxInFlight: number;
  private readonly maxGroup: number;
  private readonly minGroup: number;
  /** Groups sent and their sizes, for tests and diagnosis. */
  readonly stats = { groups: 0, presses: 0, largest: 0, fallbacks: 0 };

  constructor(
    private readonly db: Db,
    opts: PressGroupOptions = {},
  ) {
    this.maxInFlight = Math.max(1, opts.maxInFlight ?? 4);
    this.maxGroup = Math.max(1, opts.maxGroup ?? 100);
    this.minGroup = Math.max(1, Math.min(this.maxGroup, opts.minGroup ?? 16));
  }

  /** Stores one press (in a group with others arriving meanwhile) and resolves with its outcome. */
  press(press: ButtonPress): Promise<PressOutcome> {
    return new Promise<PressOutcome>((resolve, reject) => {
      this.pending.push({ press, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || !this.pending.length || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const free = this.maxInFlight - this.inFlight;
    if (free <= 0 || !this.pending.length) return;
    const groups = Math.min(free, Math.ceil(this.pending.length / this.minGroup));
    const size = Math.min(this.maxGroup, Math.ceil(this.pending.length / groups));
    for (let g = 0; g < groups && this.pending.length; g++) {
      const group = this.pending.splice(0, size);
      this.inFlight++;
      void this.run(group).finally(() => {
        this.inFlight--;
        this.schedule();
      });
    }
  }

  private async run(group: Waiting[]): Promise<void> {
    this.stats.groups++;
    this.stats.presses += group.length;
    this.stats.largest = Math.max(this.stats.largest, group.length);
    if (group.length === 1) return this.alone(group[0]!);
    let outcomes: PressOutcome[];
    try {
      const json = JSON.stringify(group.map((w) => pressArguments(w.press)));
      const result = await this.db.execute(sql`select idx, outcome, suggestion_number, label from yishi_press_buttons(${json}::jsonb) order by idx`);
      const rows = rowsOf<PressRow & { idx: number }>(result);
      if (rows.length !== group.length) throw new Error(`yishi_press_buttons returned ${rows.length} rows for ${group.length} presses`);
      outcomes = rows.map((r) => pressOutcome(r));
    } catch {
      // The group rolled back as a whole: each press alone, with its own result or error.
      this.stats.fallbacks++;
      await Promise.all(group.map((w) => this.alone(w)));
      return;
    }
    group.forEach((w, i) => w.resolve(outcomes[i]!));
  }

  private async alone(w: Waiting): Promise<void> {
    try {
      w.resolve(await pressBallotButton(this.db, w.press));
    } catch (err) {
      w.reject(err);
    }
  }
}
