import { startOpsHttpServer } from '@autoglm/shared-observability';

/**
 * The status each path gets from the health server every distributed process runs (HEALTH_PORT): the
 * real server, started on a free loopback port, so a probe or scrape path is checked against what the
 * code serves rather than a list copied from it.
 */
export async function healthServerStatuses(paths: string[]): Promise<Record<string, number>> {
  const server = await startOpsHttpServer('deploy-spec', '127.0.0.1', 0);
  try {
    const statuses: Record<string, number> = {};
    for (const path of paths) statuses[path] = (await fetch(`${server.url}${path}`)).status;
    return statuses;
  } finally {
    await server.close();
  }
}
