/**
 * Where the running web page can be reached, for the links the bot sends. startWeb publishes it once it
 * listens (port 0 picks a free port); before that, YISHI_WEB_URL or http://<host>:<port> from the config.
 */
import { loadConfig, webUrlOf } from './config.js';

let published: string | undefined;

export function publishWebUrl(url: string | undefined): void {
  published = url;
}

export function publicWebUrl(): string {
  return published ?? webUrlOf(loadConfig(process.env));
}

/** The resident page of a community, or of one of its items. */
export const residentPageUrl = (base: string, slug: string, n?: number) => `${base}/v/${slug}${n === undefined ? '' : `/${n}`}`;
