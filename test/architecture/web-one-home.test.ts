/**
 * One home for the web port's shared helpers: the client's address (src/web/client-address.ts, which
 * alone honours YISHI_TRUST_PROXY) and a chart's SVG to embed (src/web/style.ts). A second copy would key
 * a limit on the proxy's address, or drift from what the page's policy allows.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder } from './graph.js';

const root = path.resolve(import.meta.dirname, '../..');
const sources = () => [...filesUnder('src'), ...filesUnder('bots'), ...filesUnder('jobs')].map((f) => f.split(path.sep).join('/'));
const holding = (re: RegExp) => sources().filter((f) => re.test(fs.readFileSync(path.join(root, f), 'utf8')));

describe('the web port\'s helpers', () => {
  it('read the socket address in one file only: every limit goes through clientAddress', () => {
    expect(holding(/getConnInfo|remote\.address/)).toEqual(['src/web/client-address.ts']);
  });

  it('define the embedded chart SVG once', () => {
    expect(holding(/(const|function)\s+embeddedSvg\b/)).toEqual(['src/web/style.ts']);
  });
});
