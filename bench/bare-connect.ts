/** Baseline for the cold start: a process that only opens the database and runs `select 1`. */
const [kind, where] = process.argv.slice(2);
if (kind === 'postgres') {
  const { default: postgres } = await import('postgres');
  const sql = postgres(where!, { max: 1, onnotice: () => {} });
  await sql`select 1`;
  await sql.end({ timeout: 5 });
} else {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = new PGlite(where!);
  await db.waitReady;
  await db.query('select 1');
  await db.close();
}
process.stdout.write(JSON.stringify({ rssMiB: process.memoryUsage().rss / 2 ** 20 }) + '\n');
