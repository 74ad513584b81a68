import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { SOURCES_CLIENT, type SourcesClient } from '@autoglm/shared-grpc';
import { required } from '../common/values.mapper';
import { CreateSourceDto, RefreshJobDto, SourceDto, SourceListDto } from './source.dto';
import { mapSource } from './sources.mapper';

@ApiTags('sources')
@Controller('sources')
export class SourcesController {
  constructor(@Inject(SOURCES_CLIENT) private readonly sources: SourcesClient) {}

  @Post()
  @ApiCreatedResponse({ type: SourceDto })
  async create(@Body() body: CreateSourceDto): Promise<SourceDto> {
    const { source } = await this.sources.addSource({
      url: body.url,
      title: body.title ?? '',
      intervalSeconds: body.intervalSeconds ?? 0,
    });
    return mapSource(required(source, 'source'));
  }

  @Get()
  @ApiOkResponse({ type: SourceListDto })
  async list(): Promise<SourceListDto> {
    const { sources } = await this.sources.listSources({});
    return { items: sources.map(mapSource) };
  }

  @Get(':id')
  @ApiOkResponse({ type: SourceDto })
  async get(@Param('id') id: string): Promise<SourceDto> {
    const { source } = await this.sources.getSource({ id });
    return mapSource(required(source, 'source'));
  }

  @Post(':id/refresh')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ type: RefreshJobDto })
  async refresh(@Param('id') id: string): Promise<RefreshJobDto> {
    const { jobId } = await this.sources.refreshSource({ id });
    return { jobId };
  }
}
