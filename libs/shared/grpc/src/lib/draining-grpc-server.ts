import type { Server } from '@grpc/grpc-js';
import { ServerGrpc } from '@nestjs/microservices';
import { settlesBy } from './shutdown';

/**
 * Nest's gRPC transport with a bounded graceful stop: Nest's own close() either cancels every
 * call at once (forceShutdown) or, with `gracefulShutdown`, waits for them without limit.
 */
export class DrainingGrpcServer extends ServerGrpc {
  /**
   * Takes no new call and lets the running ones finish until `deadline` (epoch ms), then cancels
   * what is left (grpc-js tryShutdown, then forceShutdown). Returns whether it had to cancel.
   */
  async drain(deadline: number): Promise<{ cancelled: boolean }> {
    const server = this.grpcClient as Server | null;
    if (!server) return { cancelled: false };
    const drained = new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    const inTime = await settlesBy(drained, deadline);
    if (!inTime) server.forceShutdown();
    return { cancelled: !inTime };
  }
}
