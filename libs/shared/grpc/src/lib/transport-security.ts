import { readFileSync } from 'node:fs';
import { credentials, ServerCredentials, type ChannelCredentials, type ChannelOptions } from '@grpc/grpc-js';
import { defaultConfig, type GrpcSecurityConfig } from '@autoglm/shared-config';

function tlsFiles(security: GrpcSecurityConfig): { ca: Buffer; cert: Buffer; key: Buffer } | null {
  const { caFile, certFile, keyFile } = security.tls;
  if (!caFile || !certFile || !keyFile) return null;
  return { ca: readFileSync(caFile), cert: readFileSync(certFile), key: readFileSync(keyFile) };
}

/** Mutual TLS when configured: the server presents its certificate and refuses clients without one signed by the CA. */
export function serverCredentialsOf(security: GrpcSecurityConfig): ServerCredentials {
  const files = tlsFiles(security);
  if (!files) return ServerCredentials.createInsecure();
  return ServerCredentials.createSsl(files.ca, [{ private_key: files.key, cert_chain: files.cert }], true);
}

/** Mutual TLS when configured: the client checks the server against the CA and presents its own certificate. */
export function channelCredentialsOf(security: GrpcSecurityConfig): ChannelCredentials {
  const files = tlsFiles(security);
  if (!files) return credentials.createInsecure();
  return credentials.createSsl(files.ca, files.key, files.cert);
}

/** Message size limits, the same on servers and clients. */
export function messageLimitOptions(security: GrpcSecurityConfig): ChannelOptions {
  return {
    'grpc.max_receive_message_length': security.maxReceiveMessageBytes,
    'grpc.max_send_message_length': security.maxSendMessageBytes,
  };
}

/** What a client uses when it is given no security settings: those of an embedded instance (the process token, plaintext). */
export function embeddedGrpcSecurity(): GrpcSecurityConfig {
  return defaultConfig().grpcSecurity;
}
