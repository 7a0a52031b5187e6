/**
 * The property register's file: CSV (UTF-8, optional BOM) with the header `building,unit,area,owner`:
 * area in m² with at most two decimals, owner a stable key (ID-card or phone number; the same key on
 * several rows is one owner of several units; co-owners of a unit share one key; `developer` marks
 * units the developer has not sold or delivered). Every bad row is named with its line number.
 */
import { normalizeOwnerKey, parseArea } from '../domain/owners.js';
import { oneLine } from '../domain/text.js';
import type { RegisterRow } from './register.js';

const HEADER = ['building', 'unit', 'area', 'owner'];
const MAX_NAME = 40;

/** Splits CSV text into records of fields with their starting line numbers (quotes as RFC 4180). */
export function parseCsv(text: string): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  let line = 1;
  let start = 1;
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  let wasQuoted = false;
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0].trim() !== '' || wasQuoted) out.push({ line: start, fields });
    fields = [];
    field = '';
    wasQuoted = false;
  };
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field.trim() === '') {
      quoted = true;
      wasQuoted = true;
      field = '';
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else field += c;
  }
  if (field !== '' || fields.length || wasQuoted) endRecord();
  return out;
}

/** Validates the file's rows: the rows, or every problem as `line N: …` (nothing is imported then). */
export function checkRegisterCsv(text: string): { rows: RegisterRow[]; problems: string[] } {
  const records = parseCsv(text);
  const problems: string[] = [];
  if (!records.length) return { rows: [], problems: ['line 1: the file is empty; expected the header building,unit,area,owner'] };
  const header = records[0].fields.map((f) => f.trim().toLowerCase());
  if (header.join(',') !== HEADER.join(','))
    return { rows: [], problems: [`line ${records[0].line}: the header must be building,unit,area,owner (got ${JSON.stringify(records[0].fields.join(',').slice(0, 80))})`] };
  if (records.length === 1) return { rows: [], problems: ['the file has a header but no units'] };
  const rows: RegisterRow[] = [];
  const firstLine = new Map<string, number>();
  for (const { line, fields } of records.slice(1)) {
    const bad = (why: string) => problems.push(`line ${line}: ${why}`);
    if (fields.length !== 4) {
      bad(`expected 4 fields building,unit,area,owner, got ${fields.length}`);
      continue;
    }
    const [b, u, a, o] = fields;
    const building = oneLine(b);
    const unit = oneLine(u);
    const area = parseArea(a);
    const ownerKey = normalizeOwnerKey(o);
    const why: string[] = [];
    if (!building || [...building].length > MAX_NAME) why.push(`building must be 1-${MAX_NAME} characters`);
    if (!unit || [...unit].length > MAX_NAME) why.push(`unit must be 1-${MAX_NAME} characters`);
    if (area === undefined) why.push(`area ${JSON.stringify(a.trim().slice(0, 20))} is not a positive number of m² with at most two decimals`);
    if (!ownerKey) why.push(`owner ${JSON.stringify(o.trim().slice(0, 20))} is not a key of 1-64 letters, digits or . _ @ + -`);
    const k = `${building}\u0000${unit}`;
    if (building && unit && firstLine.has(k)) why.push(`unit ${building} ${unit} is already on line ${firstLine.get(k)}`);
    if (why.length) {
      bad(why.join('; '));
      continue;
    }
    firstLine.set(k, line);
    rows.push({ line, building, unit, area: area!, ownerKey: ownerKey! });
  }
  return { rows, problems };
}
