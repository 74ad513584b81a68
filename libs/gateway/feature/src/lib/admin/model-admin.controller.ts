import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ANALYSIS_CLIENT, type AnalysisClient } from '@autoglm/shared-grpc';
import { required } from '../common/values.mapper';
import { RateLimit } from '../rate-limit/rate-limit.decorator';
import { InstalledModelListDto, PullJobDto, PullModelDto, PullStartedDto } from './model-admin.dto';
import { mapInstalledModel, mapPullJob } from './model-admin.mapper';
import { Access, AccessPolicy } from '../auth/access';

/** Models of the analysis service: what is installed, and pulls from the Hugging Face Hub (administrators only). */
@ApiTags('admin')
@Access(AccessPolicy.Administrator)
@Controller('admin/models')
export class ModelAdminController {
  constructor(@Inject(ANALYSIS_CLIENT) private readonly analysis: AnalysisClient) {}

  @Get()
  @ApiOkResponse({ type: InstalledModelListDto, description: 'Every installed model with its manifest in brief.' })
  async list(): Promise<InstalledModelListDto> {
    const { models } = await this.analysis.listModels({});
    return { items: models.map(mapInstalledModel) };
  }

  @Post('pull')
  @RateLimit('modelPull')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ type: PullStartedDto, description: 'The pull runs in the background; poll its job.' })
  @ApiBadRequestResponse({ description: 'repoId is not a hub repository id (owner/name), or revision is malformed.' })
  async pull(@Body() body: PullModelDto): Promise<PullStartedDto> {
    const { job, created } = await this.analysis.pullModel({ repoId: body.repoId, revision: body.revision ?? '', quantized: body.quantized ?? false });
    return { ...mapPullJob(required(job, 'job')), created };
  }

  @Get('pull/:jobId')
  @ApiOkResponse({ type: PullJobDto })
  @ApiNotFoundResponse({ description: 'No such job (or it finished long ago and was forgotten).' })
  async job(@Param('jobId') jobId: string): Promise<PullJobDto> {
    const { job } = await this.analysis.getPullJob({ jobId });
    return mapPullJob(required(job, 'job'));
  }
}
