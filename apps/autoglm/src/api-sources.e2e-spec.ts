import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfiguredSource } from '@autoglm/shared-config';
import { waitFor } from '@autoglm/shared-testing';
import { startEmbedded, type EmbeddedSystem } from './embedded';
import { embeddedTestConfig } from './testing/embedded-test-config';
import { NEWS_API_SECRET, startNewsSiteFixtures, type NewsSiteFixtures } from './testing/news-site-fixtures';
import { jsonCaller } from './testing/json-api-caller';

/**
 * JSON API and web-page sources defined through the API (embedded mode): a loopback server plays a
 * JSON API that answers only with the configured secret in its Authorization header, and a news site
 * (a list page linking to article pages). Definitions are previewed, added, updated (REST and
 * GraphQL), their items stored; the secret is never shown; a config.yaml source whose options change
 * takes them at the next start.
 */

const SECRET = NEWS_API_SECRET;

describe('sources defined through the API, all services in one process', () => {
  let fixtures: NewsSiteFixtures;
  let system: EmbeddedSystem | undefined;
  let dataDir: string;

  const start = async (sources: ConfiguredSource[] = []) => {
    system = await startEmbedded(
      await embeddedTestConfig(dataDir, { secrets: { NEWS_TOKEN: SECRET }, sourceSecrets: ['NEWS_TOKEN'], sources, scheduler: { tickMs: 300 } }),
    );
    return system;
  };
  const api = jsonCaller(() => system!.url);
  const graphql = (query: string) => api('/graphql', { method: 'POST', json: { query } });
  const titlesOf = async (sourceId: string): Promise<string[]> => {
    const list = await api(`/api/v1/articles?limit=50&sourceId=${sourceId}`);
    return (list.body.items as Array<{ title: string }>).map((a) => a.title).sort();
  };
  const jsonApiOptions = (title: string) => ({
    itemsPath: 'data.items',
    fields: { id: 'uid', title, url: 'links.self', content: 'attributes.body', published: 'attributes.date' },
    headers: { Authorization: { secretRef: 'NEWS_TOKEN' }, Accept: 'application/json' },
  });

  beforeAll(async () => {
    fixtures = await startNewsSiteFixtures();
    dataDir = mkdtempSync(join(tmpdir(), 'autoglm-api-sources-e2e-'));
    await start();
  });

  afterAll(async () => {
    await system?.close();
    fixtures?.server.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('previews, adds and updates a JSON API source whose secret is named, never shown', async () => {
    const url = `${fixtures.base}/api/posts`;
    const preview = await api('/api/v1/sources/preview', { method: 'POST', json: { url, kind: 'jsonApi', options: jsonApiOptions('attributes.headline') } });
    expect(preview.status).toBe(200);
    expect(preview.body.items).toEqual([
      expect.objectContaining({ guid: 'post-1', title: 'API story 1', url: `${fixtures.base}/api/posts/1`, publishedAt: '2026-12-01T10:00:00.000Z' }),
      expect.objectContaining({ guid: 'post-2', title: 'API story 2' }),
    ]);
    expect(preview.body.items[0].text).toContain('regional council');
    expect(fixtures.authorizations).toContain(SECRET);
    // Nothing was stored by the preview.
    expect((await api('/api/v1/sources')).body.items).toEqual([]);

    // A mapping that matches nothing, and an items path that is not a list: 422 saying why.
    const nothing = await api('/api/v1/sources/preview', {
      method: 'POST',
      json: { url, kind: 'jsonApi', options: { ...jsonApiOptions('attributes.missing'), fields: { title: 'attributes.missing' } } },
    });
    expect(nothing.status).toBe(422);
    expect(nothing.body.message).toMatch(/none of the 2 item\(s\) of the JSON API .* has a value at the mapped title "attributes.missing"/);
    const notList = await api('/api/v1/sources/preview', { method: 'POST', json: { url, kind: 'jsonApi', options: { ...jsonApiOptions('name'), itemsPath: 'data' } } });
    expect(notList.status).toBe(422);
    expect(notList.body.message).toMatch(/items path "data" .* is not a list/);

    const added = await api('/api/v1/sources', { method: 'POST', json: { url, kind: 'jsonApi', intervalSeconds: 3600, options: jsonApiOptions('attributes.headline') } });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ kind: 'json_api', options: { itemsPath: 'data.items', headers: { Authorization: { secretRef: 'NEWS_TOKEN' }, Accept: 'application/json' } } });
    expect(added.text).not.toContain('e2e-news-token');
    const sourceId = added.body.id as string;
    await waitFor('the JSON API items', async () => ((await titlesOf(sourceId)).length === 2 ? true : undefined), { timeoutMs: 60_000 });
    expect(await titlesOf(sourceId)).toEqual(['API story 1', 'API story 2']);

    // New options: the source is read again with them at once (same ids, new titles).
    const patched = await api(`/api/v1/sources/${sourceId}`, { method: 'PATCH', json: { options: jsonApiOptions('attributes.name'), title: 'Council API' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ title: 'Council API', options: { fields: { title: 'attributes.name' } } });
    await waitFor('the renamed items', async () => ((await titlesOf(sourceId)).includes('Renamed story 1') ? true : undefined), { timeoutMs: 60_000 });

    const shown = await api(`/api/v1/sources/${sourceId}`);
    expect(shown.text).not.toContain('e2e-news-token');
    expect(shown.body.options.headers.Authorization).toEqual({ secretRef: 'NEWS_TOKEN' });
  });

  it('refuses bad definitions with a 400 naming the field, and a kind change', async () => {
    const url = `${fixtures.base}/api/posts`;
    const cases: Array<[unknown, RegExp]> = [
      [{ url, kind: 'jsonApi', options: { fields: { title: 'a..b' } } }, /^options\.fields\.title "a\.\.b" is not a dot path/],
      [{ url, kind: 'jsonApi', options: { fields: { title: 't' }, headers: { Authorization: 'Bearer pasted' } } }, /^options\.headers\.Authorization carries a credential/],
      [{ url, kind: 'jsonApi', options: { fields: { title: 't' }, headers: { Authorization: { secretRef: 'GRPC_AUTH_TOKEN' } } } }, /^options\.headers\.Authorization\.secretRef "GRPC_AUTH_TOKEN" is not a configured source secret/],
      [{ url, kind: 'webPage', options: { itemSelector: 'xpath://li[' } }, /^options\.itemSelector: .* is not a valid XPath/],
      [{ url, kind: 'webPage' }, /^options are required for a web-page/],
      [{ url, kind: 'rss' }, /kind must be one of/],
      [{ url, options: { itemSelector: 'li' } }, /^options: a feed takes no options/],
      [{ url, kind: 'webPage', options: 'li' }, /options must be an object/],
    ];
    for (const [body, message] of cases) {
      for (const path of ['/api/v1/sources', '/api/v1/sources/preview']) {
        const answer = await api(path, { method: 'POST', json: body });
        expect({ path, body, status: answer.status }).toEqual({ path, body, status: 400 });
        expect(answer.body.message).toMatch(message);
      }
    }
    const sources = (await api('/api/v1/sources')).body.items as Array<{ id: string; kind: string }>;
    const jsonSource = sources.find((s) => s.kind === 'json_api')!;
    const kindChange = await api(`/api/v1/sources/${jsonSource.id}`, { method: 'PATCH', json: { kind: 'webPage' } });
    expect(kindChange.status).toBe(400);
    expect(kindChange.body.message).toMatch(/^kind: a source does not change kind/);
    const badPatch = await api(`/api/v1/sources/${jsonSource.id}`, { method: 'PATCH', json: { options: { fields: {} } } });
    expect(badPatch.status).toBe(400);
    expect(badPatch.body.message).toMatch(/^options\.fields needs at least a "title" or a "url"/);
    expect((await api('/api/v1/sources/00000000-0000-4000-8000-000000000000', { method: 'PATCH', json: { title: 'x' } })).status).toBe(404);
  });

  it('previews and adds a web-page source through GraphQL', async () => {
    const url = `${fixtures.base}/news/`;
    const preview = await graphql(`mutation { previewSource(input: { url: "${url}", kind: "webPage", webPage: { itemSelector: "li.teaser" } }) { title url text } }`);
    expect(preview.body.errors).toBeUndefined();
    const items = preview.body.data.previewSource as Array<{ title: string; url: string; text: string }>;
    expect(items.map((i) => i.title)).toEqual(['Site story 1', 'Site story 2', 'Site story 3']);
    expect(items[0].text).toContain('regional council');

    const none = await graphql(`mutation { previewSource(input: { url: "${url}", kind: "webPage", webPage: { itemSelector: "article.missing" } }) { title } }`);
    expect(none.body.errors[0].message).toMatch(/no element of the page .* matches the item selector "article.missing"/);
    expect(none.body.errors[0].extensions.code).toBe('FAILED_PRECONDITION');
    const invalid = await graphql(`mutation { addSource(input: { url: "${url}", kind: "webPage", webPage: { itemSelector: "xpath:" } }) { id } }`);
    expect(invalid.body.errors[0].message).toMatch(/^options\.itemSelector: the XPath after "xpath:" is empty/);
    expect(invalid.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');

    const added = await graphql(`mutation { addSource(input: { url: "${url}", kind: "webPage", intervalSeconds: 3600, webPage: { itemSelector: "li.teaser" } }) { id kind options } }`);
    expect(added.body.errors).toBeUndefined();
    const source = added.body.data.addSource as { id: string; kind: string; options: string };
    expect(source.kind).toBe('web_page');
    expect(JSON.parse(source.options)).toEqual({ itemSelector: 'li.teaser', linkSelector: 'a', titleSelector: '' });
    await waitFor('the site stories', async () => ((await titlesOf(source.id)).length === 3 ? true : undefined), { timeoutMs: 60_000 });

    const updated = await graphql(`mutation { updateSource(id: "${source.id}", input: { webPage: { itemSelector: "li.teaser", titleSelector: "a" }, fullText: false }) { options } }`);
    expect(updated.body.errors).toBeUndefined();
    expect(JSON.parse(updated.body.data.updateSource.options)).toMatchObject({ titleSelector: 'a' });
  });

  it('updates a config.yaml source whose options changed at the next start', async () => {
    const url = `${fixtures.base}/api/posts?feed=config`;
    const configured = (title: string): ConfiguredSource => ({
      url,
      title: '',
      intervalSeconds: 3600,
      fullText: false,
      kind: 'json_api',
      jsonApi: { itemsPath: 'data.items', fields: { id: 'uid', title, url: '', published: '', content: 'attributes.body', author: '' }, headers: { Authorization: 'env:NEWS_TOKEN' } },
    });
    await system!.close();
    await start([configured('attributes.headline')]);
    const find = async () => ((await api('/api/v1/sources')).body.items as Array<{ id: string; url: string; options: { fields: { title: string } } }>).find((s) => s.url === url);
    const first = await waitFor('the configured source', find, { timeoutMs: 30_000 });
    expect(first.options.fields.title).toBe('attributes.headline');

    await system!.close();
    await start([configured('attributes.name')]);
    const changed = await waitFor('the new options', async () => {
      const source = await find();
      return source?.options.fields.title === 'attributes.name' ? source : undefined;
    }, { timeoutMs: 30_000 });
    expect(changed.id).toBe(first.id);
    await waitFor('items read with the new options', async () => ((await titlesOf(first.id)).includes('Renamed story 1') ? true : undefined), { timeoutMs: 60_000 });
  });
});
