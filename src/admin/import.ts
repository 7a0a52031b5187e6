/**
 * `yishi import <file.json>`: the file is read and checked here before the database is opened; the
 * import itself (communities, council units, roles, the tree, in one transaction) is src/people/import.ts.
 */
import fs from 'node:fs';
import { AdminError } from '../domain/admin-errors.js';
import { importFileSchema, type ImportFile } from '../people/import.js';

export { importData, importFileSchema, type ImportFile } from '../people/import.js';

/** Reads and validates the file; BAD_FILE with one line naming the first problem. */
export function readImportFile(file: string): ImportFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new AdminError('BAD_FILE', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new AdminError('BAD_FILE', `${file} is not valid JSON: ${(err as Error).message}`);
  }
  const r = importFileSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : 'the file';
    throw new AdminError('BAD_FILE', `${file}: ${where}: ${issue.message}`);
  }
  return r.data;
}
