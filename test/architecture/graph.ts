/** The project's own import graph, read from the source text (static and dynamic imports). */
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** Every .ts/.tsx file below `dir`, as a path from the root. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(rel));
    else if (/\.tsx?$/.test(e.name)) out.push(rel);
  }
  return out;
}

/** The project files a file imports, as paths from the root (`.js` specifiers mapped to the .ts/.tsx source). */
export function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specs.map((s) => {
    const ts = path.normalize(path.join(path.dirname(file), s)).replace(/\.js$/, '.ts');
    return fs.existsSync(path.join(root, ts)) || !fs.existsSync(path.join(root, ts + 'x')) ? ts : ts + 'x';
  });
}
