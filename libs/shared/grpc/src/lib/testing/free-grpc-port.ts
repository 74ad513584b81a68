import * as grpc from '@grpc/grpc-js';

/** A loopback port grpc-js just bound and released, for specs of this lib (shared-testing is off limits to a util lib). */
export async function freeGrpcPort(): Promise<number> {
  const server = new grpc.Server();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  server.forceShutdown();
  return port;
}
