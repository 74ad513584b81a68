import { Logger, type LoggerService } from '@nestjs/common';
import { Logger as NestPinoLogger, PinoLogger, type Params } from 'nestjs-pino';
import pino, { type DestinationStream, type Logger as Pino, type LoggerOptions } from 'pino';
import type { ObservabilityConfig } from '@autoglm/shared-config';
import { currentRequestId } from '../request-context';
import { REDACTED, REDACTED_PATHS, redactUrlsInText } from './redaction';

export type LogSettings = Pick<ObservabilityConfig, 'logLevel' | 'logPretty'>;

/**
 * The pino options of every service: level from config, the shared redaction list, level names
 * instead of numbers, and the correlation id of the unit of work running (HTTP request, RPC, queue
 * job) on every line written while it runs.
 */
export function pinoOptions(settings: LogSettings, service: string): LoggerOptions {
  return {
    level: settings.logLevel,
    base: { service },
    redact: { paths: [...REDACTED_PATHS], censor: REDACTED },
    formatters: { level: (label) => ({ level: label }) },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => {
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    },
    // Messages name URLs (feeds, hubs, endpoints): their passwords and secret query parameters go too.
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((arg) => (typeof arg === 'string' ? redactUrlsInText(arg) : arg)) as Parameters<typeof method>);
      },
    },
  };
}

/**
 * A pino logger to stdout (or `destination`); pretty lines only when asked for (development, where
 * pino-pretty, a development dependency, is installed).
 */
export function createPinoLogger(settings: LogSettings, service: string, destination?: DestinationStream): Pino {
  const options = pinoOptions(settings, service);
  if (destination) return pino(options, destination);
  if (settings.logPretty && prettyAvailable()) return pino({ ...options, transport: { target: 'pino-pretty', options: { singleLine: true } } });
  return pino(options);
}

function prettyAvailable(): boolean {
  try {
    require.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

let installed: { root: Pino; nest: LoggerService; params: Params } | undefined;

/**
 * Makes pino the logger of this process: Nest's Logger (which every service uses) writes JSON
 * lines through it. Called once by the process entry point (runServiceProcess) with the validated
 * configuration; code started without it (specs) keeps Nest's own console logger.
 */
export function installProcessLogging(settings: LogSettings, service: string): LoggerService {
  const root = createPinoLogger(settings, service);
  const params: Params = { pinoHttp: { logger: root }, renameContext: 'context' };
  const nest = new NestPinoLogger(new PinoLogger(params), params);
  installed = { root, nest, params };
  // Every `new Logger(context)` of the services writes through it, also before an application exists.
  Logger.overrideLogger(nest);
  return nest;
}

/** The Nest `logger` option of an application this process creates: the pino logger once installed, else Nest's console logger at the usual levels. */
export function nestLoggerOption(): LoggerService | Array<'error' | 'warn' | 'log'> {
  return installed?.nest ?? ['error', 'warn', 'log'];
}

/** The process's pino logger, when installed (the gateway's request logging writes through it). */
export function processPinoLogger(): Pino | undefined {
  return installed?.root;
}
