import {
  Client,
  Server,
  ServerCredentials,
  credentials,
  status,
  type ServiceDefinition,
  type ServiceError,
  type handleUnaryCall,
} from '@grpc/grpc-js';
import { DrainingGrpcServer } from './draining-grpc-server';

/** A one-method service on raw bytes: the drain does not care what the calls carry. */
const ECHO: ServiceDefinition = {
  echo: {
    path: '/test.Echo/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: Buffer) => value,
    requestDeserialize: (bytes: Buffer) => bytes,
    responseSerialize: (value: Buffer) => value,
    responseDeserialize: (bytes: Buffer) => bytes,
  },
};

/** The Nest transport around a grpc-js server started here (Nest's listen() is not needed to drain). */
class TestDrainingGrpcServer extends DrainingGrpcServer {
  constructor(server: Server) {
    super({ package: 'test', protoPath: [] });
    this.grpcClient = server;
  }
}

async function startEcho(handler: handleUnaryCall<Buffer, Buffer>): Promise<{ server: Server; client: Client }> {
  const server = new Server();
  server.addService(ECHO, { echo: handler });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return { server, client: new Client(`127.0.0.1:${port}`, credentials.createInsecure()) };
}

function call(client: Client): Promise<string> {
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest<Buffer, Buffer>('/test.Echo/Echo', (v) => v, (b) => b, Buffer.from('ping'), (error: ServiceError | null, reply?: Buffer) =>
      error ? reject(error) : resolve(String(reply)),
    ),
  );
}

describe(DrainingGrpcServer.name, () => {
  let client: Client | undefined;

  afterEach(() => client?.close());

  it('lets a call in flight finish, then stops taking calls', async () => {
    let answer: (() => void) | undefined;
    const started = await startEcho((_call, callback) => (answer = () => callback(null, Buffer.from('pong'))));
    client = started.client;
    const sut = new TestDrainingGrpcServer(started.server);
    const inFlight = call(client);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => answer && (clearInterval(poll), resolve()), 5);
    });

    const drained = sut.drain(Date.now() + 60_000);
    answer?.();

    expect(await inFlight).toBe('pong');
    expect(await drained).toEqual({ cancelled: false });
    await expect(call(client)).rejects.toMatchObject({ code: status.UNAVAILABLE });
  });

  it('cancels the calls still running at the deadline', async () => {
    let received = false;
    const started = await startEcho(() => (received = true));
    client = started.client;
    const sut = new TestDrainingGrpcServer(started.server);
    const stuck = call(client);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => received && (clearInterval(poll), resolve()), 5);
    });

    expect(await sut.drain(Date.now() + 50)).toEqual({ cancelled: true });
    await expect(stuck).rejects.toMatchObject({ code: status.CANCELLED });
  });
});
