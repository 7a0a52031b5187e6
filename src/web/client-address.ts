/**
 * The client's address for limits and the sign-in audit. Behind N reverse proxies (YISHI_TRUST_PROXY=N)
 * each proxy appends the address it was connected from to X-Forwarded-For, so the client is the N-th
 * address from the right of [X-Forwarded-For…, socket]; anything further left was written by the
 * client itself and is never believed. With 0 (the default) the header is ignored.
 */
import { isIP } from 'node:net';
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

function socketAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'local';
  } catch {
    return 'local';
  }
}

export function clientAddress(c: Context, trustedProxies: number): string {
  const socket = socketAddress(c);
  if (trustedProxies <= 0) return socket;
  const forwarded = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean)
    .slice(-64);
  const chain = [...forwarded, socket];
  // Fewer hops than trusted proxies: the left-most is as far as the trusted chain reaches.
  const candidate = chain[Math.max(0, chain.length - 1 - trustedProxies)]!;
  return isIP(candidate) ? candidate : socket;
}
