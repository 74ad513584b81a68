import {
  status,
  type sendUnaryData,
  type Server,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';

/** Full name of the standard health service (grpc.health.v1.Health), the prefix of its method paths. */
export const HEALTH_SERVICE_PATH = 'grpc.health.v1.Health';

/** HealthCheckResponse.ServingStatus of the standard protocol. */
export enum ServingStatus {
  UNKNOWN = 0,
  SERVING = 1,
  NOT_SERVING = 2,
  /** Watch only: the service is not known (yet). */
  SERVICE_UNKNOWN = 3,
}

export interface HealthCheckRequest {
  service: string;
}

export interface HealthCheckResponse {
  status: ServingStatus;
}

/**
 * health.proto (next to this file) as a protobuf.js JSON descriptor. The service is built from it
 * rather than from the file so that the compiled output in dist/ needs no .proto beside it; the
 * spec loads the file and proves both describe the same methods and messages.
 */
export const HEALTH_PROTO_DESCRIPTOR: Parameters<typeof fromJSON>[0] = {
  nested: {
    grpc: {
      nested: {
        health: {
          nested: {
            v1: {
              nested: {
                HealthCheckRequest: { fields: { service: { type: 'string', id: 1 } } },
                HealthCheckResponse: {
                  fields: { status: { type: 'ServingStatus', id: 1 } },
                  nested: { ServingStatus: { values: { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 } } },
                },
                Health: {
                  methods: {
                    Check: { requestType: 'HealthCheckRequest', responseType: 'HealthCheckResponse', comment: 'Check answers the status of a service ("" = the whole server).' },
                    Watch: { requestType: 'HealthCheckRequest', responseType: 'HealthCheckResponse', responseStream: true, comment: 'Watch sends the status now and whenever it changes.' },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

/** Loader options of the health messages: numeric enums and zero values, like every other service here. */
export const HEALTH_LOADER_OPTIONS = { keepCase: false, enums: Number, defaults: true } as const;

export function healthServiceDefinition(): ServiceDefinition {
  return fromJSON(HEALTH_PROTO_DESCRIPTOR, HEALTH_LOADER_OPTIONS)[HEALTH_SERVICE_PATH] as ServiceDefinition;
}

type Watcher = (status: ServingStatus) => void;

/**
 * The serving status of each service name of one gRPC server, answered by Check and pushed to
 * Watch callers when it changes.
 */
export class HealthStatusBoard {
  private readonly statuses = new Map<string, ServingStatus>();
  private readonly watchers = new Map<string, Set<Watcher>>();
  private readonly streams = new Set<ServerWritableStream<HealthCheckRequest, HealthCheckResponse>>();

  constructor(initial: Record<string, ServingStatus> = {}) {
    for (const [service, value] of Object.entries(initial)) this.statuses.set(service, value);
  }

  get(service: string): ServingStatus | undefined {
    return this.statuses.get(service);
  }

  set(service: string, value: ServingStatus): void {
    if (this.statuses.get(service) === value) return;
    this.statuses.set(service, value);
    for (const watcher of this.watchers.get(service) ?? []) watcher(value);
  }

  /** Marks every service NOT_SERVING (watchers hear it) and ends the open Watch streams: the server is stopping. */
  shutdown(): void {
    for (const service of this.statuses.keys()) this.set(service, ServingStatus.NOT_SERVING);
    for (const stream of this.streams) stream.end();
    this.streams.clear();
    this.watchers.clear();
  }

  /** Adds the grpc.health.v1.Health service, answering from this board, to a server. */
  addTo(server: Server): void {
    server.addService(healthServiceDefinition(), {
      Check: (call: ServerUnaryCall<HealthCheckRequest, HealthCheckResponse>, callback: sendUnaryData<HealthCheckResponse>) => {
        const value = this.statuses.get(call.request.service);
        if (value === undefined) callback({ code: status.NOT_FOUND, details: `unknown service "${call.request.service}"` });
        else callback(null, { status: value });
      },
      Watch: (call: ServerWritableStream<HealthCheckRequest, HealthCheckResponse>) => this.watch(call),
    });
  }

  private watch(call: ServerWritableStream<HealthCheckRequest, HealthCheckResponse>): void {
    const service = call.request.service;
    const send: Watcher = (value) => void call.write({ status: value });
    let set = this.watchers.get(service);
    if (!set) this.watchers.set(service, (set = new Set()));
    const watchers = set;
    watchers.add(send);
    this.streams.add(call);
    call.on('cancelled', () => {
      watchers.delete(send);
      this.streams.delete(call);
    });
    send(this.statuses.get(service) ?? ServingStatus.SERVICE_UNKNOWN);
  }
}
