/**
 * `yishi mp qrcode <slug> [grid] [--out file.png]`: a permanent QR code (QR_LIMIT_STR_SCENE) whose scene
 * `<slug>[:<grid>]` joins the follower to that community (and grid); prints the URL it encodes and the
 * ticket's picture URL, and with --out saves the picture. `yishi mp menu`: publishes the account's menu
 * (议事厅 → the resident pages, 我要提议, 我的).
 */
import fs from 'node:fs';
import type { Config } from '../lib/config.js';
import type { Database } from '../db/client.js';
import { findGrid } from '../org/grids.js';
import { isSlug } from '../domain/slug.js';
import { t } from '../i18n/index.js';
import { WechatMpApi } from '../services/wechat-mp-api.js';
import { requireCommunity } from '../org/communities.js';
import { AdminError } from '../domain/admin-errors.js';

export const MP_USAGE = 'mp qrcode <slug> [grid] [--out file.png] | mp menu (the Official Account: WECHAT_MP_APP_ID, WECHAT_MP_APP_SECRET, WECHAT_MP_TOKEN)';

/** Must match bots/wechat-mp/handle.ts MENU_KEYS. */
const MENU_KEYS = { propose: 'YISHI_PROPOSE', mine: 'YISHI_MINE' };

type Out = (line: string) => void;
type WithDb<J> = (fn: (database: Database, config: Config, ctx: { out: Out; err: Out }) => Promise<number>) => J;

function apiOf(config: Config): WechatMpApi {
  if (!config.WECHAT_MP_APP_ID || !config.WECHAT_MP_APP_SECRET) throw new AdminError('BAD_ARGUMENT', 'WECHAT_MP_APP_ID and WECHAT_MP_APP_SECRET are not set');
  return new WechatMpApi({ appId: config.WECHAT_MP_APP_ID, appSecret: config.WECHAT_MP_APP_SECRET, apiRoot: config.WECHAT_MP_API_ROOT });
}

/** Validates `mp …` and returns its job (run with the database, for the community check). */
export function mpJob<J>(positionals: string[], values: { out?: string | boolean }, bad: (message: string) => never, withDb: WithDb<J>): J {
  const [sub, slug, grid, ...extra] = positionals;
  if (sub === 'menu') {
    if (positionals.length > 1 || values.out !== undefined) bad('expected: mp menu');
    return withDb(async (_database, config, ctx) => {
      if (!config.YISHI_WEB_URL) throw new AdminError('BAD_ARGUMENT', 'YISHI_WEB_URL is not set: the menu\'s 议事厅 opens the resident pages there');
      const menu = {
        button: [
          { type: 'view', name: t('zh', 'mp.menu.hall'), url: `${config.YISHI_WEB_URL}/v` },
          { type: 'click', name: t('zh', 'mp.menu.propose'), key: MENU_KEYS.propose },
          { type: 'click', name: t('zh', 'mp.menu.mine'), key: MENU_KEYS.mine },
        ],
      };
      await apiOf(config).createMenu(menu);
      ctx.out(`published the menu: ${menu.button.map((b) => b.name).join(' | ')}`);
      return 0;
    });
  }
  if (sub !== 'qrcode' || !slug || extra.length) bad(`expected: ${MP_USAGE}`);
  if (!isSlug(slug!) || (grid !== undefined && !isSlug(grid))) bad('a community or grid is a slug (a-z, 0-9 and -)');
  const out = values.out === undefined ? undefined : String(values.out);
  return withDb(async (database, config, ctx) => {
    const community = await requireCommunity(database.db, slug!);
    if (grid !== undefined && !(await findGrid(database.db, community.id, grid))) throw new AdminError('BAD_ARGUMENT', `${slug} has no grid ${grid}`);
    const scene = grid ? `${slug}:${grid}` : slug!;
    const api = apiOf(config);
    const code = await api.permanentQrCode(scene);
    ctx.out(`scene ${scene}: ${code.url}`);
    ctx.out(`picture: ${code.imageUrl}`);
    if (out) {
      const res = await fetch(code.imageUrl, { signal: AbortSignal.timeout(15_000) });
      if (!res.ok) throw new AdminError('BAD_ARGUMENT', `the picture could not be fetched (HTTP ${res.status})`);
      fs.writeFileSync(out, Buffer.from(await res.arrayBuffer()));
      ctx.err(`saved the QR code of ${scene} to ${out}`);
    }
    return 0;
  });
}
