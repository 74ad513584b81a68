import type { IncomingMessage } from 'node:http';
import { HttpStatus, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import { DomainError } from '@autoglm/shared-errors';
import { readBoundedBody } from '../common/bounded-body';

/** Largest OPML upload read from a raw XML body (JSON bodies are bounded by the body parser). */
export const MAX_OPML_BODY_BYTES = 5 * 1024 * 1024;

const XML_TYPES = new Set(['text/xml', 'application/xml', 'text/x-opml', 'application/x-opml', 'application/opml+xml']);

type Request = IncomingMessage & { body?: unknown };

/**
 * The OPML text of an import request: the raw body for XML content types (read here: the
 * gateway only parses JSON bodies), or the `opml` field of a JSON body.
 */
export async function readOpmlBody(request: Request, maxBytes = MAX_OPML_BODY_BYTES): Promise<string> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json') {
    const opml = (request.body as { opml?: unknown } | undefined)?.opml;
    if (typeof opml !== 'string') throw DomainError.invalidArgument('the JSON body must be {"opml": "<the OPML document>"}');
    return opml;
  }
  if (!XML_TYPES.has(type)) {
    throw new UnsupportedMediaTypeException(
      `send the OPML document as text/xml or application/xml, or as JSON {"opml": "…"}${type ? `, not ${type}` : ''}`,
    );
  }
  return (await readBoundedBody(request, maxBytes, () => tooLarge(maxBytes))).toString('utf8');
}

function tooLarge(maxBytes: number): PayloadTooLargeException {
  return new PayloadTooLargeException(`the OPML document is larger than ${maxBytes} bytes`, { description: String(HttpStatus.PAYLOAD_TOO_LARGE) });
}
