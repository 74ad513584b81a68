import { Inject } from '@nestjs/common';
import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { SOURCES_CLIENT, type SourcesClient } from '@autoglm/shared-grpc';
import { OptionalCaller, type Caller } from '../auth/caller';
import { required } from '../common/values.mapper';
import { optionsOfInput, SourceDefinitionInput, SourceInput, SourceUpdateInput } from './source-input.dto';
import { ItemPreviewDto, SourceDto } from './source.dto';
import { mapAddSourceRequest, mapItemPreview, mapOptionsJson, mapSource, mapSourceKindInput } from './sources.mapper';
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

  @ResolveField('options', () => String, {
    nullable: true,
    description: 'The options of a JSON API or web-page source as JSON (secrets by name: {"secretRef": "NAME"}); null for a feed.',
  })
  options(@Parent() source: SourceDto): string | null {
    return source.options ? JSON.stringify(source.options) : null;
  }

  @Access(AccessPolicy.InstanceWrite)
  @Mutation(() => SourceDto, { description: 'Add a feed, JSON API or web-page source (like POST /api/v1/sources).' })
  async addSource(@Args('input') input: SourceInput, @OptionalCaller() caller: Caller | undefined): Promise<SourceDto> {
    const { source } = await this.client.addSource(mapAddSourceRequest({ ...input, options: optionsOfInput(input) }));
    return mapSource(required(source, 'source'), caller);
  }

  @Access(AccessPolicy.InstanceWrite)
  @Mutation(() => SourceDto, { description: 'Change a source (like PATCH /api/v1/sources/{id}); options given replace the old ones.' })
  async updateSource(
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: SourceUpdateInput,
    @OptionalCaller() caller: Caller | undefined,
  ): Promise<SourceDto> {
    const options = optionsOfInput(input);
    const { source } = await this.client.updateSource({
      id,
      title: input.title ?? undefined,
      intervalSeconds: input.intervalSeconds ?? undefined,
      category: input.category ?? undefined,
      fullText: input.fullText ?? undefined,
      kind: mapSourceKindInput(undefined),
      optionsJson: options === undefined ? undefined : mapOptionsJson(options),
    });
    return mapSource(required(source, 'source'), caller);
  }

  @Access(AccessPolicy.InstanceWrite)
  @Mutation(() => SourceDto, { description: 'Pause a source: not checked until resumed (like POST /api/v1/sources/{id}/pause).' })
  async pauseSource(@Args('id', { type: () => ID }) id: string, @OptionalCaller() caller: Caller | undefined): Promise<SourceDto> {
    const { source } = await this.client.pauseSource({ id });
    return mapSource(required(source, 'source'), caller);
  }

  @Access(AccessPolicy.InstanceWrite)
  @Mutation(() => SourceDto, { description: 'Resume a paused or failing source: ACTIVE again and due now (like POST /api/v1/sources/{id}/resume).' })
  async resumeSource(@Args('id', { type: () => ID }) id: string, @OptionalCaller() caller: Caller | undefined): Promise<SourceDto> {
    const { source } = await this.client.resumeSource({ id });
    return mapSource(required(source, 'source'), caller);
  }

  @Access(AccessPolicy.InstanceWrite)
  @Mutation(() => [ItemPreviewDto], { description: 'The items a definition would give now, fetched and read but not stored (like POST /api/v1/sources/preview).' })
  async previewSource(@Args('input') input: SourceDefinitionInput): Promise<ItemPreviewDto[]> {
    const { items } = await this.client.previewSource({ url: input.url, kind: mapSourceKindInput(input.kind), optionsJson: mapOptionsJson(optionsOfInput(input)) });
    return items.map(mapItemPreview);
  }
}
