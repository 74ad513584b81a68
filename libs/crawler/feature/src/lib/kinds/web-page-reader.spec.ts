import { listedArticleItem } from './web-page-reader';

const PARAGRAPH = 'The harbour authority published the new ferry timetable, with more crossings on weekday mornings. ';

function articlePage(canonical: string): Buffer {
  const body = Array.from({ length: 5 }, (_, i) => `<p>${PARAGRAPH}Part ${i + 1}.</p>`).join('');
  return Buffer.from(
    `<!doctype html><html><head><link rel="canonical" href="${canonical}"><title>Ferry timetable</title></head>
     <body><article><h1>New ferry timetable</h1>${body}</article></body></html>`,
  );
}

describe(listedArticleItem.name, () => {
  const link = { url: 'https://news.example.org/list/item?id=7&utm_source=list', title: 'New ferry timetable' };

  it("identifies the article by the page's own canonical URL", () => {
    const page = { body: articlePage('/2026/ferry-timetable'), contentType: 'text/html', finalUrl: link.url };

    const sut = listedArticleItem(link, page);

    expect(sut?.url).toBe('https://news.example.org/2026/ferry-timetable');
    expect(sut?.text).toContain('Part 5.');
  });

  it("keeps the list's link when the page names another site, or cannot be fetched", () => {
    const page = { body: articlePage('https://aggregator.example.com/ferry'), contentType: 'text/html', finalUrl: link.url };

    expect(listedArticleItem(link, page)?.url).toBe('https://news.example.org/list/item?id=7');
    expect(listedArticleItem(link, undefined)?.url).toBe('https://news.example.org/list/item?id=7');
  });
});
