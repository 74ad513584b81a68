import type { GraphQLFormattedError } from 'graphql';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { maxDepthRule } from './max-depth.rule';

export const GRAPHQL_PATH = '/graphql';
export const GRAPHQL_MAX_DEPTH = 8;

export function gatewayGraphQlOptions(): ApolloDriverConfig {
  return {
    driver: ApolloDriver,
    path: GRAPHQL_PATH,
    autoSchemaFile: true,
    sortSchema: true,
    playground: false,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    validationRules: [maxDepthRule(GRAPHQL_MAX_DEPTH)],
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
