import { Controller } from '@nestjs/common';
import { sources } from '@autoglm/contracts';
import { OpmlService } from './opml/opml.service';
import { SourceRegistry } from './source-registry.service';
import { WebSubCallbacks } from './websub/websub-callback.service';

@Controller()
@sources.SourcesServiceControllerMethods()
export class SourcesController implements sources.SourcesServiceController {
  constructor(
    private readonly registry: SourceRegistry,
    private readonly opml: OpmlService,
    private readonly webSub: WebSubCallbacks,
  ) {}

  async addSource(request: sources.AddSourceRequest): Promise<sources.AddSourceResponse> {
    return { source: await this.registry.add(request) };
  }

  async updateSource(request: sources.UpdateSourceRequest): Promise<sources.UpdateSourceResponse> {
    return { source: await this.registry.update(request) };
  }

  async previewSource(request: sources.PreviewSourceRequest): Promise<sources.PreviewSourceResponse> {
    return { items: await this.registry.preview(request) };
  }

  async listSources(_request: sources.ListSourcesRequest): Promise<sources.ListSourcesResponse> {
    return { sources: await this.registry.list() };
  }

  async getSource(request: sources.GetSourceRequest): Promise<sources.GetSourceResponse> {
    const source = await this.registry.get(request.id);
    return { source, websub: await this.webSub.status(source.id) };
  }

  async refreshSource(request: sources.RefreshSourceRequest): Promise<sources.RefreshSourceResponse> {
    return { jobId: await this.registry.refresh(request.id) };
  }

  async resumeSource(request: sources.ResumeSourceRequest): Promise<sources.ResumeSourceResponse> {
    return { source: await this.registry.resume(request.id) };
  }

  async pauseSource(request: sources.PauseSourceRequest): Promise<sources.PauseSourceResponse> {
    return { source: await this.registry.pause(request.id) };
  }

  async importOpml(request: sources.ImportOpmlRequest): Promise<sources.ImportOpmlResponse> {
    return this.opml.import(request.opml);
  }

  async exportOpml(_request: sources.ExportOpmlRequest): Promise<sources.ExportOpmlResponse> {
    return { opml: await this.opml.export() };
  }

  async verifyWebSubIntent(request: sources.VerifyWebSubIntentRequest): Promise<sources.VerifyWebSubIntentResponse> {
    return { confirmed: await this.webSub.verifyIntent(request) };
  }

  deliverWebSubContent(request: sources.DeliverWebSubContentRequest): Promise<sources.DeliverWebSubContentResponse> {
    return this.webSub.deliver(request);
  }
}
