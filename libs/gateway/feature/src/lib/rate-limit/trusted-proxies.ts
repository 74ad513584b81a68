import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';

interface ExpressSettings {
  set(setting: string, value: unknown): unknown;
}

/**
 * Applies rateLimit.trustProxy as Express's `trust proxy` before the server listens, so req.ip (the
 * address requests are counted under) believes X-Forwarded-For only from the proxies named there;
 * by default from none.
 */
@Injectable()
export class TrustedProxies implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const server = this.adapterHost.httpAdapter?.getInstance() as Partial<ExpressSettings> | undefined;
    if (typeof server?.set === 'function') server.set('trust proxy', this.config.rateLimit.trustProxy);
  }
}
