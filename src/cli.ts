/** `npx yishi <command>`: the admin CLI (see src/admin/cli.ts). */
import { runCli } from './admin/cli.js';

const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
process.exit(code);
