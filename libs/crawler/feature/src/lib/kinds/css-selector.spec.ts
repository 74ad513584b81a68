import type * as Linkedom from 'linkedom';
import { compileSelector, selectAll, type SelectableElement } from './css-selector';
import { SourceKindError } from './source-kind-error';

// linkedom requires ES-module-only packages this Jest setup does not transform; the engine under
// test never calls them (it walks the DOM itself), so stand-ins do.
jest.mock('css-select', () => ({ is: () => false, selectAll: () => [], selectOne: () => null }));
jest.mock('cssomnom/parse', () => ({ parse: () => ({ cssRules: [] }) }));

const { parseHTML } = require('linkedom') as typeof Linkedom;

const PAGE = `<html><body>
  <ul id="news">
    <li class="story top"><h2><a href="/a" data-kind="lead">A</a></h2></li>
    <li class="story"><div><a href="/b" lang="en-GB">B</a></div></li>
    <li class="ad"><a href="https://ads.example/x">Ad</a></li>
  </ul>
  <p><a href="/c" rel="nofollow external">C</a></p>
</body></html>`;

function select(selector: string, root?: SelectableElement): string[] {
  const { document } = parseHTML(PAGE);
  const scope = root ?? (document.documentElement as unknown as SelectableElement);
  return selectAll(scope, compileSelector(selector)).map((e) => e.getAttribute('href') ?? e.getAttribute('class') ?? e.tagName.toLowerCase());
}

describe(compileSelector.name, () => {
  it.each([
    ['a', ['/a', '/b', 'https://ads.example/x', '/c']],
    ['li.story', ['story top', 'story']],
    ['li.story.top a', ['/a']],
    ['#news > li > a', ['https://ads.example/x']],
    ['ul li a', ['/a', '/b', 'https://ads.example/x']],
    ['a[data-kind]', ['/a']],
    ['a[data-kind="lead"]', ['/a']],
    ["a[href^='https:']", ['https://ads.example/x']],
    ['a[href$=b]', ['/b']],
    ['a[href*=ads]', ['https://ads.example/x']],
    ['a[rel~=external]', ['/c']],
    ['a[lang|=en]', ['/b']],
    ['h2 a, p a', ['/a', '/c']],
    ['LI.ad > *', ['https://ads.example/x']],
    ['section a', []],
  ])('selects %p', (selector, expected) => {
    expect(select(selector)).toEqual(expected);
  });

  it('matches relative to the element it starts from', () => {
    const { document } = parseHTML(PAGE);
    const root = document.documentElement as unknown as SelectableElement;
    const story = selectAll(root, compileSelector('li.story'))[1];
    expect(selectAll(story, compileSelector('a')).map((e) => e.getAttribute('href'))).toEqual(['/b']);
    // "ul a" from inside the item: the ul is above the starting element, so nothing matches.
    expect(selectAll(story, compileSelector('ul a'))).toEqual([]);
  });

  it.each([
    ['', /is empty/],
    ['a:first-child', /pseudo-class/],
    ['h2 + a', /sibling combinator/],
    ['> a', /misplaced ">"/],
    ['a >', /ends with a combinator/],
    ['a,', /ends with a combinator or a comma/],
    ['a[href', /attribute test/],
    ['. a', /"\." without a name/],
    ['a ! b', /cannot be read at "! b"/],
  ])('refuses %p with a clear error', (selector, message) => {
    expect(() => compileSelector(selector)).toThrow(SourceKindError);
    expect(() => compileSelector(selector)).toThrow(message);
  });
});
