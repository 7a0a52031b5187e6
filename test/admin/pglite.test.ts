import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { tempDir } from '../support/services.js';
import { lines, yishi } from './run.js';

describe('yishi CLI on the embedded PGlite (no DATABASE_URL)', () => {
  it('creates the demo community and shows its rotation, keeping the data between runs', async () => {
    const dataDir = tempDir();
    const env = { YISHI_DATA_DIR: dataDir };
    const added = await yishi(['community', 'add', 'demo', '示范社区'], env, tempDir());
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toContain('created community demo (示范社区)');
    expect(fs.existsSync(path.join(dataDir, 'pglite'))).toBe(true);

    const unit = await yishi(['council', 'add', 'demo', '街道办事处'], env, tempDir());
    expect(unit.code).toBe(0);
    const shown = await yishi(['rotation', 'show', 'demo'], env, tempDir());
    expect(shown.code).toBe(0);
    expect(lines(shown.stdout)[0]).toContain('示范社区 (demo)');
    expect(lines(shown.stdout)[1]).toMatch(/街道办事处\s+<- this quarter/);
    // The single-process lock is released when the CLI ends.
    expect(fs.existsSync(path.join(dataDir, 'pglite.pid'))).toBe(false);
  }, 180_000);

  it('refuses in one line while another process has the embedded database open', async () => {
    const dataDir = tempDir();
    const held = await openDatabase({ dataDir });
    try {
      const r = await yishi(['rotation', 'show', 'demo'], { YISHI_DATA_DIR: dataDir }, tempDir());
      expect(r.code).toBe(1);
      expect(lines(r.stderr)).toEqual([expect.stringContaining(`in use by process ${process.pid}`)]);
      expect(r.stderr).toContain('DATABASE_URL');
    } finally {
      await held.close();
    }
    expect(fs.existsSync(path.join(dataDir, 'pglite.pid'))).toBe(false);
  }, 120_000);
});
