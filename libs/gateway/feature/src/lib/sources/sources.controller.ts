import type { IncomingMessage } from 'node:http';
import { Body, Controller, Get, Header, HttpCode, HttpStatus, Inject, Param, Patch, Post, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { SOURCES_CLIENT, type SourcesClient } from '@autoglm/shared-grpc';
import { OptionalCaller, type Caller } from '../auth/caller';
import { required } from '../common/values.mapper';
import { RateLimit } from '../rate-limit/rate-limit.decorator';
import { readOpmlBody } from './opml-body';
import {
  CreateSourceDto,
  ImportOpmlDto,
  ImportResultDto,
  PreviewSourceDto,
  RefreshJobDto,
  SourceDetailDto,
  SourceDto,
  SourceListDto,
  SourcePreviewDto,
  UpdateSourceDto,
} from './source.dto';
import { mapAddSourceRequest, mapItemPreview, mapOptionsJson, mapSource, mapSourceDetail, mapSourceKindInput } from './sources.mapper';
import { Access, AccessPolicy } from '../auth/access';

@ApiTags('sources')
@Access(AccessPolicy.Reader)
@Controller('sources')
export class SourcesController {
  constructor(@Inject(SOURCES_CLIENT) private readonly sources: SourcesClient) {}

  @Post()
  @Access(AccessPolicy.InstanceWrite)
  @ApiCreatedResponse({ type: SourceDto })
  async create(@Body() body: CreateSourceDto, @OptionalCaller() caller: Caller | undefined): Promise<SourceDto> {
    const { source } = await this.sources.addSource(mapAddSourceRequest(body));
    return mapSource(required(source, 'source'), caller);
  }

  @Post('preview')
  @Access(AccessPolicy.InstanceWrite)
  @RateLimit('sourceRefresh')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: SourcePreviewDto })
  @ApiBadRequestResponse({ description: 'The definition is invalid (the message starts with the bad field).' })
  @ApiUnprocessableEntityResponse({ description: 'The URL could not be fetched or read, or the mapping/selectors match nothing (the message says which).' })
  async preview(@Body() body: PreviewSourceDto): Promise<SourcePreviewDto> {
    const { items } = await this.sources.previewSource({ url: body.url, kind: mapSourceKindInput(body.kind), optionsJson: mapOptionsJson(body.options) });
    return { items: items.map(mapItemPreview) };
  }

  @Get()
  @ApiOkResponse({ type: SourceListDto })
  async list(@OptionalCaller() caller: Caller | undefined): Promise<SourceListDto> {
    const { sources } = await this.sources.listSources({});
    return { items: sources.map((source) => mapSource(source, caller)) };
  }

  @Post('import')
  @Access(AccessPolicy.InstanceWrite)
  @RateLimit('opmlImport')
  @HttpCode(HttpStatus.OK)
  @ApiConsumes('text/xml', 'application/xml', 'application/json')
  @ApiBody({ type: ImportOpmlDto, description: 'An OPML document, as XML or as JSON {"opml": "…"}.' })
  @ApiOkResponse({ type: ImportResultDto, description: 'Every feed of the document registered (folders → categories), known ones skipped.' })
  @ApiBadRequestResponse({ description: 'The body is not a readable OPML document.' })
  async import(@Req() request: IncomingMessage & { body?: unknown }): Promise<ImportResultDto> {
    const { imported, skipped, errors } = await this.sources.importOpml({ opml: await readOpmlBody(request) });
    return { imported, skipped, errors: errors.map((e) => ({ url: e.url, message: e.message })) };
  }

  // Declared before ':id' so that "export" is not taken for a source id.
  @Get('export')
  @Header('content-type', 'text/x-opml; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="autoglm-sources.opml"')
  @ApiProduces('text/x-opml')
  @ApiOkResponse({ description: 'Every source as an OPML 2.0 document, grouped by category.', schema: { type: 'string' } })
  async export(): Promise<string> {
    const { opml } = await this.sources.exportOpml({});
    return opml;
  }

  @Get(':id')
  @ApiOkResponse({ type: SourceDetailDto })
  async get(@Param('id') id: string, @OptionalCaller() caller: Caller | undefined): Promise<SourceDetailDto> {
    const { source, websub } = await this.sources.getSource({ id });
    return mapSourceDetail(required(source, 'source'), websub, caller);
  }

  @Patch(':id')
  @Access(AccessPolicy.InstanceWrite)
  @ApiOkResponse({ type: SourceDto, description: 'The source with the fields given changed; new options make it due now.' })
  @ApiBadRequestResponse({ description: 'A field is invalid (the message starts with it).' })
  async update(@Param('id') id: string, @Body() body: UpdateSourceDto, @OptionalCaller() caller: Caller | undefined): Promise<SourceDto> {
    const { source } = await this.sources.updateSource({
      id,
      title: body.title,
      intervalSeconds: body.intervalSeconds,
      category: body.category,
      fullText: body.fullText,
      kind: mapSourceKindInput(body.kind),
      optionsJson: body.options === undefined ? undefined : mapOptionsJson(body.options),
    });
    return mapSource(required(source, 'source'), caller);
  }

  @Post(':id/refresh')
  @Access(AccessPolicy.InstanceWrite)
  @RateLimit('sourceRefresh')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ type: RefreshJobDto })
  async refresh(@Param('id') id: string): Promise<RefreshJobDto> {
    const { jobId } = await this.sources.refreshSource({ id });
    return { jobId };
  }

  @Post(':id/resume')
  @Access(AccessPolicy.InstanceWrite)
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: SourceDto, description: 'The source, ACTIVE again and due for a check now.' })
  async resume(@Param('id') id: string, @OptionalCaller() caller: Caller | undefined): Promise<SourceDto> {
    const { source } = await this.sources.resumeSource({ id });
    return mapSource(required(source, 'source'), caller);
  }

  @Post(':id/pause')
  @Access(AccessPolicy.InstanceWrite)
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: SourceDto, description: 'The source, PAUSED with pausedAt set: not checked until POST /sources/{id}/resume.' })
  async pause(@Param('id') id: string, @OptionalCaller() caller: Caller | undefined): Promise<SourceDto> {
    const { source } = await this.sources.pauseSource({ id });
    return mapSource(required(source, 'source'), caller);
  }
}
