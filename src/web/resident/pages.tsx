/** The resident pages of a community: its open items (`/v/<slug>`), raising a suggestion (`/v/<slug>/new`), and one's communities (`/v`). */
import { Hono, type Context } from 'hono';
import { LIMITS } from '../../domain/text.js';
import { t, type Lang } from '../../i18n/index.js';
import type { Community } from '../../kernel/context.js';
import type { Item } from '../../reports/board.js';
import { communitiesOfPerson, communityBySlug, openItems } from '../../reports/resident.js';
import { act, onceToken } from './act.js';
import type { AsResident, ResidentWeb } from './context.js';
import { Flash, RPage, rsay } from './layout.js';
import { refusedPage } from './refusals.js';

export const langOfCommunity = (c: Community): Lang => (c.lang === 'en' ? 'en' : 'zh');
const VOTING = ['voting', 'evaluating'];
const RAISED = ['raised', 'supported'];

export function ItemLink(props: { slug: string; item: Item; lang: Lang; threshold: number }) {
  const { item, lang } = props;
  return (
    <a class="item" href={`/v/${props.slug}/${item.number}`}>
      <strong>
        #{item.number} {item.text.length > 60 ? `${item.text.slice(0, 60)}…` : item.text}
      </strong>
      <br />
      <span class="badge">{t(lang, `stage.${item.stage}`)}</span>{' '}
      {RAISED.includes(item.stage) && <span class="muted">{t(lang, 'r.item.supports', { count: item.supportCount, threshold: props.threshold })}</span>}
    </a>
  );
}

export function residentPages(rw: ResidentWeb): Hono<AsResident> {
  const app = new Hono<AsResident>();

  app.get('/v', async (c) => {
    const s = c.get('resident');
    const lang = s?.lang ?? 'zh';
    if (!s) return rsay(c, 401, lang, 'r.needed');
    const mine = await communitiesOfPerson(rw.db, s.personId);
    if (mine.length === 1) return c.redirect(`/v/${mine[0]!.slug}`, 303);
    return c.html(
      <RPage lang={lang} title={t(lang, 'r.mine.title')} resident={s}>
        <section class="card">
          <h1>{t(lang, 'r.mine.title')}</h1>
          {mine.length ? mine.map((m) => <a class="big" href={`/v/${m.slug}`}>{m.name}</a>) : <p>{t(lang, 'r.mine.none')}</p>}
        </section>
      </RPage>,
    );
  });

  app.get('/v/:slug', async (c) => {
    const cm = await communityBySlug(rw.db, c.req.param('slug'));
    if (!cm) return rsay(c, 404, c.get('resident')?.lang ?? 'zh', 'r.notFound');
    return listPage(rw, c, cm);
  });

  // /v/<slug>/new is served by the item route (item.tsx): a static segment beside /v/:slug/:n breaks Hono's fast router.
  return app;
}

/** POST /v/<slug>/new: raises the suggestion (`/suggest <text>`) and goes to its page. */
export async function raiseFromPage(rw: ResidentWeb, c: Context<AsResident>) {
  const cm = await communityBySlug(rw.db, c.req.param('slug') ?? '');
  const lang = cm ? langOfCommunity(cm) : 'zh';
  if (!cm) return rsay(c, 404, lang, 'r.notFound');
  let text = '';
  const r = await act(rw, c, c.get('resident'), cm, (form) => ((text = form.text ?? ''), `/suggest ${text}`));
  if ('refused' in r) return newPage(c, cm, r.refused, text, 400);
  if (!('done' in r)) return refusedPage(c, cm, r);
  const n = /#(\d+)/.exec(r.reply ?? '')?.[1];
  return c.redirect(n ? `/v/${cm.slug}/${n}?ok=suggest` : `/v/${cm.slug}`, 303);
}

async function listPage(rw: ResidentWeb, c: Context<AsResident>, cm: Community) {
  const s = c.get('resident');
  const lang = langOfCommunity(cm);
  const items = await openItems(rw.db, cm);
  const groups = [
    { title: t(lang, 'r.list.voting'), items: items.filter((i) => VOTING.includes(i.stage)) },
    { title: t(lang, 'r.list.raised'), items: items.filter((i) => RAISED.includes(i.stage)) },
    { title: t(lang, 'r.list.other'), items: items.filter((i) => !VOTING.includes(i.stage) && !RAISED.includes(i.stage)) },
  ];
  return c.html(
    <RPage lang={lang} title={t(lang, 'r.list.title', { community: cm.name })} home={{ href: `/v/${cm.slug}`, label: cm.name }} resident={s}>
      {s ? (
        <a class="big solid" href={`/v/${cm.slug}/new`}>
          {t(lang, 'r.list.new')}
        </a>
      ) : (
        <p class="flash err">{t(lang, 'r.needed')}</p>
      )}
      {groups.map((g) => (
        <section class="card">
          <h2>{g.title}</h2>
          {g.items.length ? g.items.map((i) => <ItemLink slug={cm.slug} item={i} lang={lang} threshold={cm.supportThreshold} />) : <p class="muted">{t(lang, 'r.list.empty')}</p>}
        </section>
      ))}
    </RPage>,
  );
}

export async function newPageOf(rw: ResidentWeb, c: Context<AsResident>) {
  const cm = await communityBySlug(rw.db, c.req.param('slug') ?? '');
  if (!cm) return rsay(c, 404, c.get('resident')?.lang ?? 'zh', 'r.notFound');
  return newPage(c, cm);
}

function newPage(c: Context<AsResident>, cm: Community, error?: string, text = '', status: 200 | 400 = 200) {
  const s = c.get('resident');
  const lang = langOfCommunity(cm);
  return c.html(
    <RPage lang={lang} title={t(lang, 'r.new.title')} home={{ href: `/v/${cm.slug}`, label: cm.name }} resident={s}>
      <Flash error={error} />
      <section class="card">
        <h1>{t(lang, 'r.new.title')}</h1>
        {s ? (
          <form method="post" action={`/v/${cm.slug}/new`}>
            <input type="hidden" name="_csrf" value={s.csrfToken} />
            <input type="hidden" name="_once" value={onceToken()} />
            <label for="text">{t(lang, 'r.new.label', { max: LIMITS.suggestion })}</label>
            <textarea id="text" name="text" maxlength={LIMITS.suggestion} required>
              {text}
            </textarea>
            <button class="big solid" type="submit">
              {t(lang, 'r.new.submit')}
            </button>
          </form>
        ) : (
          <p>{t(lang, 'r.needed')}</p>
        )}
      </section>
    </RPage>,
    status,
  );
}
