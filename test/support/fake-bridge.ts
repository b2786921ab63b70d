import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** One post the fake plugin holds. */
export interface FakePost {
  id: number;
  content_id: number;
  title: string;
  status: string;
  content_html: string;
}

/** One request the fake plugin received. */
export interface FakeBridgeRequest {
  method: string;
  path: string;
  key: string | null;
  body: unknown;
}

/** A WordPress term as the core REST API lists it (names HTML-escaped, as WordPress sends them). */
export interface FakeTerm {
  id: number;
  name: string;
  slug: string;
}

/**
 * A small stand-in for a WordPress site running the IGNY8 bridge plugin, on loopback: the plugin's
 * `status`, `publish`, `unpublish`, `post-status` and `site-metadata` routes under `/wp-json/igny8/v1/`
 * (the key checked in `Authorization: Bearer` and `X-IGNY8-API-KEY`, 401 otherwise), and the core
 * `wp/v2/categories` and `wp/v2/tags` lists. A publish finds the post by its content id, as the plugin
 * does, so a republish updates it. `html` makes every route answer an HTML page with status 200 (a
 * site whose REST API is hidden behind a theme or a security plugin).
 */
export class FakeBridge {
  readonly posts = new Map<number, FakePost>();
  readonly requests: FakeBridgeRequest[] = [];
  categories: FakeTerm[] = [];
  tags: FakeTerm[] = [];
  html = false;
  private nextId = 100;
  private server: Server;
  port = 0;

  private constructor(public key: string) {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
  }

  static async start(key: string): Promise<FakeBridge> {
    const bridge = new FakeBridge(key);
    await new Promise<void>((resolve) => bridge.server.listen(0, '127.0.0.1', resolve));
    bridge.port = (bridge.server.address() as { port: number }).port;
    return bridge;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Posts of a content id (a correct plugin never holds more than one). */
  postsOf(contentId: number): FakePost[] {
    return [...this.posts.values()].filter((post) => post.content_id === contentId);
  }

  /** Requests to a route (path without the query). */
  calls(route: string): FakeBridgeRequest[] {
    return this.requests.filter((request) => request.path === `/wp-json/${route}`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? null;
    const header = req.headers['x-igny8-api-key'];
    const key = bearer ?? (typeof header === 'string' ? header : null);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, key, body });
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(JSON.stringify(payload));
    };
    if (this.html) {
      res.writeHead(200, { 'content-type': 'text/html; charset=UTF-8' });
      res.end('<!doctype html><html><body><h1>Maintenance</h1></body></html>');
      return;
    }
    const route = url.pathname.replace(/^\/wp-json\//, '').replace(/\/$/, '');
    if (route.startsWith('igny8/v1/')) {
      if (bearer !== this.key || header !== this.key) {
        send(401, { success: false, code: 'invalid_api_key', message: 'Invalid API key.' });
        return;
      }
      this.plugin(req.method ?? 'GET', route.slice('igny8/v1/'.length), body, send);
      return;
    }
    if (route === 'wp/v2/categories' || route === 'wp/v2/tags') {
      const all = route === 'wp/v2/categories' ? this.categories : this.tags;
      const perPage = Number(url.searchParams.get('per_page') ?? 10);
      const page = Number(url.searchParams.get('page') ?? 1);
      send(200, all.slice((page - 1) * perPage, page * perPage));
      return;
    }
    send(404, { code: 'rest_no_route', message: 'No route was found matching the URL and request method.' });
  }

  private plugin(
    method: string,
    route: string,
    body: unknown,
    send: (status: number, payload: unknown) => void,
  ): void {
    const input = (body ?? {}) as Record<string, unknown>;
    const ok = (data: Record<string, unknown>) => send(200, { success: true, data });
    const answer = (post: FakePost) =>
      ok({
        post_id: post.id,
        post_url: `${this.url}/?p=${post.id}`,
        post_status: post.status,
        post_type: 'post',
      });
    if (method === 'GET' && route === 'status') {
      ok({ connection_enabled: true, plugin_version: '1.0.0', wp_version: '6.1.9', seo_plugin: 'none' });
    } else if (method === 'GET' && route === 'site-metadata') {
      ok({
        post_types: { post: { label: 'Posts', count: this.posts.size } },
        taxonomies: {
          category: { label: 'Categories', count: this.categories.length },
          post_tag: { label: 'Tags', count: this.tags.length },
        },
      });
    } else if (method === 'POST' && route === 'publish') {
      const contentId = Number(input.content_id);
      const existing = this.postsOf(contentId)[0];
      const post = existing ?? {
        id: ++this.nextId,
        content_id: contentId,
        title: '',
        status: '',
        content_html: '',
      };
      Object.assign(post, {
        title: typeof input.title === 'string' ? input.title : '',
        status: typeof input.status === 'string' ? input.status : 'publish',
        content_html: typeof input.content_html === 'string' ? input.content_html : '',
      });
      this.posts.set(post.id, post);
      answer(post);
    } else if (method === 'POST' && route === 'unpublish') {
      const post = this.posts.get(Number(input.post_id));
      if (!post) {
        send(404, { success: false, message: 'Post not found.' });
        return;
      }
      post.status = 'trash';
      answer(post);
    } else if (method === 'GET' && route.startsWith('post-status/')) {
      const post = this.posts.get(Number(route.slice('post-status/'.length)));
      if (!post) {
        send(404, { success: false, message: 'Post not found.' });
        return;
      }
      answer(post);
    } else {
      send(404, { code: 'rest_no_route', message: 'No route.' });
    }
  }
}
