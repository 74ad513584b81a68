// Article extraction throughput and quality on the labelled pages of ../shared/corpora/extraction:
// (a) linkedom parseHTML + @mozilla/readability, (b) our extractArticle, on the same pages in one
// run, several rounds each (interleaved so machine load hits both alike). Prints docs/s, the
// ratio to (a), and the F1 of each from the corpus' eval.mjs on the texts of the last round.
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/extraction.js
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { extractArticle } from '@autoglm/crawler-feature';

const ROUNDS = 5;
// dist/tools/bench → the repository root; the corpus sits next to it.
const REPO_ROOT = resolve(__dirname, '../../..');
const CORPUS = resolve(REPO_ROOT, '../shared/corpora/extraction');

interface Page {
  id: string;
  url: string;
  html: string;
}

function loadPages(): Page[] {
  const truth = JSON.parse(readFileSync(join(CORPUS, 'ground-truth.json'), 'utf8')) as Record<string, { url: string }>;
  const files = new Set(readdirSync(join(CORPUS, 'html')));
  return Object.entries(truth)
    .filter(([id]) => files.has(`${id}.html.gz`))
    .map(([id, { url }]) => ({ id, url, html: gunzipSync(readFileSync(join(CORPUS, 'html', `${id}.html.gz`))).toString('utf8') }));
}

function readabilityText(page: Page): string {
  const { document } = parseHTML(page.html);
  // linkedom's document is close enough to the DOM Readability reads; the types differ.
  return new Readability(document as unknown as ConstructorParameters<typeof Readability>[0]).parse()?.textContent ?? '';
}

function oursText(page: Page): string {
  return extractArticle(page.html, page.url).text;
}

function run(pages: Page[], extract: (page: Page) => string): { seconds: number; texts: Record<string, { articleBody: string }> } {
  const texts: Record<string, { articleBody: string }> = {};
  const start = process.hrtime.bigint();
  for (const page of pages) {
    try {
      texts[page.id] = { articleBody: extract(page) };
    } catch {
      texts[page.id] = { articleBody: '' };
    }
  }
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, texts };
}

function f1(name: string, texts: Record<string, { articleBody: string }>): string {
  mkdirSync(join(REPO_ROOT, 'tmp'), { recursive: true });
  const file = join(REPO_ROOT, 'tmp', `bench-extraction-${name}.json`);
  writeFileSync(file, JSON.stringify(texts));
  const report = execFileSync(process.execPath, [join(CORPUS, 'eval.mjs'), CORPUS, '--predictions', file], { encoding: 'utf8' });
  return /F1 ([\d.]+)/.exec(report)?.[1] ?? '?';
}

function main(): void {
  const pages = loadPages();
  const megabytes = pages.reduce((n, p) => n + p.html.length, 0) / 1e6;
  const modes: Array<[string, (page: Page) => string]> = [
    ['(a) linkedom + @mozilla/readability', readabilityText],
    ['(b) ours: extractArticle', oursText],
  ];
  for (const [, extract] of modes) run(pages, extract); // warm-up
  const seconds = modes.map(() => 0);
  const last: Array<Record<string, { articleBody: string }>> = [];
  for (let round = 0; round < ROUNDS; round++) {
    modes.forEach(([, extract], i) => {
      const r = run(pages, extract);
      seconds[i] += r.seconds;
      last[i] = r.texts;
    });
  }
  const docs = pages.length * ROUNDS;
  const baseline = docs / seconds[0];
  console.log(`\nextraction: ${pages.length} pages (${megabytes.toFixed(1)} MB of HTML) × ${ROUNDS} rounds\n`);
  console.table(
    modes.map(([mode], i) => ({
      mode,
      'docs/s': +(docs / seconds[i]).toFixed(1),
      seconds: +seconds[i].toFixed(2),
      'ratio to (a)': +(docs / seconds[i] / baseline).toFixed(2),
      F1: f1(i === 0 ? 'readability' : 'ours', last[i]),
    })),
  );
}

main();
