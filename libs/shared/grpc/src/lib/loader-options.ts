import type { Options } from '@grpc/proto-loader';
import { protoRoot } from './services';

/**
 * The one set of proto-loader options used by every server and client. It must agree with
 * the ts-proto flags in proto/buf.gen.yaml:
 * - forceLong=string   ↔ longs: String
 * - numeric enums      ↔ enums left as numbers
 * - useOptionals=none  ↔ defaults: true (absent scalars arrive as their zero value, arrays as [])
 * - camelCase fields   ↔ keepCase: false
 * - useDate=false      ↔ google.protobuf.Timestamp stays { seconds, nanos }
 * One known difference: an absent message field arrives as null, where the generated type says
 * undefined — read message fields with a falsy check (fromTimestamp does).
 * libs/contracts has a spec that proves the two agree.
 */
export function grpcLoaderOptions(): Options {
  return {
    keepCase: false,
    longs: String,
    defaults: true,
    arrays: true,
    objects: true,
    oneofs: true,
    includeDirs: [protoRoot()],
  };
}
