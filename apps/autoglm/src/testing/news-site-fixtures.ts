import { createServer, type Server } from 'node:http';

/*
 * A loopback news site for sources that are not feeds: a JSON API at /api/posts that answers only with
 * NEWS_API_SECRET in its Authorization header ({"data": {"items": [{uid, attributes: {headline, name, body,
 * date}, links: {self}}]}}), and a list page at /news/ linking (li.teaser a) to three article pages.
 */

/** The Authorization header the JSON API insists on (a source names it as a configured secret). */
export const NEWS_API_SECRET = 'Bearer e2e-news-token-4f1c';
const BODY = 'The regional council approved a new budget for bridges, rivers and public transport after a long debate.';

export interface NewsSiteFixtures {
  server: Server;
  base: string;
  /** Authorization headers the JSON API received. */
  authorizations: string[];
}

function articlePage(title: string): string {
  return `<!doctype html><html><head><title>${title}</title></head><body><article><h1>${title}</h1>
    <p>${BODY}</p><p>${BODY} The vote passed with a clear majority on Tuesday evening.</p>
    <p>Engineers said the first works on the eastern bridge would begin in spring, with the river quays next.</p></article></body></html>`;
}

export async function startNewsSiteFixtures(): Promise<NewsSiteFixtures> {
  const authorizations: string[] = [];
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/api/posts') {
      authorizations.push(String(req.headers['authorization'] ?? ''));
      if (req.headers['authorization'] !== NEWS_API_SECRET) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
        return;
      }
      const posts = [1, 2].map((n) => ({
        uid: `post-${n}`,
        attributes: { headline: `API story ${n}`, name: `Renamed story ${n}`, body: `${BODY} (${n})`, date: '2026-12-01T10:00:00Z' },
        links: { self: `/api/posts/${n}` },
      }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { items: posts } }));
      return;
    }
    if (path === '/news/') {
      const links = [1, 2, 3].map((n) => `<li class="teaser"><a href="/news/${n}.html">Site story ${n}</a></li>`).join('');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html><body><ul>${links}</ul></body></html>`);
      return;
    }
    const article = /^\/news\/(\d)\.html$/.exec(path);
    if (article) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(articlePage(`Site story ${article[1]}`));
      return;
    }
    res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, base: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, authorizations };
}
