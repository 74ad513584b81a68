import type { IncomingMessage } from 'node:http';
import { HttpStatus, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import { readBoundedBody } from '../common/bounded-body';

type Request = IncomingMessage & { rawBody?: Buffer };

/**
 * The exact bytes of a hub's POST (the HMAC is over them). Feed types are not parsed by the
 * gateway's body parsers, so the stream is read here up to maxBytes; a body a parser already
 * consumed (application/json, forms) is only usable when the application keeps raw bodies.
 */
export async function readPushedBody(request: Request, maxBytes: number): Promise<Buffer> {
  // Ended before we read it: a body parser consumed the stream.
  if (request.readableEnded) {
    if (!Buffer.isBuffer(request.rawBody)) {
      throw new UnsupportedMediaTypeException(
        `send the feed as application/atom+xml, application/rss+xml, application/feed+json or another feed type, not ${request.headers['content-type'] ?? 'this type'}`,
      );
    }
    if (request.rawBody.length > maxBytes) throw tooLarge(maxBytes);
    return request.rawBody;
  }
  return readBoundedBody(request, maxBytes, () => tooLarge(maxBytes));
}

function tooLarge(maxBytes: number): PayloadTooLargeException {
  return new PayloadTooLargeException(`the pushed document is larger than ${maxBytes} bytes`, { description: String(HttpStatus.PAYLOAD_TOO_LARGE) });
}
