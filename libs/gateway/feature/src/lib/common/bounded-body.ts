import type { IncomingMessage } from 'node:http';

/**
 * Reads a request body the gateway's parsers left unread, refusing it (with tooLarge's error)
 * as soon as its declared or received length passes maxBytes.
 */
export async function readBoundedBody(request: IncomingMessage, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      request.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}
