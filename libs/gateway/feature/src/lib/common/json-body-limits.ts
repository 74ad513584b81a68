import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestException } from '@nestjs/common';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * Whether the raw JSON text nests arrays/objects deeper than maxDepth, found in one pass over the
 * bytes (brackets inside strings do not count) — so a hostile body is refused before a parser,
 * a validator or a resolver has to walk it recursively. Multi-byte UTF-8 never contains these
 * ASCII bytes, so scanning bytes is exact.
 */
export function jsonNestsDeeperThan(body: Uint8Array, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
      if (++depth > maxDepth) return true;
    } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) {
      depth--;
    }
  }
  return false;
}

/** Bytes that can spell a prototype key: the names themselves, or any \u escape (JSON.parse decodes escapes in keys). */
const MAY_SPELL_PROTOTYPE_KEY = ['__proto__', 'constructor', '\\u'];

/**
 * The path of a `__proto__` key, or of a `constructor` key holding a `prototype`, anywhere in the
 * JSON text — keys that exist only to reach an object's prototype (the rule of Fastify's
 * secure-json-parse). The DTOs would drop them silently; they are refused instead. Only texts
 * whose bytes may spell one are parsed here.
 */
export function prototypeKeyIn(body: Buffer): string | undefined {
  // Searched in the bytes: most bodies are never decoded a second time.
  if (!MAY_SPELL_PROTOTYPE_KEY.some((bytes) => body.includes(bytes))) return undefined;
  let found: string | undefined;
  try {
    JSON.parse(body.toString('utf8'), function (this: Record<string, unknown>, key: string, value: unknown) {
      const isPrototypeValue = key === 'constructor' && value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, 'prototype');
      if (found === undefined && (key === '__proto__' || isPrototypeValue)) found = key;
      return value;
    });
  } catch {
    // Not JSON: the parser that runs next reports it.
    return undefined;
  }
  return found;
}

export interface JsonBodyLimits {
  maxJsonBodyBytes: number;
  maxJsonDepth: number;
}

/**
 * Options of the JSON body parser (REST and GraphQL): the size limit is checked against the
 * declared and the received length while reading (413), the nesting depth on the raw bytes
 * before JSON.parse (400), prototype keys too (400). The parser reports the depth error with our status and message.
 */
export function jsonBodyParserOptions(limits: JsonBodyLimits): {
  limit: number;
  verify: (request: IncomingMessage, response: ServerResponse, body: Buffer) => void;
} {
  return {
    limit: limits.maxJsonBodyBytes,
    verify: (_request, _response, body) => {
      if (jsonNestsDeeperThan(body, limits.maxJsonDepth)) {
        throw new BadRequestException(`the JSON body nests arrays and objects deeper than ${limits.maxJsonDepth} levels`);
      }
      const prototypeKey = prototypeKeyIn(body);
      if (prototypeKey !== undefined) throw new BadRequestException(`the JSON body must not contain a "${prototypeKey}" key`);
    },
  };
}
