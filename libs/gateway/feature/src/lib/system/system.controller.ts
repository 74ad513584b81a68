import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ANALYSIS_CLIENT, type AnalysisClient } from '@autoglm/shared-grpc';
import { required } from '../common/values.mapper';
import { ModelInfoDto } from './model-info.dto';
import { mapModelInfo } from './system.mapper';

@ApiTags('system')
@Controller('system')
export class SystemController {
  constructor(@Inject(ANALYSIS_CLIENT) private readonly analysis: AnalysisClient) {}

  @Get('inference')
  @ApiOkResponse({ type: ModelInfoDto, description: 'The model, its execution providers, its session pool and the live batcher metrics.' })
  async inference(): Promise<ModelInfoDto> {
    const { model } = await this.analysis.getModelInfo({});
    return mapModelInfo(required(model, 'model'));
  }
}
