/**
 * Error codes shared by every service. They follow gRPC's canonical codes so that the
 * edge mapping (gRPC status in services, HTTP status at the gateway) is a plain switch.
 */
export enum ErrorCode {
  InvalidArgument = 'INVALID_ARGUMENT',
  NotFound = 'NOT_FOUND',
  AlreadyExists = 'ALREADY_EXISTS',
  FailedPrecondition = 'FAILED_PRECONDITION',
  ResourceExhausted = 'RESOURCE_EXHAUSTED',
  DeadlineExceeded = 'DEADLINE_EXCEEDED',
  Unavailable = 'UNAVAILABLE',
  Internal = 'INTERNAL',
  Unauthenticated = 'UNAUTHENTICATED',
  PermissionDenied = 'PERMISSION_DENIED',
}

/** A failure the caller can understand and act on; its message is safe to show to users. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static invalidArgument(message: string, details?: Record<string, string>): DomainError {
    return new DomainError(ErrorCode.InvalidArgument, message, details);
  }

  static notFound(message: string, details?: Record<string, string>): DomainError {
    return new DomainError(ErrorCode.NotFound, message, details);
  }

  static alreadyExists(message: string, details?: Record<string, string>): DomainError {
    return new DomainError(ErrorCode.AlreadyExists, message, details);
  }

  static failedPrecondition(message: string, details?: Record<string, string>): DomainError {
    return new DomainError(ErrorCode.FailedPrecondition, message, details);
  }

  static unavailable(message: string, details?: Record<string, string>): DomainError {
    return new DomainError(ErrorCode.Unavailable, message, details);
  }

  static resourceExhausted(message: string, details?: Record<string, string>): DomainError {
    return new DomainError(ErrorCode.ResourceExhausted, message, details);
  }

  static unauthenticated(message: string, details?: Record<string, string>): DomainError {
    return new DomainError(ErrorCode.Unauthenticated, message, details);
  }

  static permissionDenied(message: string, details?: Record<string, string>): DomainError {
    return new DomainError(ErrorCode.PermissionDenied, message, details);
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
