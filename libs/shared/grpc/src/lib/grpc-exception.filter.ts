import { ArgumentsHost, Catch, Logger, RpcExceptionFilter } from '@nestjs/common';
import { status } from '@grpc/grpc-js';
import { Observable, throwError } from 'rxjs';
import { isDomainError } from '@autoglm/shared-errors';
import { grpcStatusOf } from './grpc-status';
import { RemoteCallError } from './grpc-client';

interface GrpcErrorPayload {
  code: number;
  message: string;
  details: string;
}

/**
 * Maps anything a gRPC handler throws to a gRPC status. Domain errors keep their message;
 * anything else becomes INTERNAL with a generic message (the stack is logged, never sent).
 */
@Catch()
export class GrpcExceptionFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger(GrpcExceptionFilter.name);

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => toGrpcErrorPayload(exception, this.logger));
  }
}

export function toGrpcErrorPayload(exception: unknown, logger?: Logger): GrpcErrorPayload {
  if (isDomainError(exception)) {
    return { code: grpcStatusOf(exception.code), message: exception.message, details: exception.message };
  }
  if (exception instanceof RemoteCallError) {
    // A downstream service already produced a user-facing status: pass it through unchanged.
    return { code: grpcStatusOf(exception.code), message: exception.message, details: exception.message };
  }
  logger?.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
  return { code: status.INTERNAL, message: 'internal error', details: 'internal error' };
}
