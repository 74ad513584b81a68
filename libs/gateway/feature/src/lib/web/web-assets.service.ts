import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';

export interface WebAsset {
  body: Buffer;
  contentType: string;
  etag: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** The file name an asset may have: no directories, no dot files. */
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * The built web reader (web.assetsDir): read once, kept in memory (it is a few dozen KiB) and served
 * by name only, so no request path ever reaches the file system. A file that is not in the folder at
 * the first request is not served.
 */
@Injectable()
export class WebAssets {
  private readonly logger = new Logger(WebAssets.name);
  private assets: Map<string, WebAsset> | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get(name: string): WebAsset | undefined {
    if (!ASSET_NAME.test(name)) return undefined;
    this.assets ??= this.load();
    return this.assets.get(name);
  }

  /** Whether the reader is built (index.html exists). */
  available(): boolean {
    return this.get('index.html') !== undefined;
  }

  private load(): Map<string, WebAsset> {
    const dir = resolve(this.config.web.assetsDir);
    const assets = new Map<string, WebAsset>();
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      this.logger.warn(`the web reader is not built: ${dir} does not exist (npm run build makes it; WEB_ASSETS_DIR names another folder)`);
      return assets;
    }
    for (const name of names) {
      const contentType = CONTENT_TYPES[extname(name)];
      const path = join(dir, name);
      if (!contentType || !ASSET_NAME.test(name) || !statSync(path).isFile()) continue;
      const body = readFileSync(path);
      assets.set(name, { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` });
    }
    return assets;
  }
}
