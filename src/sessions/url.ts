/** The links the bot sends to the web page: staff sign-in links and residents' personal links (the base URL: src/lib/web-url.ts). */
export { publicWebUrl, publishWebUrl, residentPageUrl } from '../lib/web-url.js';

export const signInUrl = (base: string, token: string) => `${base}/signin/${token}`;
/** A personal one-time link to the resident pages (`/page`). */
export const personalLinkUrl = (base: string, token: string) => `${base}/page/${token}`;
