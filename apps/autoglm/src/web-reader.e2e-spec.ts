import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { waitFor } from '@autoglm/shared-testing';
import { startEmbedded, type EmbeddedSystem } from './embedded';
import { embeddedTestConfig } from './testing/embedded-test-config';
import { serveFixtureFeeds } from './testing/fixture-feeds';
import { NEWS_API_SECRET, startNewsSiteFixtures, type NewsSiteFixtures } from './testing/news-site-fixtures';

/**
 * The web reader in a real browser: Debian's Chromium (/usr/bin/chromium, installed by .ci/run) driven by
 * playwright-core, against the embedded system reading a loopback feed. A person creates the first account,
 * adds the feed, reads, stars, searches and moves with the keyboard, in both themes and both languages;
 * axe-core finds no serious or critical accessibility problem on the main views, and the page runs under
 * its Content-Security-Policy without a single violation. Screenshots of the main views go to docs/screenshots.
 */

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ROOT = join(__dirname, '..', '..', '..');
const SCREENSHOTS = join(ROOT, 'docs', 'screenshots');
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const PASSWORD = 'correct horse battery staple';
const WAIT = { timeout: 60_000 };

/** The browser globals the page functions below touch (this file is compiled without the DOM library; they run in the page). */
declare const window: { axe: { run(context: unknown, options: object): Promise<{ violations: AxeViolation[] }> } };
declare const document: {
  documentElement: { dataset: Record<string, string | undefined>; lang: string; scrollWidth: number; clientWidth: number };
  activeElement: { id: string } | null;
  querySelector(selector: string): { textContent: string | null } | null;
};
declare const location: { hash: string };

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: Array<{ target: string[] }>;
}

/** axe-core on the page as it is now; returns the serious and critical violations. */
async function seriousViolations(page: Page): Promise<Array<{ id: string; impact: string | null; targets: string[] }>> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern (an inline <script> would be refused).
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

describe('the web reader in Chromium', () => {
  let fixtures: { server: Server; base: string };
  let site: NewsSiteFixtures;
  let system: EmbeddedSystem;
  let dataDir: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];

  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
  const axeClean = async (view: string) => expect({ view, violations: await seriousViolations(page) }).toEqual({ view, violations: [] });
  const go = async (hash: string) => {
    await page.evaluate((target) => {
      location.hash = target;
    }, hash);
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does it)`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'autoglm-web-'));
    const assetsDir = join(dataDir, 'web');
    execFileSync(process.execPath, [join(ROOT, 'tools', 'scripts', 'build-web.js'), '--out', assetsDir], { stdio: 'pipe' });
    fixtures = await serveFixtureFeeds();
    site = await startNewsSiteFixtures();
    system = await startEmbedded(
      await embeddedTestConfig(dataDir, { web: { assetsDir }, secrets: { NEWS_TOKEN: NEWS_API_SECRET }, sourceSecrets: ['NEWS_TOKEN'], scheduler: { tickMs: 300 } }),
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US', colorScheme: 'light' });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    // Building the reader and starting every service takes minutes on a busy machine.
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
    fixtures?.server.close();
    site?.server.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('serves the page under a strict Content-Security-Policy, with no inline script or style', async () => {
    const response = await fetch(`${system.url}/`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await response.text();
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=/);
    expect((await fetch(`${system.url}/assets/../package.json`)).status).toBe(404);
    expect((await fetch(`${system.url}/assets/nothing.js`)).status).toBe(404);
  });

  it('creates the first account from the page, then signs out and in again with the password', async () => {
    await page.goto(system.url);
    await page.getByRole('heading', { name: 'Create the first account' }).waitFor(WAIT);
    await axeClean('create account');
    await shot('sign-in');
    await page.getByLabel('User name').fill('alice');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create the first account' }).click();
    await expect(page.locator('pre.key').textContent(WAIT)).resolves.toMatch(/^agl_/);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'For You' }).waitFor(WAIT);

    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'autoglm_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

    await go('#/account');
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor(WAIT);
    await page.getByLabel('User name').fill('alice');
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'wrong user name or password' }).waitFor(WAIT);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Signing in keeps the address the browser was at.
    await page.getByRole('heading', { name: 'Account' }).waitFor(WAIT);
    await page.getByText('Signed in as alice (administrator)').waitFor(WAIT);
  });

  it('adds a loopback feed from the Sources view and shows its health', async () => {
    await go('#/sources');
    await page.getByLabel('Feed URL').fill(`${fixtures.base}/en.xml`);
    await page.getByLabel('Folder (optional)').fill('News');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Feed added.' }).waitFor(WAIT);
    await waitFor(
      'the six articles of the feed in Latest',
      async () => {
        await go('#/latest');
        await go('#/sources');
        await page.getByRole('heading', { name: 'Sources' }).waitFor(WAIT);
        const counts = await page.locator('li.source .health dt:text-is("Articles") + dd').allTextContents();
        return counts.includes('6') ? true : undefined;
      },
      { timeoutMs: 120_000 },
    );
    await expect(page.locator('li.source .badge').first().textContent()).resolves.toBe('Active');
    const health = page.locator('li.source').first().locator('.health');
    await expect(health.locator('dt').allTextContents()).resolves.toEqual(['Kind', 'Articles', 'Last checked', 'Next check', 'Checked every']);
    await axeClean('sources');
    await shot('sources');
  });

  it('reads and stars with the mouse and the keyboard', async () => {
    await go('#/latest');
    const items = page.locator('li.item');
    await waitFor('the summaries of the analysed articles', async () => {
      await go('#/unread');
      await go('#/latest');
      await items.first().waitFor(WAIT);
      return (await page.locator('li.item .summary').count()) >= 6 ? true : undefined;
    }, { timeoutMs: 120_000 });
    expect(await items.count()).toBe(6);
    await axeClean('latest');
    await shot('latest');

    // j/k move the selection, o opens the selected article, u goes back, s stars, m marks read.
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await expect(page.locator('li.item.selected').getAttribute('data-index')).resolves.toBe('1');
    await page.keyboard.press('k');
    await expect(page.locator('li.item.selected').getAttribute('data-index')).resolves.toBe('0');
    const firstTitle = (await items.first().locator('h2').textContent()) ?? '';
    await page.keyboard.press('s');
    await items.first().locator('button[data-action="star"][aria-pressed="true"]').waitFor(WAIT);
    await page.keyboard.press('m');
    await page.locator('li.item.is-read').first().waitFor(WAIT);
    await page.keyboard.press('j');
    await page.keyboard.press('o');
    const article = page.locator('article.article');
    await article.waitFor(WAIT);
    const secondTitle = (await article.locator('h1').textContent()) ?? '';
    expect(secondTitle).not.toBe(firstTitle);
    await page.locator('.summary-box').waitFor(WAIT);
    await expect(article.locator('a[data-action="original"]').getAttribute('rel')).resolves.toBe('noopener noreferrer');
    // Opening marks the article read.
    await article.locator('button[data-action="read"][aria-pressed="true"]').waitFor(WAIT);
    await axeClean('article');
    await shot('article');
    await page.keyboard.press('j');
    await page.waitForFunction((title) => (document.querySelector('article.article h1')?.textContent ?? title) !== title, secondTitle, WAIT);
    await page.keyboard.press('u');
    await page.getByRole('heading', { name: 'Latest' }).waitFor(WAIT);

    // The starred view has the article starred from the list; clicking a title opens it.
    await go('#/starred');
    await page.getByRole('heading', { name: 'Starred' }).waitFor(WAIT);
    await page.locator('li.item').first().waitFor(WAIT);
    await expect(page.locator('li.item h2').allTextContents()).resolves.toEqual([firstTitle]);
    await page.locator('li.item h2 a').first().click();
    await page.locator('article.article h1').filter({ hasText: firstTitle }).waitFor(WAIT);
    await page.locator('article.article button[data-action="star"]').click();
    await go('#/starred');
    await page.getByText('Nothing here yet.').waitFor(WAIT);

    // ? shows the shortcuts; / goes to the search box.
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor(WAIT);
    await axeClean('help');
    await page.keyboard.press('Escape');
    await page.keyboard.press('/');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('quick-search');
  });

  it('searches by text, meaning and both, with the matched words highlighted', async () => {
    await page.locator('#quick-search').fill('striker');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Search' }).waitFor(WAIT);
    await page.locator('li.item mark').first().waitFor(WAIT);
    await expect(page.locator('li.item h2').first().textContent()).resolves.toContain('Striker scores twice');
    for (const mode of ['text', 'semantic']) {
      await page.locator('#search-mode').selectOption(mode);
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await page.waitForFunction((m) => location.hash.endsWith(`mode=${m}`), mode, WAIT);
      await page.locator('.results p.meta').filter({ hasText: 'results' }).waitFor(WAIT);
    }
    await page.locator('#search-mode').selectOption('hybrid');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.locator('li.item mark').first().waitFor(WAIT);
    await axeClean('search');
    await shot('search');
  });

  it('shows For You: what the recommender answers, each item with its reason', async () => {
    await go('#/latest');
    await go('#/foryou');
    await page.getByRole('heading', { name: 'For You' }).waitFor(WAIT);
    await page.locator('li.item, p.empty').first().waitFor(WAIT);
    // Nothing new is read meanwhile, so the recommender answers the page and this call alike.
    const answer = (await page.evaluate(() => fetch('/api/v1/me/recommendations?limit=30').then((r) => r.json()))) as { items: Array<{ article: { title: string }; reason: string }> };
    if (answer.items.length === 0) {
      await page.getByText('Nothing here yet.').waitFor(WAIT);
    } else {
      await expect(page.locator('li.item h2').allTextContents()).resolves.toEqual(answer.items.map((item) => item.article.title));
      await expect(page.locator('li.item .reason').allTextContents()).resolves.toEqual(answer.items.map((item) => `Why: ${item.reason}`));
    }
    await axeClean('for you');
    await shot('for-you');
  });

  it('switches to the dark theme and to Chinese, and both stick after a reload', async () => {
    await go('#/latest');
    await page.getByRole('heading', { name: 'Latest' }).waitFor(WAIT);
    await page.locator('button.theme').click();
    await expect(page.evaluate(() => document.documentElement.dataset['theme'])).resolves.toBe('dark');
    await page.locator('li.item').first().waitFor(WAIT);
    await axeClean('latest, dark');
    await shot('latest-dark');

    await page.locator('button.lang').click();
    await page.getByRole('heading', { name: '最新' }).waitFor(WAIT);
    await expect(page.locator('nav a').allTextContents()).resolves.toEqual(['为你推荐', '最新', '未读', '星标', '事件', '搜索', '订阅源', '账户']);
    await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('zh-CN');
    await page.reload();
    await page.getByRole('heading', { name: '最新' }).waitFor(WAIT);
    await expect(page.evaluate(() => document.documentElement.dataset['theme'])).resolves.toBe('dark');
    await axeClean('latest, Chinese');
    await shot('latest-zh-dark');

    await page.locator('button.lang').click();
    await page.locator('button.theme').click();
    await page.getByRole('heading', { name: 'Latest' }).waitFor(WAIT);
    await expect(page.evaluate(() => document.documentElement.dataset['theme'])).resolves.toBe('light');
  });

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await go('#/latest');
    await page.getByRole('heading', { name: 'Latest' }).waitFor(WAIT);
    await page.locator('li.item').first().waitFor(WAIT);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await axeClean('latest, phone');
    await shot('latest-phone');
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('defines a JSON API and a web-page source from the Sources view, previews their items, pauses and resumes', async () => {
    await go('#/sources');
    await page.getByRole('heading', { name: 'Add a source' }).waitFor(WAIT);

    // A JSON API: field mapping, and the Authorization header naming the configured secret.
    await page.getByLabel('Kind', { exact: true }).selectOption('jsonApi');
    await page.getByLabel('API URL').fill(`${site.base}/api/posts`);
    await page.getByLabel('Items path (optional)').fill('data.items');
    await page.getByLabel('Title path').fill('attributes.headline');
    await page.getByLabel('Link path').fill('links.self');
    await page.getByLabel('Id path').fill('uid');
    await page.getByLabel('Date path').fill('attributes.date');
    await page.getByLabel('Content path').fill('attributes.body');
    await page.getByRole('button', { name: '+ Add a header' }).click();
    await page.getByLabel('Header', { exact: true }).fill('Authorization');
    await page.getByLabel('Value or secret name').fill('NOPE');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.locator('.preview .error-text').filter({ hasText: 'is not a configured source secret' }).waitFor(WAIT);
    await page.getByLabel('Value or secret name').fill('NEWS_TOKEN');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.locator('.preview h3').filter({ hasText: 'Preview: 2 items' }).waitFor(WAIT);
    await expect(page.locator('.preview-items strong').allTextContents()).resolves.toEqual(['API story 1', 'API story 2']);
    await axeClean('sources, JSON API preview');
    await page.locator('.preview-items').scrollIntoViewIfNeeded();
    await shot('sources-add');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Feed added.' }).waitFor(WAIT);

    // A web page: an item selector; the preview lists the linked articles.
    await page.getByLabel('Kind', { exact: true }).selectOption('webPage');
    await page.getByLabel('Page URL').fill(`${site.base}/news/`);
    await page.getByLabel('Item selector').fill('li.zero');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.locator('.preview .error-text').waitFor(WAIT);
    await page.getByLabel('Item selector').fill('li.teaser');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.locator('.preview h3').filter({ hasText: 'Preview: 3 items' }).waitFor(WAIT);
    await expect(page.locator('.preview-items strong').allTextContents()).resolves.toEqual(['Site story 1', 'Site story 2', 'Site story 3']);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Feed added.' }).waitFor(WAIT);

    // Each source shows its kind; the JSON API source is paused (badge, "Paused since") and resumed.
    const apiSource = page.locator('li.source').filter({ hasText: `${site.base}/api/posts` });
    await apiSource.waitFor(WAIT);
    await expect(apiSource.locator('.health dt:text-is("Kind") + dd').textContent()).resolves.toBe('JSON API');
    await expect(page.locator('li.source').filter({ hasText: `${site.base}/news/` }).locator('.health dt:text-is("Kind") + dd').textContent()).resolves.toBe('Web page');
    await apiSource.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('status').filter({ hasText: 'Paused.' }).waitFor(WAIT);
    await apiSource.locator('.badge').filter({ hasText: 'Paused' }).waitFor(WAIT);
    await apiSource.locator('.health dt').filter({ hasText: 'Paused since' }).waitFor(WAIT);
    const sources = (await page.evaluate(() => fetch('/api/v1/sources').then((r) => r.json()))) as { items: Array<{ url: string; status: string; pausedAt: string | null }> };
    expect(sources.items.find((s) => s.url === `${site.base}/api/posts`)).toMatchObject({ status: 'paused', pausedAt: expect.any(String) });
    await apiSource.getByRole('button', { name: 'Resume' }).click();
    await apiSource.locator('.badge').filter({ hasText: 'Active' }).waitFor(WAIT);
    await axeClean('sources of three kinds');
  });

  it('shows the stories timeline: stories most recently joined first, each with its newest articles', async () => {
    // The news site's pages and posts tell one event each in near-identical words: they become stories.
    const stories = await waitFor(
      'a story among the new articles',
      async () => {
        const answer = (await page.evaluate(() => fetch('/api/v1/stories?articles=5').then((r) => r.json()))) as { items: Array<{ title: string; size: number; timeline: unknown[] }> };
        return answer.items.length > 0 ? answer.items : undefined;
      },
      { timeoutMs: 120_000 },
    );
    await go('#/latest');
    await go('#/stories');
    await page.getByRole('heading', { name: 'Stories' }).waitFor(WAIT);
    await page.locator('li.story').first().waitFor(WAIT);
    const shown = await page.locator('li.story h2').allTextContents();
    expect(shown.slice(0, stories.length)).toEqual(stories.map((story) => story.title));
    await expect(page.locator('li.story').first().locator('ol.timeline li').count()).resolves.toBe(Math.min(5, stories[0]!.timeline.length));
    await axeClean('stories');
    await shot('stories');
  });

  it('logs out everywhere: the session ends for every browser', async () => {
    const other = await browser.newContext();
    const cookie = (await context.cookies()).find((c) => c.name === 'autoglm_session');
    if (!cookie) throw new Error('no session cookie');
    await other.addCookies([cookie]);
    const otherPage = await other.newPage();
    await otherPage.goto(`${system.url}/#/latest`);
    await otherPage.getByRole('heading', { name: 'Latest' }).waitFor(WAIT);

    await go('#/account');
    await page.getByRole('button', { name: 'Log out everywhere' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor(WAIT);
    await otherPage.reload();
    await otherPage.getByRole('heading', { name: 'Sign in' }).waitFor(WAIT);
    await other.close();
  });
});
