import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  defaultModelName,
  HubClient,
  installedModelNames,
  pullHubModel,
  readModelManifest,
  TerminalProgress,
} from '@autoglm/analysis-feature';
import { loadConfig } from '@autoglm/shared-config';

const USAGE = `usage: npm run models -- <command>
  pull <owner/name> [--revision main] [--quantized] [--offline] [--endpoint URL]
        download a Hugging Face ONNX export into the models directory (HF_ENDPOINT or --endpoint for a mirror)
  list  the installed models (* marks the default)
  default <name>  make <name> the model Embed uses when a request names none (writes <models>/default)`;

interface PullArgs {
  repo: string;
  revision: string;
  quantized: boolean;
  offline: boolean;
  endpoint: string;
}

/** Parses `pull` arguments; the endpoint defaults to config's analysis.hubEndpoint (HF_ENDPOINT). */
function parsePullArgs(argv: readonly string[], hubEndpoint: string): PullArgs {
  const args: PullArgs = { repo: '', revision: 'main', quantized: false, offline: false, endpoint: hubEndpoint };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--revision') args.revision = value();
    else if (arg === '--endpoint') args.endpoint = value();
    else if (arg === '--quantized') args.quantized = true;
    else if (arg === '--offline') args.offline = true;
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else if (!args.repo) args.repo = arg;
    else throw new Error(`unexpected argument ${arg}`);
  }
  if (!args.repo) throw new Error('pull needs a repository id, e.g. sentence-transformers/all-MiniLM-L6-v2');
  return args;
}

async function main(argv: string[]): Promise<void> {
  const config = loadConfig();
  const modelDir = resolve(config.analysis.modelDir);
  const [command, ...rest] = argv;
  if (command === 'pull') {
    const args = parsePullArgs(rest, config.analysis.hubEndpoint);
    const result = await pullHubModel({
      ...args,
      modelDir,
      client: new HubClient({ endpoint: args.endpoint }),
      progress: new TerminalProgress(process.stderr),
    });
    const m = result.manifest;
    process.stdout.write(
      `${m.name}@${m.version}: ${m.dimension}-d, ${m.tokenizer.kind} tokenizer, ${m.pooling} pooling, max ${m.maxTokens} tokens` +
        `${m.prefixes ? `, prefixes ${JSON.stringify(m.prefixes)}` : ''}, license ${m.license.spdx}\n` +
        `manifest: ${result.manifestPath}\nuse it: Embed { model: "${m.name}" }, or make it the default: npm run models -- default ${m.name}\n`,
    );
    try {
      readModelManifest(modelDir, m.name);
    } catch (error) {
      process.stderr.write(`warning: the service cannot load this model yet: ${(error as Error).message}\n`);
    }
    return;
  }
  if (command === 'list') {
    const fallback = defaultModelName(modelDir, config.analysis.embeddingModels);
    for (const name of installedModelNames(modelDir)) process.stdout.write(`${name === fallback ? '*' : ' '} ${name}\n`);
    return;
  }
  if (command === 'default' && rest[0]) {
    readModelManifest(modelDir, rest[0]);
    writeFileSync(join(modelDir, 'default'), `${rest[0]}\n`);
    process.stdout.write(`default model: ${rest[0]} (restart the analysis service)\n`);
    return;
  }
  throw new Error(USAGE);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
});
