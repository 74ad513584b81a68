import type { JsonApiOptions } from '@autoglm/shared-config';
import { readDotPath } from './dot-path';
import { readJsonApi } from './json-api-reader';
import { SourceKindError } from './source-kind-error';

const URL = 'https://api.example.org/v1/posts';
const OPTIONS: JsonApiOptions = {
  itemsPath: 'data.items',
  fields: { id: 'id', title: 'attributes.title', url: 'links.web', published: 'attributes.date', content: 'attributes.body', author: 'attributes.by.name' },
  headers: {},
};
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe(readJsonApi.name, () => {
  const body = json({
    data: {
      items: [
        {
          id: 101,
          attributes: { title: 'Rates &amp; bonds', date: '2026-11-20T08:00:00Z', body: '<p>Full <b>story</b><script>alert(1)</script></p>', by: { name: 'Ann' } },
          links: { web: '/posts/101?utm_source=x' },
        },
        { id: 'b2', attributes: { title: 'Plain', date: 1763625600, body: 'Line one\n\nLine two' }, links: { web: 'https://api.example.org/posts/b2' } },
        { id: 'b2', attributes: { title: 'Plain again' } },
        { attributes: {} },
      ],
    },
  });

  it('maps each element of the list through the field paths, like feed items', () => {
    const sut = readJsonApi(body, 'application/json', URL, OPTIONS);

    expect(sut).toHaveLength(2);
    expect(sut[0]).toMatchObject({ guid: '101', title: 'Rates & bonds', url: 'https://api.example.org/posts/101', author: 'Ann' });
    expect(sut[0].contentHtml).toContain('<b>story</b>');
    expect(sut[0].contentHtml).not.toContain('script');
    expect(sut[0].publishedAt).toEqual({ seconds: String(Date.parse('2026-11-20T08:00:00Z') / 1000), nanos: 0 });
    expect(sut[0].itemKey).toMatch(/^g:/);
    expect(sut[1].text).toBe('Line one\n\nLine two');
    expect(sut[1].publishedAt?.seconds).toBe('1763625600');
  });

  it('identifies items without an id by their canonical URL', () => {
    const noIds = { ...OPTIONS, itemsPath: '', fields: { ...OPTIONS.fields, id: '' } };
    const list = [{ links: { web: '/p/1?utm_medium=rss' }, attributes: { title: 'One' } }, { links: { web: '/p/1' }, attributes: { title: 'One, again' } }];

    const sut = readJsonApi(json(list), 'application/json', URL, noIds);

    expect(sut).toHaveLength(1);
    expect(sut[0].itemKey).toMatch(/^u:/);
  });

  it.each([
    ['a body that is not JSON', Buffer.from('<html>oops</html>'), /did not answer with valid JSON/],
    ['a missing items path', json({ data: {} }), /has nothing at the items path "data\.items"/],
    ['an items path that is not a list', json({ data: { items: { a: 1 } } }), /items path "data\.items" .* is not a list/],
  ])('refuses %s with a clear error', (_name, response, message) => {
    expect(() => readJsonApi(response, 'application/json', URL, OPTIONS)).toThrow(SourceKindError);
    expect(() => readJsonApi(response, 'application/json', URL, OPTIONS)).toThrow(message);
  });
});

describe(readDotPath.name, () => {
  it('walks objects and array indexes, undefined for a missing step', () => {
    const value = { a: { b: [{ c: 1 }, { c: 2 }] } };
    expect(readDotPath(value, 'a.b.1.c')).toBe(2);
    expect(readDotPath(value, '')).toBe(value);
    expect(readDotPath(value, 'a.x.c')).toBeUndefined();
    expect(readDotPath(value, 'a.b.length')).toBeUndefined();
    expect(readDotPath({}, 'constructor')).toBeUndefined();
  });
});
