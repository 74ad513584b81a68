import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

const FIXTURES = join(__dirname, '..', 'fixtures');

/** The English and Chinese fixture feeds at /en.xml and /zh.xml on a loopback port. */
export function serveFixtureFeeds(): Promise<{ server: Server; base: string }> {
  const feeds: Record<string, Buffer> = { '/en.xml': readFileSync(join(FIXTURES, 'en-feed.xml')), '/zh.xml': readFileSync(join(FIXTURES, 'zh-feed.xml')) };
  const server = createServer((req, res) => {
    const body = feeds[(req.url ?? '').split('?')[0] ?? ''];
    if (!body) res.writeHead(404).end('not found');
    else res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(body);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, base: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` });
    }),
  );
}
