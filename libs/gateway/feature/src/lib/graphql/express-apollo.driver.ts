import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap, type BaseContext, type ContextFunction, type HTTPGraphQLRequest } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Injectable } from '@nestjs/common';

interface ParsedRequest extends IncomingMessage {
  body?: unknown;
  originalUrl?: string;
}

type Next = (error?: unknown) => void;
type RequestContext = ContextFunction<[{ req: ParsedRequest; res: ServerResponse }], BaseContext>;

/**
 * ApolloDriver for Express without @as-integrations/express5 (not installed here): the same
 * options and plugins, with the small HTTP bridge to Apollo Server written below. Nest's JSON
 * body parser has already run, so its malformed-JSON errors reach the global exception filter.
 */
@Injectable()
export class ExpressApolloDriver extends ApolloDriver {
  protected override async registerExpress(options: ApolloDriverConfig): Promise<void> {
    const httpAdapter = this.httpAdapterHost.httpAdapter;
    const drain = ApolloServerPluginDrainHttpServer({ httpServer: httpAdapter.getHttpServer() });
    const server = new ApolloServer<BaseContext>({
      ...(options as object),
      plugins: [...(options.plugins ?? []), drain],
    } as ConstructorParameters<typeof ApolloServer<BaseContext>>[0]);
    await server.start();
    const context = (options.context as RequestContext | undefined) ?? (async () => ({}));
    httpAdapter.use(options.path ?? '/graphql', graphQlHttpHandler(server, context));
    this.apolloServer = server;
  }
}

export function graphQlHttpHandler(server: ApolloServer<BaseContext>, context: RequestContext) {
  return (req: ParsedRequest, res: ServerResponse, next: Next): void => {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      headers,
      search: new URL(req.originalUrl ?? req.url ?? '/', 'http://localhost').search,
      // A GET (or an empty POST) has no parsed body; Apollo expects an object.
      body: req.body ?? {},
    };
    server
      .executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => context({ req, res }) })
      .then(async (answer) => {
        for (const [name, value] of answer.headers) res.setHeader(name, value);
        res.statusCode = answer.status ?? 200;
        if (answer.body.kind === 'complete') {
          res.end(answer.body.string);
          return;
        }
        for await (const chunk of answer.body.asyncIterator) res.write(chunk);
        res.end();
      })
      .catch(next);
  };
}
