/** Signed file links (`/f/…`, src/sessions/file-links.ts): a result picture or a 公示 notice for platforms that take no file. */
import { Hono } from 'hono';
import { renderAttachment } from '../../reports/attachments.js';
import { openFileLink } from '../../sessions/file-links.js';
import { langOfReq } from '../context.js';
import type { ResidentWeb } from './context.js';
import { clientAddress } from '../client-address.js';
import { rsay } from './layout.js';

export function fileRoutes(rw: ResidentWeb): Hono {
  return new Hono().get('/f/:kind/:id/:lang/:expires/:sig', async (c) => {
    const lang = langOfReq(c);
    if (!rw.signIns.hit(`f:${clientAddress(c, rw.trustProxy)}`, rw.now())) return rsay(c, 429, lang, 'r.limited');
    const opened = await openFileLink(rw.db, c.req.param(), rw.now());
    if (opened === 'bad') return rsay(c, 404, lang, 'r.file.bad');
    if (opened === 'expired') return rsay(c, 410, lang, 'r.file.bad');
    const file = await renderAttachment(rw.db, opened.attachment, { lang: opened.lang, tz: rw.tz, now: rw.now() });
    if (!file) return rsay(c, 404, lang, 'r.file.bad');
    return c.body(file.bytes as Uint8Array<ArrayBuffer>, 200, { 'content-type': file.mime, 'content-disposition': `inline; filename="${file.filename}"` });
  });
}
