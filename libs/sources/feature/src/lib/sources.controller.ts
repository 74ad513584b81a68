import { Controller } from '@nestjs/common';
import { sources } from '@autoglm/contracts';
import { SourceRegistry } from './source-registry.service';

@Controller()
@sources.SourcesServiceControllerMethods()
export class SourcesController implements sources.SourcesServiceController {
  constructor(private readonly registry: SourceRegistry) {}

  async addSource(request: sources.AddSourceRequest): Promise<sources.AddSourceResponse> {
    return { source: await this.registry.add(request) };
  }

  async listSources(_request: sources.ListSourcesRequest): Promise<sources.ListSourcesResponse> {
    return { sources: await this.registry.list() };
  }

  async getSource(request: sources.GetSourceRequest): Promise<sources.GetSourceResponse> {
    return { source: await this.registry.get(request.id) };
  }

  async refreshSource(request: sources.RefreshSourceRequest): Promise<sources.RefreshSourceResponse> {
    return { jobId: await this.registry.refresh(request.id) };
  }
}
