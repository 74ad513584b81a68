import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { defaultRateLimitConfig } from '@autoglm/shared-config';
import { storage } from '@autoglm/contracts';
import { DomainError } from '@autoglm/shared-errors';
import { ANALYSIS_CLIENT, RECOMMENDER_CLIENT, SOURCES_CLIENT, STORAGE_CLIENT, toTimestamp } from '@autoglm/shared-grpc';
import { generateApiKey } from '../auth/api-key';
import { GatewayModule } from '../gateway.module';
import { FakeRpc } from '../testing/fake-backends';
import { graphQl, send, startTestGateway, type TestGateway } from '../testing/gateway-test-app';

/** A few runs per operation keep the whole sweep at a few seconds; a failure prints its seed to replay. */
const RUNS_PER_OPERATION = 12;
/** A hang is a failure too: every answer here needs no backend that takes time. */
const ANSWER_WITHIN_SECONDS = 5;
const ADMIN: storage.User = { id: '22222222-2222-4222-8222-222222222222', name: 'root', isAdmin: true, createdAt: toTimestamp(new Date('2026-11-25T10:00:00Z')) };

interface OpenApiParameter {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> };
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> };
}

interface Operation {
  method: string;
  path: string;
  pathParameters: string[];
  queryParameters: string[];
  bodyFields: string[] | undefined;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const parameters = operation.parameters ?? [];
      const body = operation.requestBody?.content?.['application/json']?.schema?.$ref;
      const bodySchema = body ? document.components?.schemas?.[body.split('/').pop() ?? ''] : undefined;
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParameters: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParameters: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        bodyFields: operation.requestBody ? Object.keys(bodySchema?.properties ?? {}) : undefined,
      });
    }
  }
  return operations;
}

/** A value as a URL carries it: percent-encoded text, or raw text put into the URL as is ('%00', '..'). */
interface UrlValue {
  text: string;
  raw: boolean;
}

const HOSTILE_FRAGMENTS = ['%00', '%', '%zz', '%C0%AE', '%ED%A0%80', '..', '../..', '%2e%2e%2f', '%0A', '%7F', '%C2%85', '+', '&', '#'];
const EDGE_STRINGS = ['', ' ', '..', '0', '-1', '1e309', 'NaN', 'null', 'true', '[]', '{}', '__proto__', 'constructor', 'me', '\u0000', '\u202e', '\ufeff'];

const controlText = fc
  .array(fc.oneof(fc.string({ maxLength: 4 }), fc.integer({ min: 0, max: 0x9f }).map((code) => String.fromCharCode(code))), { maxLength: 6 })
  .map((parts) => parts.join(''));

/** NUL inside otherwise ordinary text: what PostgreSQL refuses, so what must never reach storage. */
const withNul = fc.tuple(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })).map(([before, after]) => `${before}\u0000${after}`);

const text: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  controlText,
  withNul,
  fc.constantFrom(...EDGE_STRINGS),
  fc.integer().map(String),
  fc.double().map(String),
  fc.integer({ min: 1_000, max: 6_000 }).map((length) => 'x'.repeat(length)),
);

const urlValue: fc.Arbitrary<UrlValue> = fc.oneof(
  { weight: 4, arbitrary: text.map((t) => ({ text: t, raw: false })) },
  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_FRAGMENTS).map((t) => ({ text: t, raw: true })) },
);

/** Some parameters are repeated (an array), some left out. */
const queryValue = fc.oneof(
  { weight: 3, arbitrary: urlValue.map((v) => [v]) },
  { weight: 1, arbitrary: fc.array(urlValue, { minLength: 2, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constant([] as UrlValue[]) },
);

/** Percent-encodes UTF-8 bytes (a lone surrogate becomes U+FFFD, as any client would send it). */
function encode(value: UrlValue): string {
  if (value.raw) return value.text;
  return [...Buffer.from(value.text, 'utf8')].map((byte) => (/[A-Za-z0-9_~.-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

const leaf = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const jsonish = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 3 })),
})).value;

function bodyOf(fields: string[]): fc.Arbitrary<unknown> {
  const known = fields.length > 0 ? fc.dictionary(fc.constantFrom(...fields), jsonish, { maxKeys: fields.length }) : fc.constant({});
  return fc.oneof(
    { weight: 4, arbitrary: known },
    { weight: 2, arbitrary: jsonish },
    { weight: 1, arbitrary: fc.constantFrom('{"url":', '[1,2', 'nul', '"\\u0000"', '{"a":1}}', '') },
    { weight: 1, arbitrary: fc.integer({ min: 33, max: 3_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)) },
  );
}

/**
 * Backends that behave like the real ones on what reaches them: PostgreSQL refuses a NUL in text
 * (a plain failure, so a 500 here means the gateway let it through); anything else is not found.
 */
function answerAsStorageWould(gateway: TestGateway): void {
  const answer = (request: unknown): Promise<never> =>
    JSON.stringify(request ?? null).includes('\\u0000')
      ? Promise.reject(new Error('invalid byte sequence for encoding "UTF8": 0x00'))
      : Promise.reject(DomainError.notFound('no such thing'));
  const { storage, sources, recommender, analysis } = gateway.backends;
  for (const service of [storage, sources, recommender, analysis]) {
    for (const fake of Object.values(service) as Array<FakeRpc<unknown, unknown>>) fake.answers(answer);
  }
  // The fakes name only the RPCs other specs script; any other RPC of a client answers the same way
  // (names Nest or a promise probe on any object — lifecycle hooks, then — stay absent).
  const rpcName = (name: string | symbol): boolean => typeof name === 'string' && /^[a-z][A-Za-z]+$/.test(name) && !/^(then|on[A-Z]|before[A-Z]|close$|toJSON$|constructor$)/.test(name);
  for (const token of [STORAGE_CLIENT, SOURCES_CLIENT, RECOMMENDER_CLIENT, ANALYSIS_CLIENT]) {
    Object.setPrototypeOf(gateway.app.get<object>(token), new Proxy({}, { get: (_target, name) => (rpcName(name) ? answer : undefined) }));
  }
}

describe(`${GatewayModule.name} under random input`, () => {
  let sut: TestGateway;
  let operations: Operation[];
  const adminKey = generateApiKey().key;

  beforeAll(async () => {
    // Rate limits off: a 429 would stop the hostile input before the code it is meant to reach.
    sut = await startTestGateway({ rateLimit: { ...defaultRateLimitConfig(), enabled: false } });
    answerAsStorageWould(sut);
    const adminHash = createHash('sha256').update(adminKey).digest('hex');
    sut.backends.storage.authenticateApiKey.answers((request) =>
      request.keyHash === adminHash ? Promise.resolve({ user: ADMIN, apiKeyId: 'key-1' }) : Promise.reject(DomainError.unauthenticated('unknown key')),
    );
    operations = operationsOf((await send(sut, 'GET', '/docs-json')).body as OpenApiDocument);
  }, 30_000);

  afterAll(async () => {
    await sut.close();
  });

  it('reads the operations from the OpenAPI document the app serves', () => {
    expect(operations.length).toBeGreaterThan(20);
    expect(operations).toContainEqual(expect.objectContaining({ method: 'GET', path: '/api/v1/articles', queryParameters: expect.arrayContaining(['topic', 'language']) }));
    expect(operations).toContainEqual(expect.objectContaining({ method: 'GET', path: '/api/v1/sources/{id}', pathParameters: ['id'] }));
  });

  it('answers random parameters and bodies of every operation with no 5xx, errors in the error body', async () => {
    for (const operation of operations) {
      const request = fc.record({
        path: fc.tuple(...operation.pathParameters.map(() => urlValue)),
        query: fc.tuple(...operation.queryParameters.map(() => queryValue)),
        body: operation.bodyFields ? bodyOf(operation.bodyFields) : fc.constant(undefined),
        asAdmin: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ path, query, body, asAdmin }) => {
          let url = operation.path;
          operation.pathParameters.forEach((name, i) => {
            url = url.replace(`{${name}}`, encode(path[i] as UrlValue));
          });
          const pairs = operation.queryParameters.flatMap((name, i) => (query[i] ?? []).map((value) => `${encodeURIComponent(name)}=${encode(value)}`));
          if (pairs.length > 0) url += `?${pairs.join('&')}`;
          const answer = await withinSeconds(ANSWER_WITHIN_SECONDS, send(sut, operation.method, url, body, asAdmin ? { authorization: `Bearer ${adminKey}` } : {}), `${operation.method} ${url.slice(0, 300)}`);

          const what = `${operation.method} ${url.slice(0, 300)} → ${answer.status} ${answer.text.slice(0, 300)}`;
          if (answer.status >= 500) throw new Error(`server error: ${what}`);
          // Node's HTTP parser answers a request line past its header limit (431) before the app sees it.
          const refusedByNode = answer.status === 431;
          if (answer.status >= 400 && !refusedByNode && !isErrorBody(answer.body, answer.status)) throw new Error(`not the error body: ${what}`);
        }),
        { numRuns: RUNS_PER_OPERATION },
      );
    }
  }, 120_000);

  it('answers random arguments of every GraphQL query and mutation with no internal error', async () => {
    const fields = await graphQlFieldsOf(sut);
    expect(fields.map((f) => f.name)).toEqual(expect.arrayContaining(['articles', 'search', 'sources', 'recommendations']));
    // Mostly strings: most arguments are, and a value of the wrong type stops at GraphQL's own validation.
    const variable = fc.oneof(
      { weight: 6, arbitrary: text },
      { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)) },
      { weight: 1, arbitrary: fc.oneof(fc.array(text, { maxLength: 3 }), jsonish) },
    );
    for (const field of fields) {
      const declarations = field.args.map((arg, i) => `$v${i}: ${arg.type}`).join(', ');
      const argumentList = field.args.map((arg, i) => `${arg.name}: $v${i}`).join(', ');
      const query = `${field.operation}${declarations ? `(${declarations})` : ''} { ${field.name}${argumentList ? `(${argumentList})` : ''}${field.selection} }`;
      await fc.assert(
        fc.asyncProperty(fc.tuple(...field.args.map(() => variable)), fc.boolean(), async (values, asAdmin) => {
          const variables = Object.fromEntries(values.map((value, i) => [`v${i}`, value]));
          const answer = await withinSeconds(ANSWER_WITHIN_SECONDS, graphQl(sut, query, variables, asAdmin ? { authorization: `Bearer ${adminKey}` } : {}), query);
          const internal = answer.errors?.find((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR');
          if (answer.status >= 500 || internal) throw new Error(`internal error: ${query} ${JSON.stringify(variables).slice(0, 300)} → ${answer.status} ${answer.text.slice(0, 300)}`);
        }),
        { numRuns: RUNS_PER_OPERATION },
      );
    }
  }, 120_000);
});

interface GraphQlField {
  operation: 'query' | 'mutation';
  name: string;
  args: Array<{ name: string; type: string }>;
  /** ' { __typename }' for an object result, '' for a scalar one. */
  selection: string;
}

interface IntrospectedType {
  kind: string;
  name: string | null;
  ofType: IntrospectedType | null;
}

/** The root fields of the schema the app serves, with their argument types as GraphQL writes them. */
async function graphQlFieldsOf(gateway: TestGateway): Promise<GraphQlField[]> {
  const typeRef = 'kind name ofType { kind name ofType { kind name ofType { kind name } } }';
  const answer = await graphQl(
    gateway,
    `{ __schema { queryType { fields { name args { name type { ${typeRef} } } type { ${typeRef} } } }
                  mutationType { fields { name args { name type { ${typeRef} } } type { ${typeRef} } } } } }`,
  );
  type Root = { fields: Array<{ name: string; args: Array<{ name: string; type: IntrospectedType }>; type: IntrospectedType }> } | null;
  const schema = answer.data?.['__schema'] as { queryType: Root; mutationType: Root };
  const written = (type: IntrospectedType): string =>
    type.kind === 'NON_NULL' ? `${written(type.ofType as IntrospectedType)}!` : type.kind === 'LIST' ? `[${written(type.ofType as IntrospectedType)}]` : (type.name ?? '');
  const named = (type: IntrospectedType): IntrospectedType => (type.ofType ? named(type.ofType) : type);
  return (['query', 'mutation'] as const).flatMap((operation) =>
    ((operation === 'query' ? schema.queryType : schema.mutationType)?.fields ?? []).map((field) => ({
      operation,
      name: field.name,
      args: field.args.map((arg) => ({ name: arg.name, type: written(arg.type) })),
      selection: ['OBJECT', 'INTERFACE', 'UNION'].includes(named(field.type).kind) ? ' { __typename }' : '',
    })),
  );
}

function isErrorBody(body: unknown, status: number): boolean {
  const b = body as { statusCode?: unknown; error?: unknown; message?: unknown } | undefined;
  return b?.statusCode === status && typeof b.error === 'string' && typeof b.message === 'string';
}

async function withinSeconds<T>(seconds: number, work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${seconds} s: ${what}`)), seconds * 1000);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
