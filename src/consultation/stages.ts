/** Which stages allow what, where more than one use case asks. */
import type { Stage } from '../db/schema.js';

/** An item may be supported until it is put to the vote. */
export const SUPPORT_STAGES = ['raised', 'supported', 'on_agenda'] as const satisfies readonly Stage[];

/** An open item: offered as similar to a new one, and may be merged or merged into. */
export const OPEN_STAGES = ['raised', 'supported', 'on_agenda', 'voting', 'in_progress'] as const satisfies readonly Stage[];
