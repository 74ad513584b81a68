import { BadRequestException, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { controlCharacterPath } from './control-characters';

/**
 * The one validation layer of every REST parameter and body and every GraphQL argument: control
 * characters are refused in all of them (ids, filters, names — the API takes no free text whose
 * line breaks would matter; the OPML import reads its document itself), then the DTO's
 * class-validator rules apply with unknown fields refused.
 */
export class GatewayValidationPipe extends ValidationPipe {
  constructor() {
    super({ whitelist: true, forbidNonWhitelisted: true, transform: true });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // 'custom' parameters are the gateway's own (the caller), not client input.
    if (metadata.type !== 'custom') {
      const path = controlCharacterPath(value);
      if (path !== undefined) throw new BadRequestException(`${inputName(metadata, path)} must not contain control characters`);
    }
    return super.transform(value, metadata);
  }
}

function inputName(metadata: ArgumentMetadata, path: string): string {
  const name = [metadata.data, path].filter((part) => part !== undefined && part !== '').join('.');
  if (name !== '') return name;
  return metadata.type === 'body' ? 'the request body' : `the ${metadata.type} value`;
}
