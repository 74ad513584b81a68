import { Inject, Injectable, UseInterceptors, type CallHandler, type ExecutionContext, type NestInterceptor, type OnModuleDestroy } from '@nestjs/common';
import type { Request, Response } from 'express';
import { LRUCache } from 'lru-cache';
import { map, of, type Observable } from 'rxjs';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';

/** Most answers kept, and most bytes of JSON they may hold together: any query string is a new key. */
export const READ_CACHE_MAX_ENTRIES = 2_000;
export const READ_CACHE_MAX_BYTES = 32 * 1024 * 1024;

/**
 * The serialized answers of public content reads, by request URL, for config.api.readCacheMs.
 * Only routes whose answer is the same for every caller use it (CachedPublicRead); the guards
 * (access, rate limits) run before it on every request, hit or miss. Bounded in entries and bytes.
 */
@Injectable()
export class PublicReadCache implements OnModuleDestroy {
  private readonly answers: LRUCache<string, string> | undefined;
  /** Expired answers are dropped in one sweep now and then (lru-cache would keep them until evicted or read). */
  private readonly sweeper: NodeJS.Timeout | undefined;
  private hits = 0;
  private misses = 0;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const ttl = config.api.readCacheMs;
    this.answers =
      ttl > 0
        ? new LRUCache<string, string>({ max: READ_CACHE_MAX_ENTRIES, maxSize: READ_CACHE_MAX_BYTES, sizeCalculation: (json) => Math.max(1, json.length), ttl, ttlAutopurge: false })
        : undefined;
    if (this.answers) {
      this.sweeper = setInterval(() => this.purgeStale(), Math.max(1_000, ttl));
      this.sweeper.unref();
    }
  }

  onModuleDestroy(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  /** Drops the answers whose time is up. */
  purgeStale(): void {
    this.answers?.purgeStale();
  }

  get enabled(): boolean {
    return this.answers !== undefined;
  }

  get(url: string): string | undefined {
    const json = this.answers?.get(url);
    if (json === undefined) this.misses++;
    else this.hits++;
    return json;
  }

  set(url: string, json: string): void {
    this.answers?.set(url, json);
  }

  /** Drops every answer: content changed through this gateway (e.g. an article was deleted). */
  clear(): void {
    this.answers?.clear();
  }

  get stats(): { entries: number; bytes: number; hits: number; misses: number } {
    return { entries: this.answers?.size ?? 0, bytes: this.answers?.calculatedSize ?? 0, hits: this.hits, misses: this.misses };
  }
}

/**
 * Serves a GET from PublicReadCache, or runs the handler and keeps its answer serialized (hits
 * skip the backends and the serialization; Express still adds the ETag, so conditional requests
 * get 304). Errors are never kept.
 */
@Injectable()
export class PublicReadCacheInterceptor implements NestInterceptor {
  constructor(private readonly cache: PublicReadCache) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    if (context.getType() !== 'http' || request.method !== 'GET' || !this.cache.enabled) return next.handle();
    const response = http.getResponse<Response>();
    const key = request.originalUrl;
    const cached = this.cache.get(key);
    // A string body with its type set is sent as is (Nest would send a bare string as text/html).
    response.type('application/json');
    if (cached !== undefined) return of(cached);
    return next.handle().pipe(
      map((body: unknown) => {
        const json = JSON.stringify(body);
        this.cache.set(key, json);
        return json;
      }),
    );
  }
}

/** Marks a GET handler whose answer is the same for every caller that may call it. */
export const CachedPublicRead = () => UseInterceptors(PublicReadCacheInterceptor);
