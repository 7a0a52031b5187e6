import type { TestProject } from 'vitest/node';
import { startRealServices, type RealServices } from './real-services.js';

let services: RealServices | undefined;

/** Starts real Postgres and Redis for the suite unless DATABASE_URL / REDIS_URL point at running ones. */
export async function setup(project: TestProject) {
  services = await startRealServices();
  project.provide('databaseUrl', services.databaseUrl);
  project.provide('redisUrl', services.redisUrl);
  project.provide('pgDataDir', services.pgDataDir);
}

export async function teardown() {
  await services?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    pgDataDir: string;
  }
}
