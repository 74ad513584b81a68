import { readFixture } from '../testing/fixture-server';
import { compileListSelector } from './list-selector';
import { SourceKindError } from './source-kind-error';
import { readListPage } from './web-page-reader';

// linkedom requires ES-module-only packages this Jest setup does not transform; neither selector
// engine calls them, so stand-ins do.
jest.mock('css-select', () => ({ is: () => false, selectAll: () => [], selectOne: () => null }));
jest.mock('cssomnom/parse', () => ({ parse: () => ({ cssRules: [] }) }));

const PAGE = readFixture('list-page.html').toString('utf8');
const PAGE_URL = 'https://news.example.org/city/latest';
const options = (itemSelector: string, linkSelector = 'a', titleSelector = '') => ({ itemSelector, linkSelector, titleSelector });

describe('web-page selectors in XPath ("xpath:" prefix)', () => {
  it('reads the same links as the equivalent CSS selectors', () => {
    const css = readListPage(PAGE, PAGE_URL, options('div.teaser', 'h2 a'));
    const xpath = readListPage(PAGE, PAGE_URL, options('xpath://div[contains(concat(" ", @class, " "), " teaser ")]', 'xpath:.//h2/a'));

    expect(xpath).toEqual(css);
    expect(xpath).toEqual([
      { url: 'https://news.example.org/city/flood-barriers?utm_source=home', title: 'Council agrees flood barrier plan' },
      { url: 'https://news.example.org/city/tram-line', title: 'Trams' },
      { url: 'https://ads.example.com/offer', title: 'Sponsored: a great offer' },
      { url: 'https://news.example.org/city/library-hours', title: 'Library opening hours change' },
    ]);
  });

  it('takes a link from a selected attribute and a title from a computed string', () => {
    const links = readListPage(
      PAGE,
      PAGE_URL,
      options('xpath://main/div[not(contains(@class, "sponsored"))]', 'xpath:.//a/@href', 'xpath:normalize-space(concat(@data-id, " ", .//a))'),
    );

    expect(links).toEqual([
      { url: 'https://news.example.org/city/flood-barriers?utm_source=home', title: '101 Council agrees flood barrier plan' },
      { url: 'https://news.example.org/city/tram-line', title: '102 Trams' },
      { url: 'https://news.example.org/city/library-hours', title: '105 Library opening hours change' },
    ]);
  });

  it('mixes CSS and XPath, and matches element names case-insensitively as HTML does', () => {
    const links = readListPage(PAGE, PAGE_URL, options('xpath://DIV[@data-id >= 104]', 'a', 'xpath:.//H2'));

    expect(links).toEqual([{ url: 'https://news.example.org/city/library-hours', title: 'Library opening hours change' }]);
  });

  it('uses the item itself when the item XPath selects links', () => {
    const links = readListPage(PAGE, PAGE_URL, options('xpath://footer//a | //nav/a[2]'));

    expect(links.map((l) => l.url)).toEqual(['https://news.example.org/about', 'https://news.example.org/privacy']);
  });

  it('names the selector when no item matches, or no item holds a link', () => {
    expect(() => readListPage(PAGE, PAGE_URL, options('xpath://article'))).toThrow(
      'no element of the page at https://news.example.org/city/latest matches the item selector "xpath://article"',
    );
    expect(() => readListPage(PAGE, PAGE_URL, options('xpath://span', 'xpath:./a'))).toThrow(/match "xpath:\/\/span" but none holds a link matching "xpath:\.\/a"/);
  });

  it.each([
    ['xpath://div[', 'item selector', /the item selector XPath "\/\/div\[" is not a valid XPath 1\.0 expression/],
    ['xpath:   ', 'item selector', /the item selector "xpath: {3}" has no XPath after "xpath:"/],
    ['xpath:count(//div)', 'item selector', /the item selector XPath "count\(\/\/div\)" must select elements, but it computes a value/],
    ['xpath://div/@class', 'item selector', /the item selector XPath "\/\/div\/@class" must select elements, but it selects attributes or text/],
    ['xpath://div[shout(.)]', 'item selector', /the item selector XPath "\/\/div\[shout\(\.\)\]" cannot be evaluated: Unknown function shout/],
    ['xpath://svg:path', 'item selector', /cannot be evaluated: Cannot resolve QName svg/],
  ])('refuses the XPath %p with a SourceKindError naming it', (selector, _option, message) => {
    const read = () => readListPage(PAGE, PAGE_URL, options(selector));

    expect(read).toThrow(SourceKindError);
    expect(read).toThrow(message);
  });

  it('reports a broken link or title XPath under its own option', () => {
    expect(() => readListPage(PAGE, PAGE_URL, options('div.teaser', 'xpath:a[@@href]'))).toThrow(/the link selector XPath "a\[@@href\]"/);
    expect(() => readListPage(PAGE, PAGE_URL, options('div.teaser', 'a', 'xpath:$title'))).toThrow(
      /the title selector XPath "\$title" cannot be evaluated: Undeclared variable/,
    );
  });

  it('still refuses unsupported CSS with the CSS message', () => {
    expect(() => compileListSelector('li:first-child', 'item selector')).toThrow(/the CSS selector "li:first-child"/);
  });
});
