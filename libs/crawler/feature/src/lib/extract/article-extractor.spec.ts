import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractArticle, MAX_ARTICLE_HTML_CHARS } from './article-extractor';
import { ExtractionError, ExtractionFailure } from './extraction-error';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const PAGE_URL = 'https://gazette.example.com/news/2024/03/05/river.html';

describe(extractArticle.name, () => {
  describe('on an English news page', () => {
    const sut = extractArticle(fixture('english-article.html'), PAGE_URL);

    it('keeps the article paragraphs, headings and list items', () => {
      expect(sut.text).toContain('Three towns along the river tested');
      expect(sut.text).toContain('The council will hold a second exercise');
      expect(sut.contentHtml).toContain('<h2>How the barriers work</h2>');
      expect(sut.contentHtml).toMatch(/<ul>\s*<li>Panels are stacked/);
    });

    it('removes cookie notice, navigation, share bar, ad slot, related links, comments and footer', () => {
      for (const boilerplate of ['cookies', 'Sport', 'Share on Twitter', 'Advertisement', 'Dredging plan', 'my shop was under water', 'All rights reserved']) {
        expect(sut.text).not.toContain(boilerplate);
      }
    });

    it('makes images absolute and keeps the metadata', () => {
      expect(sut.contentHtml).toContain('src="https://gazette.example.com/media/barrier-quay.jpg"');
      expect(sut).toMatchObject({
        title: 'River towns test flood barriers',
        canonicalUrl: 'https://gazette.example.com/news/2024/river-towns-flood-barriers',
        leadImageUrl: 'https://gazette.example.com/media/barrier-lead.jpg',
        byline: 'Jane Doe',
        publishedAt: '2024-03-05T08:30:00.000Z',
        language: 'en-GB',
      });
    });

    it('leaves no script in the HTML', () => {
      expect(sut.contentHtml).not.toMatch(/<script|window\.tracking|onerror/i);
    });
  });

  describe('on a Chinese news page', () => {
    const sut = extractArticle(fixture('chinese-news.html'), 'https://news.example.cn/2024/0305/night-bus.html?from=rss');

    it('keeps the article and drops navigation, related reading, rankings and share links', () => {
      expect(sut.text).toContain('本市公交集团三月五日宣布');
      expect(sut.text).toContain('票价与支付方式');
      expect(sut.text).toContain('并在部分站点安装实时到站信息屏');
      for (const boilerplate of ['首页', '相关阅读', '地铁三号线', '热门排行', '分享到', '版权所有']) expect(sut.text).not.toContain(boilerplate);
    });

    it('resolves the image and the canonical URL, and guesses the language', () => {
      expect(sut.contentHtml).toContain('src="https://news.example.cn/2024/0305/images/night-bus.jpg"');
      expect(sut.canonicalUrl).toBe('https://news.example.cn/2024/0305/night-bus.html');
      expect(sut.language).toBe('zh');
    });
  });

  it('resolves links in the body and marks them noopener', () => {
    const prose = 'This sentence is long enough, with commas, to count as the prose of an article body.';
    const sut = extractArticle(`<html><body><article><p>${prose} <a href="../other.html">see more</a>.</p><p>${prose}</p></article></body></html>`, PAGE_URL);
    expect(sut.contentHtml).toContain('href="https://gazette.example.com/news/2024/03/other.html"');
    expect(sut.contentHtml).toContain('rel="noopener noreferrer"');
  });

  describe('scoring rules', () => {
    const sentence = (n: number) => `Sentence ${n} of the story is long enough, with commas and a full stop, to read as prose here.`;
    const paragraphs = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => `<p>${sentence(from + i)}</p>`).join('');
    const page = (main: string) => `<html><body><div class="page"><div class="story">${main}</div></div></body></html>`;

    it('keeps a data table of short cells inside the article', () => {
      const rows = Array.from({ length: 12 }, (_, i) => `<tr><td>${i + 1}</td><td>Driver ${i}</td><td>${5000 - i * 7}</td></tr>`).join('');
      const sut = extractArticle(page(`${paragraphs(0, 3)}<table>${rows}</table>${paragraphs(3, 2)}`), PAGE_URL);
      expect(sut.text).toContain('Driver 11');
      expect(sut.text).toContain('4923');
    });

    it('keeps an embedded post (a blockquote full of links) inside the article', () => {
      const tweet = '<blockquote class="twitter-tweet"><p>Quoted post <a href="https://t.co/x">https://t.co/x</a></p>— Someone (<a href="https://x.example/s">@someone</a>) <a href="https://x.example/s/1">October 9, 2018</a></blockquote>';
      const sut = extractArticle(page(`${paragraphs(0, 3)}${tweet}${paragraphs(3, 3)}`), PAGE_URL);
      expect(sut.text).toContain('Quoted post');
      expect(sut.text).toContain('@someone');
    });

    it('keeps list items that lead with a linked headline and go on with a sentence', () => {
      const items = Array.from(
        { length: 6 },
        (_, i) => `<li><strong><a href="/s/${i}">Linked headline number ${i} says what happened to the company today</a>.</strong> Item ${i} adds a line that says more about it, with a detail.</li>`,
      ).join('');
      const sut = extractArticle(page(`${paragraphs(0, 2)}<ol>${items}</ol>${paragraphs(2, 2)}`), PAGE_URL);
      for (let i = 0; i < 6; i++) expect(sut.text).toContain(`Item ${i} adds a line`);
    });

    it('keeps a paragraph written under a row of share buttons (no teaser card)', () => {
      const body = `<div class="post"><b>Posted by Staff</b> ${sentence(0)} ${sentence(1)} ${sentence(2)} ${sentence(3)}<div><a href="/fb">Facebook</a> <a href="/tw">Twitter</a></div></div>`;
      const nav = '<div>' + Array.from({ length: 30 }, (_, i) => `<a href="/m/${i}">Month ${i}</a>`).join(' ') + '</div>';
      const sut = extractArticle(`<html><body>${nav}${body}</body></html>`, PAGE_URL);
      expect(sut.text).toContain('Sentence 3 of the story');
    });

    it('drops a comment thread that outweighs the article neither contains', () => {
      const comment = `<div class="comment"><div class="content">${sentence(90)} ${sentence(91)} ${sentence(92)} ${sentence(93)} ${sentence(94)} ${sentence(95)} ${sentence(96)} ${sentence(97)} ${sentence(98)}</div></div>`;
      const sut = extractArticle(`<html><body><div class="wrapper"><div class="article">${paragraphs(0, 5)}</div><div id="comments">${comment}</div></div></body></html>`, PAGE_URL);
      expect(sut.text).toContain('Sentence 4 of the story');
      expect(sut.text).not.toContain('Sentence 90');
    });

    it('takes the article, not the wrapper that adds a notice beside it', () => {
      const notice = `<div class="notice-bar"><p>This website uses cookies to improve your experience, which we assume you accept.</p></div>`;
      const sut = extractArticle(`<html><body><div class="wrap"><div class="post">${paragraphs(0, 12)}</div></div>${notice}</body></html>`, PAGE_URL);
      expect(sut.text).toContain('Sentence 11 of the story');
      expect(sut.text).not.toContain('uses cookies');
    });
  });

  it.each([
    ['empty', ''],
    ['whitespace', '   \n '],
    ['only scripts', '<script>var a = "<p>hello, world.</p>";</script><style>p{}</style>'],
    ['an unterminated script', '<html><body><p>Short.</p><script>document.write("'],
    ['markup without prose', '<html><body><nav><a href="/a">A</a></nav><div></div></body></html>'],
  ])('gives an empty body for %s input', (_, html) => {
    const sut = extractArticle(html, PAGE_URL);
    expect(sut.contentHtml).toBe('');
    expect(sut.text).toBe('');
    expect(sut.canonicalUrl).toBeNull();
  });

  it('reads binary garbage without throwing and keeps nothing of it as markup', () => {
    const sut = extractArticle('\u0000\u0001\uFFFD<<<>>>&&&\u0007'.repeat(200), PAGE_URL);
    expect(sut.contentHtml).not.toContain('<<<');
    expect(sut.canonicalUrl).toBeNull();
  });

  it('refuses a page over the size limit with a typed error', () => {
    const huge = 'x'.repeat(MAX_ARTICLE_HTML_CHARS + 1);
    expect(() => extractArticle(huge, PAGE_URL)).toThrow(ExtractionError);
    try {
      extractArticle(huge, PAGE_URL);
    } catch (error) {
      expect((error as ExtractionError).reason).toBe(ExtractionFailure.TooLarge);
    }
  });

  it.each(['not a url', 'ftp://example.com/a', 'javascript:alert(1)'])('refuses the page URL %s with a typed error', (url) => {
    expect(() => extractArticle('<p>x</p>', url)).toThrow(expect.objectContaining({ reason: ExtractionFailure.InvalidUrl }));
  });

  it('stays bounded on pathological nesting', () => {
    const depth = 50_000;
    const html = `<html><body>${'<div>'.repeat(depth)}<p>Deep text, with a comma, long enough to be read as prose here.</p>${'</div>'.repeat(depth)}</body></html>`;
    const started = Date.now();
    const sut = extractArticle(html, PAGE_URL);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(sut.text).toContain('Deep text');
  });

  it('stays linear on many unterminated tags', () => {
    const html = '<meta <script <title <!-- <style '.repeat(40_000);
    const started = Date.now();
    expect(() => extractArticle(html, PAGE_URL)).not.toThrow();
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
