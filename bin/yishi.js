#!/usr/bin/env node
// The `yishi` admin CLI launcher: registers tsx in this process and runs src/cli.ts, from any cwd.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/cli.ts', import.meta.url).href);
