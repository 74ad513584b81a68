import { HttpStatus } from '@nestjs/common';
import { assertUnreachable, ErrorCode } from '@autoglm/shared-errors';

export function httpStatusOf(code: ErrorCode): HttpStatus {
  switch (code) {
    case ErrorCode.InvalidArgument:
      return HttpStatus.BAD_REQUEST;
    case ErrorCode.NotFound:
      return HttpStatus.NOT_FOUND;
    case ErrorCode.AlreadyExists:
      return HttpStatus.CONFLICT;
    case ErrorCode.FailedPrecondition:
      return HttpStatus.UNPROCESSABLE_ENTITY;
    case ErrorCode.ResourceExhausted:
      return HttpStatus.TOO_MANY_REQUESTS;
    case ErrorCode.DeadlineExceeded:
      return HttpStatus.GATEWAY_TIMEOUT;
    case ErrorCode.Unavailable:
      return HttpStatus.SERVICE_UNAVAILABLE;
    case ErrorCode.Internal:
      return HttpStatus.INTERNAL_SERVER_ERROR;
    case ErrorCode.Unauthenticated:
      return HttpStatus.UNAUTHORIZED;
    case ErrorCode.PermissionDenied:
      return HttpStatus.FORBIDDEN;
    default:
      return assertUnreachable(code, 'error code');
  }
}

/** GraphQL `extensions.code` values (Apollo's names where Apollo has one). */
export type GraphQlErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FAILED_PRECONDITION'
  | 'RESOURCE_EXHAUSTED'
  | 'DEADLINE_EXCEEDED'
  | 'UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN';

export function graphQlCodeOf(code: ErrorCode): GraphQlErrorCode {
  switch (code) {
    case ErrorCode.InvalidArgument:
      return 'BAD_USER_INPUT';
    case ErrorCode.NotFound:
      return 'NOT_FOUND';
    case ErrorCode.AlreadyExists:
      return 'CONFLICT';
    case ErrorCode.FailedPrecondition:
      return 'FAILED_PRECONDITION';
    case ErrorCode.ResourceExhausted:
      return 'RESOURCE_EXHAUSTED';
    case ErrorCode.DeadlineExceeded:
      return 'DEADLINE_EXCEEDED';
    case ErrorCode.Unavailable:
      return 'UNAVAILABLE';
    case ErrorCode.Internal:
      return 'INTERNAL_SERVER_ERROR';
    case ErrorCode.Unauthenticated:
      return 'UNAUTHENTICATED';
    case ErrorCode.PermissionDenied:
      return 'FORBIDDEN';
    default:
      return assertUnreachable(code, 'error code');
  }
}

/** The GraphQL code of an HTTP status raised by Nest itself (validation, guards). */
export function graphQlCodeOfHttpStatus(status: number): GraphQlErrorCode {
  if (status === HttpStatus.NOT_FOUND) return 'NOT_FOUND';
  if (status === HttpStatus.UNAUTHORIZED) return 'UNAUTHENTICATED';
  if (status === HttpStatus.FORBIDDEN) return 'FORBIDDEN';
  if (status === HttpStatus.CONFLICT) return 'CONFLICT';
  if (status === HttpStatus.TOO_MANY_REQUESTS) return 'RESOURCE_EXHAUSTED';
  if (status === HttpStatus.SERVICE_UNAVAILABLE) return 'UNAVAILABLE';
  if (status >= 400 && status < 500) return 'BAD_USER_INPUT';
  return 'INTERNAL_SERVER_ERROR';
}
