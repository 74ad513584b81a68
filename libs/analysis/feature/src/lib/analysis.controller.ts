import { Controller } from '@nestjs/common';
import { analysis } from '@autoglm/contracts';
import { AnalysisService, type ArticleAnalysis } from './analysis.service';
import type { TextEmbedding } from './embedding.service';

@Controller()
@analysis.AnalysisServiceControllerMethods()
export class AnalysisController implements analysis.AnalysisServiceController {
  constructor(private readonly service: AnalysisService) {}

  async embed(request: analysis.EmbedRequest): Promise<analysis.EmbedResponse> {
    const result = await this.service.embed(request.texts ?? [], request.model ?? '');
    return { embeddings: result.embeddings.map(mapEmbedding), modelVersion: result.modelVersion };
  }

  async analyze(request: analysis.AnalyzeRequest): Promise<analysis.AnalyzeResponse> {
    return mapAnalysis(await this.service.analyze(request.title ?? '', request.text ?? ''));
  }

  getModelInfo(): analysis.GetModelInfoResponse {
    return { model: this.service.describeModel() };
  }
}

export function mapEmbedding(e: TextEmbedding): analysis.Embedding {
  return { vector: Array.from(e.vector), knownTokens: e.knownTokens, truncated: e.truncated };
}

export function mapAnalysis(a: ArticleAnalysis): analysis.AnalyzeResponse {
  return {
    language: a.language,
    keywords: a.keywords,
    topic: a.topic,
    summary: a.summary,
    embedding: mapEmbedding(a.embedding),
    simhash: a.simhash,
    modelVersion: a.modelVersion,
  };
}
