import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ANALYSIS_CLIENT, type AnalysisClient } from '@autoglm/shared-grpc';
import { required } from '../common/values.mapper';
import { ModelInfoDto } from './model-info.dto';
import { mapModelInfo } from './system.mapper';
import { Access, AccessPolicy } from '../auth/access';

@ApiTags('system')
@Access(AccessPolicy.Reader)
@Controller('system')
export class SystemController {
  constructor(@Inject(ANALYSIS_CLIENT) private readonly analysis: AnalysisClient) {}

  @Get('inference')
  @ApiOkResponse({
    type: ModelInfoDto,
    description: 'The model, its execution providers, its session pool, the live batcher metrics and the re-embedding progress.',
  })
  async inference(): Promise<ModelInfoDto> {
    const [{ model }, reembed, llm] = await Promise.all([
      this.analysis.getModelInfo({}),
      // Progress and the LLM's state are extras: an analysis service that cannot tell (older, busy) leaves them null.
      this.analysis.getReembedProgress({}).then(
        (answer) => answer.progress,
        () => undefined,
      ),
      this.analysis.getLlmStatus({}).then(
        (answer) => answer.status,
        () => undefined,
      ),
    ]);
    return mapModelInfo(required(model, 'model'), reembed, llm);
  }
}
