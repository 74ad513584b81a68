import { SourceKind } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { apiSourceOptions } from './api-source-options';

const SECRETS = ['NEWS_TOKEN'];
const json = (value: unknown) => JSON.stringify(value);

describe(apiSourceOptions.name, () => {
  const sut = apiSourceOptions;

  it('keeps a JSON API definition as config.yaml would, a named secret as its env: reference', () => {
    const stored = sut(
      SourceKind.SOURCE_KIND_JSON_API,
      json({ itemsPath: 'data.items', fields: { title: 'name', url: 'links.self' }, headers: { Authorization: { secretRef: 'NEWS_TOKEN' }, Accept: 'application/json' } }),
      SECRETS,
    );

    expect(JSON.parse(stored)).toEqual({
      itemsPath: 'data.items',
      fields: { id: '', title: 'name', url: 'links.self', published: '', content: '', author: '' },
      headers: { Authorization: 'env:NEWS_TOKEN', Accept: 'application/json' },
    });
  });

  it('keeps the selectors of a web page, "a" being the default link selector', () => {
    const stored = sut(SourceKind.SOURCE_KIND_WEB_PAGE, json({ itemSelector: 'article', titleSelector: 'xpath:.//h2' }), SECRETS);

    expect(JSON.parse(stored)).toEqual({ itemSelector: 'article', linkSelector: 'a', titleSelector: 'xpath:.//h2' });
  });

  it('gives a feed no options (none, null or an empty object)', () => {
    expect(sut(SourceKind.SOURCE_KIND_FEED, '', SECRETS)).toBe('');
    expect(sut(SourceKind.SOURCE_KIND_UNSPECIFIED, 'null', SECRETS)).toBe('');
    expect(sut(SourceKind.SOURCE_KIND_FEED, '{}', SECRETS)).toBe('');
  });

  it.each<[string, SourceKind, string, string, RegExp]>([
    ['options on a feed', SourceKind.SOURCE_KIND_FEED, json({ itemSelector: 'a' }), 'options', /^options: a feed takes no options/],
    ['no options for a JSON API', SourceKind.SOURCE_KIND_JSON_API, '', 'options', /^options are required for a JSON API/],
    ['options that are not JSON', SourceKind.SOURCE_KIND_WEB_PAGE, '{item', 'options', /^options are not valid JSON/],
    ['options that are a list', SourceKind.SOURCE_KIND_WEB_PAGE, '[1]', 'options', /^options must be an object/],
    ['a missing item selector', SourceKind.SOURCE_KIND_WEB_PAGE, json({ linkSelector: 'a' }), 'options.itemSelector', /^options\.itemSelector is required/],
    ['a bad XPath', SourceKind.SOURCE_KIND_WEB_PAGE, json({ itemSelector: 'xpath://li[' }), 'options.itemSelector', /^options\.itemSelector: "\/\/li\[" is not a valid XPath/],
    ['an unknown field', SourceKind.SOURCE_KIND_JSON_API, json({ fields: { title: 't', body: 'b' } }), 'options.fields.body', /^options\.fields\.body is not a field/],
    ['a bad dot path', SourceKind.SOURCE_KIND_JSON_API, json({ fields: { title: 'a..b' } }), 'options.fields.title', /^options\.fields\.title "a\.\.b" is not a dot path/],
    ['neither title nor url', SourceKind.SOURCE_KIND_JSON_API, json({ fields: { id: 'id' } }), 'options.fields', /^options\.fields needs at least a "title" or a "url"/],
    [
      'a credential written out',
      SourceKind.SOURCE_KIND_JSON_API,
      json({ fields: { title: 't' }, headers: { Authorization: 'Bearer s3cret' } }),
      'options.headers.Authorization',
      /^options\.headers\.Authorization carries a credential: reference a configured secret/,
    ],
    [
      'an API key written out',
      SourceKind.SOURCE_KIND_JSON_API,
      json({ fields: { title: 't' }, headers: { 'X-Api-Key': 'k' } }),
      'options.headers.X-Api-Key',
      /^options\.headers\.X-Api-Key carries a credential/,
    ],
    [
      'a secret that is not configured',
      SourceKind.SOURCE_KIND_JSON_API,
      json({ fields: { title: 't' }, headers: { Authorization: { secretRef: 'GRPC_AUTH_TOKEN' } } }),
      'options.headers.Authorization.secretRef',
      /^options\.headers\.Authorization\.secretRef "GRPC_AUTH_TOKEN" is not a configured source secret/,
    ],
    [
      'config.yaml spelling of a secret',
      SourceKind.SOURCE_KIND_JSON_API,
      json({ fields: { title: 't' }, headers: { Authorization: 'env:NEWS_TOKEN' } }),
      'options.headers.Authorization',
      /^options\.headers\.Authorization: name a secret as \{"secretRef": "NAME"\}/,
    ],
    [
      'a header that is neither a string nor a reference',
      SourceKind.SOURCE_KIND_JSON_API,
      json({ fields: { title: 't' }, headers: { Accept: { secretRef: 'NEWS_TOKEN', value: 'x' } } }),
      'options.headers.Accept',
      /^options\.headers\.Accept must be a string or \{"secretRef": "NAME"\}/,
    ],
    [
      'a header value on two lines',
      SourceKind.SOURCE_KIND_JSON_API,
      json({ fields: { title: 't' }, headers: { Accept: 'a\r\nX-Injected: 1' } }),
      'options.headers.Accept',
      /^options\.headers\.Accept must be a single line/,
    ],
    ['a bad header name', SourceKind.SOURCE_KIND_JSON_API, json({ fields: { title: 't' }, headers: { 'Bad Name': 'x' } }), 'options.headers', /^options\.headers: "Bad Name" is not a valid HTTP header name/],
  ])('refuses %s with INVALID_ARGUMENT naming the field', (_what, kind, options, field, message) => {
    let caught: unknown;
    try {
      sut(kind, options, SECRETS);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: ErrorCode.InvalidArgument, details: { field } });
    expect((caught as Error).message).toMatch(message);
  });
});
