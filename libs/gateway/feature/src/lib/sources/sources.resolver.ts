import { Inject } from '@nestjs/common';
import { Query, Resolver } from '@nestjs/graphql';
import { SOURCES_CLIENT, type SourcesClient } from '@autoglm/shared-grpc';
import { OptionalCaller, type Caller } from '../auth/caller';
import { SourceDto } from './source.dto';
import { mapSource } from './sources.mapper';
import { Access, AccessPolicy } from '../auth/access';

@Access(AccessPolicy.Reader)
@Resolver(() => SourceDto)
export class SourcesResolver {
  constructor(@Inject(SOURCES_CLIENT) private readonly client: SourcesClient) {}

  @Query(() => [SourceDto], { description: 'Every registered source.' })
  async sources(@OptionalCaller() caller: Caller | undefined): Promise<SourceDto[]> {
    const { sources } = await this.client.listSources({});
    return sources.map((source) => mapSource(source, caller));
  }
}
