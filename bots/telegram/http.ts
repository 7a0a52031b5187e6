/**
 * A small `fetch` for grammY's API client (`client: { fetch }`): JSON requests over node's http/https
 * with kept-alive sockets, answering only what grammY reads (`json()`). In a vote storm every press
 * costs one answerCallbackQuery; node-fetch (grammY's default on Node) spent about as much CPU per call
 * as the rest of the press. Bodies that are not a string (file uploads as multipart streams) go to
 * `fallback` unchanged (the bot passes Node's own fetch).
 */
import http from 'node:http';
import https from 'node:https';

type Fetch = (url: string, init?: FetchInit) => Promise<{ ok: boolean; status: number; json(): Promise<unknown>; text(): Promise<string> }>;

interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal | null;
}

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64 });

/** Builds the fetch; `fallback` takes what this one does not handle (non-string bodies). */
export function lightFetch(fallback: (url: string, init?: unknown) => Promise<unknown>): Fetch {
  return (url, init = {}) => {
    if (init.body !== undefined && typeof init.body !== 'string') return fallback(url, init) as ReturnType<Fetch>;
    return request(url, init);
  };
}

function request(url: string, init: FetchInit): ReturnType<Fetch> {
  return new Promise((resolve, reject) => {
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return reject(abortError());
    const u = new URL(url);
    const secure = u.protocol === 'https:';
    const body = init.body === undefined ? undefined : Buffer.from(init.body as string, 'utf8');
    const headers: Record<string, string | number> = { ...init.headers };
    if (body) headers['content-length'] = body.length;
    const req = (secure ? https : http).request(
      {
        protocol: u.protocol,
        hostname: u.hostname,
        port: u.port || (secure ? 443 : 80),
        path: u.pathname + u.search,
        method: init.method ?? 'GET',
        headers,
        agent: secure ? httpsAgent : httpAgent,
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('error', fail);
        res.on('end', () => {
          signal?.removeEventListener('abort', onAbort);
          const text = Buffer.concat(parts).toString('utf8');
          const status = res.statusCode ?? 0;
          resolve({
            ok: status >= 200 && status < 300,
            status,
            text: async () => text,
            json: async () => JSON.parse(text) as unknown,
          });
        });
      },
    );
    function fail(err: unknown) {
      signal?.removeEventListener('abort', onAbort);
      reject(err);
    }
    function onAbort() {
      req.destroy(abortError());
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', fail);
    req.end(body);
  });
}

function abortError(): Error {
  const err = new Error('The operation was aborted.');
  err.name = 'AbortError';
  return err;
}
