/** A JSON API or web-page source whose options or document cannot be read; the message is shown on the source. */
export class SourceKindError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceKindError';
  }
}

export function isSourceKindError(error: unknown): error is SourceKindError {
  return error instanceof SourceKindError;
}
