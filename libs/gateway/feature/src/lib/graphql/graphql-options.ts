import type { GraphQLFormattedError } from 'graphql';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApiConfig } from '@autoglm/shared-config';

export const GRAPHQL_PATH = '/graphql';

/**
 * What one GraphQL operation may ask for, checked before anything is resolved. The schema's
 * deepest honest query (recommendations → items → article → similar → fields) is 5 levels.
 * Cost is graphql-armor's static estimate of the selection (2 per object field, 1 per scalar,
 * × 1.5 per level — not per returned item: lists are bounded by their page sizes): one article
 * with every field and its similar articles costs ~40, an article page ~25.
 */
export const GRAPHQL_LIMITS = {
  /** Field nesting, fragments counted by what they contain (a spread adds no level of its own). */
  maxDepth: 6,
  maxAliases: 15,
  maxDirectives: 10,
  /** Lexical tokens of the document: bounds parsing work before any other rule runs. */
  maxTokens: 1_000,
  maxCost: 500,
} as const;

export function gatewayGraphQlOptions(api: ApiConfig): ApolloDriverConfig {
  const armor = new ApolloArmor({
    maxDepth: { n: GRAPHQL_LIMITS.maxDepth, flattenFragments: true, ignoreIntrospection: true },
    maxAliases: { n: GRAPHQL_LIMITS.maxAliases },
    maxDirectives: { n: GRAPHQL_LIMITS.maxDirectives },
    // graphql-armor's token plugin throws from an Apollo hook, which Apollo answers with a 500;
    // graphql-js counts tokens itself while parsing (parseOptions below), a 400 syntax error.
    maxTokens: { enabled: false },
    costLimit: { maxCost: GRAPHQL_LIMITS.maxCost, flattenFragments: true, ignoreIntrospection: true },
    // "Did you mean …" names fields a client did not ask for: hidden whenever the schema is.
    blockFieldSuggestion: { enabled: !api.graphQlIntrospection },
  }).protect();
  return {
    driver: ApolloDriver,
    path: GRAPHQL_PATH,
    autoSchemaFile: true,
    sortSchema: true,
    playground: false,
    introspection: api.graphQlIntrospection,
    includeStacktraceInErrorResponses: false,
    // One operation per request, so the limits above bound a request.
    allowBatchedHttpRequests: armor.allowBatchedHttpRequests,
    parseOptions: { maxTokens: GRAPHQL_LIMITS.maxTokens },
    plugins: armor.plugins,
    validationRules: armor.validationRules,
    formatError: formatGraphQlError,
    // The HTTP request is the auth guard's source of the API key and where it leaves the caller.
    context: ({ req }: { req: unknown }) => ({ req }),
  };
}

/** Keeps only what a client may see: the message, where it happened and the code. */
export function formatGraphQlError(error: GraphQLFormattedError): GraphQLFormattedError {
  const code = typeof error.extensions?.['code'] === 'string' ? error.extensions['code'] : 'INTERNAL_SERVER_ERROR';
  return {
    message: error.message,
    ...(error.locations ? { locations: error.locations } : {}),
    ...(error.path ? { path: error.path } : {}),
    extensions: { code },
  };
}
