import { status } from '@grpc/grpc-js';
import { assertUnreachable, ErrorCode } from '@autoglm/shared-errors';

export function grpcStatusOf(code: ErrorCode): status {
  switch (code) {
    case ErrorCode.InvalidArgument:
      return status.INVALID_ARGUMENT;
    case ErrorCode.NotFound:
      return status.NOT_FOUND;
    case ErrorCode.AlreadyExists:
      return status.ALREADY_EXISTS;
    case ErrorCode.FailedPrecondition:
      return status.FAILED_PRECONDITION;
    case ErrorCode.ResourceExhausted:
      return status.RESOURCE_EXHAUSTED;
    case ErrorCode.DeadlineExceeded:
      return status.DEADLINE_EXCEEDED;
    case ErrorCode.Unavailable:
      return status.UNAVAILABLE;
    case ErrorCode.Internal:
      return status.INTERNAL;
    case ErrorCode.Unauthenticated:
      return status.UNAUTHENTICATED;
    case ErrorCode.PermissionDenied:
      return status.PERMISSION_DENIED;
    default:
      return assertUnreachable(code, 'error code');
  }
}

/** The inverse mapping, used by clients to turn a gRPC failure back into a domain code. */
export function errorCodeOfGrpcStatus(code: number): ErrorCode {
  switch (code) {
    case status.INVALID_ARGUMENT:
    case status.OUT_OF_RANGE:
      return ErrorCode.InvalidArgument;
    case status.NOT_FOUND:
      return ErrorCode.NotFound;
    case status.ALREADY_EXISTS:
      return ErrorCode.AlreadyExists;
    case status.FAILED_PRECONDITION:
      return ErrorCode.FailedPrecondition;
    case status.RESOURCE_EXHAUSTED:
      return ErrorCode.ResourceExhausted;
    case status.DEADLINE_EXCEEDED:
      return ErrorCode.DeadlineExceeded;
    case status.UNAVAILABLE:
    case status.CANCELLED:
      return ErrorCode.Unavailable;
    case status.UNAUTHENTICATED:
      return ErrorCode.Unauthenticated;
    case status.PERMISSION_DENIED:
      return ErrorCode.PermissionDenied;
    default:
      return ErrorCode.Internal;
  }
}
