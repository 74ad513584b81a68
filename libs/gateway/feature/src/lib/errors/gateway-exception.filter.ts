import { STATUS_CODES } from 'node:http';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { GqlContextType } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import { ErrorCode, isDomainError } from '@autoglm/shared-errors';
import type { ErrorResponseDto } from './error-response.dto';
import { graphQlCodeOf, graphQlCodeOfHttpStatus, httpStatusOf, type GraphQlErrorCode } from './error-status';

const INTERNAL_MESSAGE = 'internal error';

interface MappedError {
  body: ErrorResponseDto;
  graphQlCode: GraphQlErrorCode;
}

interface JsonResponse {
  status(code: number): JsonResponse;
  json(body: unknown): unknown;
}

/**
 * The one place where failures become answers: domain codes through an exhaustive switch,
 * Nest HTTP exceptions keep their status, anything else is a 500 whose details only reach the log.
 */
@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('gateway');

  catch(exception: unknown, host: ArgumentsHost): unknown {
    const mapped = this.map(exception);
    if (host.getType<GqlContextType>() === 'graphql') {
      // A filter in a resolver context returns the error for Apollo to report.
      return new GraphQLError(mapped.body.message, { extensions: { code: mapped.graphQlCode } });
    }
    const response = host.switchToHttp().getResponse<JsonResponse>();
    response.status(mapped.body.statusCode).json(mapped.body);
    return undefined;
  }

  private map(exception: unknown): MappedError {
    if (isDomainError(exception)) {
      const status = httpStatusOf(exception.code);
      if (exception.code === ErrorCode.Internal) {
        this.logger.error(`internal failure: ${exception.message}`);
        return mappedError(status, INTERNAL_MESSAGE, graphQlCodeOf(exception.code));
      }
      if (status >= HttpStatus.INTERNAL_SERVER_ERROR) this.logger.warn(exception.message);
      return mappedError(status, exception.message, graphQlCodeOf(exception.code));
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return mappedError(status, messageOfHttpException(exception), graphQlCodeOfHttpStatus(status));
    }
    const clientError = exposedClientError(exception);
    if (clientError) return mappedError(clientError.status, clientError.message, graphQlCodeOfHttpStatus(clientError.status));
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return mappedError(HttpStatus.INTERNAL_SERVER_ERROR, INTERNAL_MESSAGE, 'INTERNAL_SERVER_ERROR');
  }
}

function mappedError(status: number, message: string, graphQlCode: GraphQlErrorCode): MappedError {
  return { body: { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message }, graphQlCode };
}

function messageOfHttpException(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  if (typeof message === 'string') return message;
  return exception.message;
}

/**
 * Errors of the http-errors family (raised by the body parser: payload too large, bad charset)
 * mark themselves `expose` when their message is meant for the client.
 */
function exposedClientError(exception: unknown): { status: number; message: string } | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const e = exception as { expose?: unknown; status?: unknown; message?: unknown; type?: unknown; limit?: unknown };
  if (e.expose !== true || typeof e.status !== 'number' || typeof e.message !== 'string') return undefined;
  if (e.status < 400 || e.status > 499) return undefined;
  // The parser's own words ("request entity too large") do not say what the limit is.
  if (e.type === 'entity.too.large' && typeof e.limit === 'number') return { status: e.status, message: `the request body is larger than the limit of ${e.limit} bytes` };
  return { status: e.status, message: e.message };
}
