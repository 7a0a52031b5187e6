/**
 * Routes an adapter adds to the web port once it starts (the Official Account's callback at /wechat-mp):
 * the web page asks here first, so no adapter imports the web page nor it an adapter.
 */
export type FetchHandler = (req: Request) => Response | Promise<Response>;

export class WebMounts {
  private readonly handlers = new Map<string, FetchHandler>();

  /** Serves `prefix` and everything under it with `handler`. */
  mount(prefix: string, handler: FetchHandler): void {
    this.handlers.set(prefix.replace(/\/+$/, ''), handler);
  }

  unmount(prefix: string): void {
    this.handlers.delete(prefix.replace(/\/+$/, ''));
  }

  /** The handler of the longest prefix `path` is under, if any. */
  match(path: string): FetchHandler | undefined {
    let best: string | undefined;
    for (const prefix of this.handlers.keys()) if ((path === prefix || path.startsWith(prefix + '/')) && (!best || prefix.length > best.length)) best = prefix;
    return best === undefined ? undefined : this.handlers.get(best);
  }
}
