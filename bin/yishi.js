#!/usr/bin/env node
// The `yishi` admin CLI launcher: registers tsx in this process and runs the entry point's admin CLI, from any cwd.
import { register } from 'tsx/esm/api';

register();
const { runAdmin } = await import(new URL('../src/main.ts', import.meta.url).href);
process.exit(await runAdmin(process.argv.slice(2)));
