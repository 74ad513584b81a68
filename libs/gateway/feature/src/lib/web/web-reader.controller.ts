import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainError } from '@autoglm/shared-errors';
import { Access, AccessPolicy } from '../auth/access';
import { WebAssets, type WebAsset } from './web-assets.service';

/**
 * The page's policy: its own scripts, styles and images only — no inline script or style, no
 * framing, nothing sent elsewhere. Article markup is sanitized on ingestion and again in the page;
 * remote images are not loaded at all.
 */
export const WEB_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Paths of the web reader, outside the API prefix. */
export const WEB_READER_PATHS = ['/', 'assets/:file'];

/** The web reader: its page at / and its files at /assets/<name>. */
@ApiExcludeController()
@Access(AccessPolicy.Public)
@Controller()
export class WebReaderController {
  constructor(private readonly assets: WebAssets) {}

  @Get()
  page(@Req() request: Request, @Res() response: Response): void {
    send(request, response, this.assets.get('index.html'), 'no-cache');
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Req() request: Request, @Res() response: Response): void {
    if (file === 'index.html') throw DomainError.notFound(`no web reader file ${file}`);
    send(request, response, this.assets.get(file), 'no-cache');
  }
}

function send(request: Request, response: Response, asset: WebAsset | undefined, cacheControl: string): void {
  if (!asset) throw DomainError.notFound('the web reader has no such file (is it built? npm run build)');
  response.setHeader('content-security-policy', WEB_CONTENT_SECURITY_POLICY);
  response.setHeader('x-content-type-options', 'nosniff');
  response.setHeader('referrer-policy', 'no-referrer');
  response.setHeader('x-frame-options', 'DENY');
  response.setHeader('cache-control', cacheControl);
  response.setHeader('etag', asset.etag);
  if (request.headers['if-none-match'] === asset.etag) {
    response.status(304).end();
    return;
  }
  response.status(200).setHeader('content-type', asset.contentType);
  response.end(request.method === 'HEAD' ? undefined : asset.body);
}
