import type { IncomingMessage } from 'node:http';

/**
 * Calls the system under test with JSON: `json` is sent as the body; the base URL is read at each
 * call (the system may restart on another port). Answers the status, the raw text and the parsed
 * body (undefined when empty).
 */
export function jsonCaller(baseUrl: () => string) {
  return async (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const { json, ...rest } = init;
    const res = await fetch(`${baseUrl()}${path}`, {
      ...rest,
      body: json === undefined ? rest.body : JSON.stringify(json),
      headers: { 'content-type': 'application/json', ...(rest.headers ?? {}) },
    });
    const text = await res.text();
    return { status: res.status, text, body: text ? JSON.parse(text) : undefined };
  };
}

/** The whole body of a request a fixture server received, as UTF-8 text. */
export function readRequestBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
