/**
 * The page's one stylesheet, served from the page's own origin (no inline <style>, so the Content
 * Security Policy needs no 'unsafe-inline'); its path carries a hash of its text, so it may be cached.
 */
import { createHash } from 'node:crypto';
import { Hono } from 'hono';

export const CSS = `
*{box-sizing:border-box}body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;margin:0;color:#1d2733;background:#f4f6f8;line-height:1.5}
header{background:#24496e;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.8rem;align-items:center}
header a{color:#fff;text-decoration:none}header .who{margin-left:auto;font-size:.9rem}
main{max-width:980px;margin:0 auto;padding:1rem}
section{background:#fff;border-radius:8px;padding:.8rem 1rem;margin:0 0 1rem;box-shadow:0 1px 2px rgba(0,0,0,.06)}
h1{font-size:1.35rem;margin:.2rem 0 .8rem}h2{font-size:1.1rem;margin:.2rem 0 .6rem}
ul{padding-left:1.1rem;margin:.3rem 0}li{margin:.2rem 0}
.stages{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:.6rem}
.stage{border:1px solid #dde3e9;border-radius:6px;padding:.5rem}.stage h3{font-size:.95rem;margin:0 0 .3rem}
.muted{color:#66727f;font-size:.88rem}.chart svg{max-width:100%;height:auto}
form.inline{display:inline}button{background:#24496e;color:#fff;border:0;border-radius:5px;padding:.45rem .9rem;font-size:1rem}
input,textarea{font-size:1rem;padding:.35rem;border:1px solid #b9c3cc;border-radius:4px;width:100%}
label{display:block;margin:.3rem 0}.ok{background:#e6f4ea;border-left:4px solid #3c9d5d;padding:.5rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e3e8ec;padding:.3rem;text-align:left;font-size:.92rem;vertical-align:top}
`;

const version = createHash('sha256').update(CSS).digest('hex').slice(0, 10);

export const STYLESHEET_PATH = `/assets/yishi-${version}.css`;

/** Serves the stylesheet to anyone (it holds nothing private): before the session check. */
export function styleRoutes(): Hono {
  return new Hono().get(STYLESHEET_PATH, (c) => c.body(CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=31536000, immutable' }));
}

/**
 * A chart's SVG to embed in a page: without its <style> elements (ECharts adds a hover rule, of no use
 * on a drawn picture), which the page's policy would block; its style attributes stay.
 */
export const embeddedSvg = (svg: string) => svg.replace(/<style[^>]*>[\s\S]*?<\/style>/g, '');
