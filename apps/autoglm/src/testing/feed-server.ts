import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

const TOPICS = ['harbour dredging', 'tram timetables', 'orchard frost', 'library hours', 'bridge repairs', 'solar tariffs', 'ferry strikes'];

/** An RSS feed of `items` distinct stories (GUID, link and text differ per item, so each is one article). */
export function rssFeed(feed: number, items: number): string {
  const entries: string[] = [];
  for (let i = 0; i < items; i++) {
    const topic = TOPICS[(feed * 3 + i) % TOPICS.length];
    entries.push(
      `<item><title>Desk ${feed} report ${i}: ${topic} under review</title><link>http://news.test/desk-${feed}/report-${i}</link>` +
        `<guid isPermaLink="false">desk-${feed}-report-${i}</guid><pubDate>${new Date(Date.UTC(2026, 9, 1 + (i % 28), feed % 24, i % 60)).toUTCString()}</pubDate>` +
        `<description>Report ${i} from desk ${feed} on ${topic}. Residents, planners and engineers compared costs and delays; ` +
        `the council promised figures by the end of the quarter and a public hearing on ${topic}.</description></item>`,
    );
  }
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Desk ${feed}</title><link>http://news.test/desk-${feed}</link>` +
    `<description>Desk ${feed}</description>${entries.join('')}</channel></rss>`;
}

/** A route of the fixture server: answers a request, or returns false to pass it on. */
export type FeedRoute = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * `/feed-<n>.xml` → rssFeed(n, items), after `delayMs(n, request)` where `request` counts the
 * requests for that feed from 1 (the first is the probe of the source's creation): crawls can be
 * kept in flight when a fault comes without slowing down adding the source.
 */
export function numberedFeeds(items: number, delayMs: (feed: number, request: number) => number = () => 0): FeedRoute {
  const requests = new Map<number, number>();
  return (req, res) => {
    const match = /^\/feed-(\d+)\.xml$/.exec(req.url ?? '');
    if (!match) return false;
    const feed = Number(match[1]);
    const request = (requests.get(feed) ?? 0) + 1;
    requests.set(feed, request);
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed(feed, items)), delayMs(feed, request));
    return true;
  };
}

/** A loopback HTTP server answering with the first route that takes each request (404 otherwise). */
export function serveFeeds(...routes: FeedRoute[]): Promise<{ server: Server; base: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (!routes.some((route) => route(req, res))) res.writeHead(404).end('not found');
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      resolve({ server, base, close: () => new Promise<void>((done) => (server.closeAllConnections(), server.close(() => done()))) });
    }),
  );
}
