/**
 * The resident pages' stylesheet: phone first, large type and large buttons (many residents are elderly),
 * served from the page's own origin (no inline <style>: the page's Content Security Policy allows none).
 */
import { createHash } from 'node:crypto';
import { Hono } from 'hono';

const RED = '#a8322d';

export const RESIDENT_CSS = `
*{box-sizing:border-box}html{font-size:19px;-webkit-text-size-adjust:100%}
body{margin:0;font-family:"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",system-ui,sans-serif;background:#f4f1ee;color:#1f2328;line-height:1.6}
header{background:${RED};color:#fff;padding:.7rem 1rem;display:flex;align-items:center;gap:.6rem}
header a{color:#fff;text-decoration:none;font-weight:600;font-size:1.1rem}header form{margin-left:auto}
header button{background:transparent;border:1px solid #fff;color:#fff;border-radius:8px;padding:.2rem .7rem;font-size:.85rem}
main{max-width:640px;margin:0 auto;padding:.8rem .8rem 3rem}
.card{background:#fff;border-radius:14px;padding:1rem 1.1rem;margin:0 0 .9rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:1.45rem;line-height:1.35;margin:.1rem 0 .5rem}h2{font-size:1.15rem;margin:0 0 .6rem}
p{margin:.4rem 0}.muted{color:#5f6670;font-size:.9rem}
.badge{display:inline-block;background:#fbe9e7;color:${RED};border-radius:999px;padding:.05rem .7rem;font-size:.9rem;font-weight:600}
a.item{display:block;color:inherit;text-decoration:none;border-top:1px solid #eee;padding:.7rem 0}a.item:first-of-type{border-top:0}
a.item strong{font-size:1.1rem}
.big{display:block;width:100%;min-height:3.3rem;margin:.6rem 0;border-radius:12px;font-size:1.3rem;font-weight:600;border:2px solid ${RED};background:#fff;color:${RED};text-align:center;text-decoration:none;line-height:3.1rem;padding:0 .6rem}
.big.solid,.big.mine{background:${RED};color:#fff}
.big.mine::after{content:" ✓"}
.bar{background:#eee;border-radius:8px;height:.7rem;margin:.15rem 0 .6rem;overflow:hidden}.bar span{display:block;height:100%;background:${RED}}
.row{display:flex;justify-content:space-between;font-size:1.05rem}
textarea{width:100%;min-height:6.5rem;font-size:1.15rem;padding:.6rem;border:1px solid #c9c2bb;border-radius:10px;font-family:inherit}
label{display:block;margin:.2rem 0 .4rem}
.flash{border-radius:10px;padding:.7rem 1rem;margin:0 0 .9rem;font-size:1.05rem}
.flash.ok{background:#e6f4ea;border-left:6px solid #2e7d4f}.flash.err{background:#fdecea;border-left:6px solid ${RED}}
.comment{border-top:1px solid #eee;padding:.5rem 0}.comment:first-of-type{border-top:0}
.chart svg{width:100%;height:auto}
ol.progress{padding-left:1.2rem;margin:.3rem 0}
`;

const version = createHash('sha256').update(RESIDENT_CSS).digest('hex').slice(0, 10);
export const RESIDENT_STYLESHEET = `/assets/resident-${version}.css`;

/** Serves the stylesheet to anyone (it holds nothing private). */
export function residentStyleRoutes(): Hono {
  return new Hono().get(RESIDENT_STYLESHEET, (c) => c.body(RESIDENT_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=31536000, immutable' }));
}

