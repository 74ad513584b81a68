// Feed parsing throughput: the same documents (the corpus' well-formed feeds plus the crawler's
// fixtures, repeated to at least 20 MB) through (a) bare feedsmith parseFeed on the UTF-8 text,
// (b) our decode + repairs + parse + extract (no sanitizing) and (c) our full read path (decode +
// parse + normalize with sanitizing and plain text). Ours reads RSS, Atom and RDF with its own
// mapping over htmlparser2's tokenizer (JSON Feed still goes through feedsmith), so (b) is the
// parser against the parser. Prints MB/s of each and the ratios to (a).
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/feed-parse.js
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseFeed } from 'feedsmith';
import { extractFeed, parseFeedDocument, readFeed } from '@autoglm/crawler-feature';

const TARGET_BYTES = 20 * 1024 * 1024;
// dist/tools/bench → the repository root; the corpus sits next to it (../shared/corpora/feeds).
const REPO_ROOT = resolve(__dirname, '../../..');
const CORPUS = resolve(REPO_ROOT, '../shared/corpora/feeds/cases');
const FIXTURES = join(REPO_ROOT, 'libs/crawler/feature/src/fixtures');
const URL = 'https://bench.example.com/feed';

interface Doc {
  body: Buffer;
  contentType: string;
}

function loadDocuments(): Doc[] {
  const corpus = readdirSync(CORPUS)
    .filter((f) => f.startsWith('wellformed__'))
    .map((f) => ({ body: readFileSync(join(CORPUS, f)), contentType: 'application/xml' }));
  const fixtures = readdirSync(FIXTURES)
    .filter((f) => /\.(xml|json)$/.test(f))
    .map((f) => ({ body: readFileSync(join(FIXTURES, f)), contentType: f.endsWith('.json') ? 'application/feed+json' : 'application/xml' }));
  return [...corpus, ...fixtures];
}

function repeatToTarget(docs: Doc[]): Doc[] {
  const out: Doc[] = [];
  let bytes = 0;
  while (bytes < TARGET_BYTES) {
    for (const doc of docs) {
      out.push(doc);
      bytes += doc.body.length;
    }
  }
  return out;
}

/** Runs `read` over every document; a document it cannot read counts as a failure, not as an abort. */
function timed(docs: Doc[], read: (doc: Doc) => unknown): { seconds: number; read: number; failed: number } {
  let ok = 0;
  let failed = 0;
  const start = process.hrtime.bigint();
  for (const doc of docs) {
    try {
      read(doc);
      ok++;
    } catch {
      failed++;
    }
  }
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, read: ok, failed };
}

function main(): void {
  const all = loadDocuments();
  // Only documents bare feedsmith reads: on the others it stops early, and the work would not compare.
  const unique = all.filter((d) => {
    try {
      parseFeed(d.body.toString('utf8'));
      return true;
    } catch {
      return false;
    }
  });
  const docs = repeatToTarget(unique);
  const bytes = docs.reduce((n, d) => n + d.body.length, 0);
  const modes: Array<[string, (doc: Doc) => unknown]> = [
    ['(a) feedsmith parseFeed (bare, UTF-8 text)', (d) => parseFeed(d.body.toString('utf8'))],
    ['(b) ours: decode + parse + extract, no sanitize', (d) => extractFeed(parseFeedDocument(d.body, d.contentType, URL).feed, URL)],
    ['(c) ours: full read path with sanitize', (d) => readFeed({ body: d.body, contentType: d.contentType, url: URL })],
  ];
  for (const [, read] of modes) timed(unique, read); // warm-up

  const results = modes.map(([mode, read]) => ({ mode, ...timed(docs, read) }));
  const baseline = bytes / (results[0]?.seconds ?? 1);
  console.log(
    `\nfeed-parse: ${unique.length} distinct documents (of ${all.length}; ${all.length - unique.length} that bare feedsmith ` +
      `rejects left out) repeated to ${docs.length} (${(bytes / 1e6).toFixed(1)} MB)\n`,
  );
  console.table(
    results.map((r) => ({
      mode: r.mode,
      'MB/s': +(bytes / r.seconds / 1e6).toFixed(2),
      'docs/s': Math.round(docs.length / r.seconds),
      seconds: +r.seconds.toFixed(2),
      'ratio to (a)': +(bytes / r.seconds / baseline).toFixed(2),
      'read ok': r.read,
      failed: r.failed,
    })),
  );
}

main();
