import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DomainError } from '@autoglm/shared-errors';
import { localModelName } from '../embedding-catalog.service';
import { parseModelManifest, type ModelFile, type ModelManifest } from '../model/model-manifest';
import type { HubClient, HubResponse } from './hub-client';
import { buildHubManifest, licenseOfModelCard } from './hub-manifest';

/** What a pull reports while it works (a progress bar on a terminal, lines otherwise). */
export interface PullProgress {
  start(file: string, totalBytes: number | undefined, resumedFrom: number): void;
  advance(file: string, bytes: number): void;
  finish(file: string, outcome: 'downloaded' | 'up to date' | 'verified', sha256: string): void;
}

export interface PullOptions {
  repo: string;
  revision?: string;
  /** Take onnx/model_quantized.onnx (int8) instead of onnx/model.onnx. */
  quantized?: boolean;
  /** Download nothing: verify what is installed against its manifest. */
  offline?: boolean;
  modelDir: string;
  client: HubClient;
  progress?: PullProgress;
}

export interface PullResult {
  manifest: ModelManifest;
  manifestPath: string;
  downloaded: string[];
  skipped: string[];
}

const REPO_ID = /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/;
/** A branch, tag or commit: no spaces, no "..", at most 200 characters. */
const REVISION = /^(?!.*\.\.)[\w./-]{1,200}$/;

/** Refuses what is no hub repository id (owner/name) or revision, before anything is downloaded. */
export function checkPullTarget(repo: string, revision: string): void {
  if (!REPO_ID.test(repo)) throw DomainError.invalidArgument(`"${repo}" is not a hub repository id (owner/name)`);
  if (!REVISION.test(revision)) throw DomainError.invalidArgument(`"${revision}" is not a revision (a branch, tag or commit)`);
}
const SHA256 = /^[0-9a-f]{64}$/;

interface FileSpec {
  hubPath: string;
  role: ModelFile['role'];
  required: boolean;
}

function fileSpecs(quantized: boolean): FileSpec[] {
  return [
    { hubPath: 'config.json', role: 'config', required: true },
    { hubPath: 'tokenizer.json', role: 'tokenizer', required: true },
    { hubPath: 'modules.json', role: 'modules', required: false },
    { hubPath: '1_Pooling/config.json', role: 'pooling', required: false },
    { hubPath: quantized ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx', role: 'model', required: true },
  ];
}

/** Where a pulled model lives: models/<owner--name>/manifest.json, its files under models/build/<owner--name>/. */
export function pulledModelPaths(modelDir: string, repo: string): { name: string; manifestPath: string; filesDir: string } {
  const name = localModelName(repo);
  return { name, manifestPath: join(resolve(modelDir), name, 'manifest.json'), filesDir: join('build', name) };
}

/** sha256 of a file on disk, streamed. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The sha256 the hub states for a file: X-Linked-Etag (LFS files) or an ETag that is one (plain files carry a git sha1). */
export function hubSha256(response: Pick<HubResponse, 'hubHeaders' | 'headers'>): string | undefined {
  for (const value of [response.hubHeaders['x-linked-etag'], response.hubHeaders['etag'], response.headers['x-linked-etag']]) {
    const tag = String(value ?? '').replace(/^W\//, '').replace(/"/g, '').trim().toLowerCase();
    if (SHA256.test(tag)) return tag;
  }
  return undefined;
}

/**
 * `models pull <repo>`: downloads a Hugging Face ONNX export into the models directory (resuming
 * .partial files with HTTP Range, checking each download's sha256 against the hub's when it states
 * one), then writes the model's manifest with the sha256 of every file. Offline, it only verifies.
 */
export async function pullHubModel(options: PullOptions): Promise<PullResult> {
  const { repo, client } = options;
  const revision = options.revision ?? 'main';
  checkPullTarget(repo, revision);
  const quantized = options.quantized ?? false;
  const modelDir = resolve(options.modelDir);
  const { name, manifestPath, filesDir } = pulledModelPaths(modelDir, repo);
  const previous = readPrevious(manifestPath);
  if (options.offline) return verifyOffline(modelDir, manifestPath, previous, repo, options.progress);

  const files: ModelFile[] = [];
  const downloaded: string[] = [];
  const skipped: string[] = [];
  const contents = new Map<string, unknown>();
  let commit = '';
  for (const spec of fileSpecs(quantized)) {
    const localPath = join(filesDir, spec.hubPath).split('\\').join('/');
    const target = join(modelDir, localPath);
    const known = previous?.files.find((f) => f.path === localPath);
    if (known && existsSync(target) && (await sha256OfFile(target)) === known.sha256) {
      options.progress?.finish(spec.hubPath, 'up to date', known.sha256);
      files.push({ path: localPath, role: spec.role, sha256: known.sha256 });
      skipped.push(spec.hubPath);
    } else {
      const got = await downloadFile(client, client.fileUrl(repo, revision, spec.hubPath), target, spec, repo, revision, options.progress);
      if (!got) continue;
      commit ||= got.commit;
      files.push({ path: localPath, role: spec.role, sha256: got.sha256 });
      downloaded.push(spec.hubPath);
    }
    if (spec.role !== 'model') contents.set(spec.role, JSON.parse(readFileSync(target, 'utf8')));
  }
  const manifest = buildHubManifest({
    repo,
    revision,
    commit: commit || (previous?.source.version ?? ''),
    endpoint: client.endpoint.href,
    name,
    quantized,
    files,
    modelPath: quantized ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx',
    config: contents.get('config'),
    tokenizer: contents.get('tokenizer'),
    pooling: contents.get('pooling'),
    license: await modelCardLicense(client, repo, revision),
  });
  if (previous?.default === true) manifest.default = true;
  mkdirSync(dirname(manifestPath), { recursive: true });
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, manifestPath, downloaded, skipped };
}

function readPrevious(manifestPath: string): ModelManifest | undefined {
  if (!existsSync(manifestPath)) return undefined;
  try {
    return JSON.parse(readFileSync(manifestPath, 'utf8')) as ModelManifest;
  } catch {
    return undefined;
  }
}

async function verifyOffline(
  modelDir: string,
  manifestPath: string,
  previous: ModelManifest | undefined,
  repo: string,
  progress: PullProgress | undefined,
): Promise<PullResult> {
  if (!previous) throw DomainError.failedPrecondition(`offline: ${repo} has never been pulled (${manifestPath} does not exist); pull it once without --offline`);
  const manifest = parseModelManifestLenient(previous, manifestPath);
  for (const file of manifest.files) {
    const path = join(modelDir, file.path);
    if (!existsSync(path)) throw DomainError.failedPrecondition(`offline: ${file.path} of ${repo} is missing (${path}); pull again without --offline`);
    const actual = await sha256OfFile(path);
    if (actual !== file.sha256) {
      throw DomainError.failedPrecondition(
        `offline: ${file.path} of ${repo} has sha256 ${actual} but its manifest expects ${file.sha256}; pull again without --offline`,
      );
    }
    progress?.finish(file.path, 'verified', actual);
  }
  return { manifest, manifestPath, downloaded: [], skipped: manifest.files.map((f) => f.path) };
}

/**
 * Offline verification also covers manifests the service cannot run (tokenizers other than WordPiece, Unigram
 * and BPE, e.g. WordLevel): only files are checked.
 */
function parseModelManifestLenient(manifest: ModelManifest, where: string): ModelManifest {
  try {
    return parseModelManifest(manifest, where);
  } catch (error) {
    if (!Array.isArray(manifest.files)) throw error;
    return manifest;
  }
}

/** Downloads one file into <target>.partial (resuming what is there), checks it, renames it into place; undefined for a missing optional file. */
async function downloadFile(
  client: HubClient,
  url: string,
  target: string,
  spec: FileSpec,
  repo: string,
  revision: string,
  progress: PullProgress | undefined,
): Promise<{ sha256: string; commit: string } | undefined> {
  const partial = `${target}.partial`;
  mkdirSync(dirname(target), { recursive: true });
  let offset = existsSync(partial) ? statSync(partial).size : 0;
  let response = await client.get(url, offset);
  if (response.status === 416 && offset > 0) {
    // The partial file is no prefix of the current file (changed upstream): start over.
    response.body.resume();
    rmSync(partial, { force: true });
    offset = 0;
    response = await client.get(url, 0);
  }
  if (response.status === 404) {
    response.body.resume();
    if (!spec.required) return undefined;
    throw DomainError.notFound(
      `${spec.hubPath} was not found in ${repo}@${revision} (HTTP 404 from ${url})` +
        (spec.role === 'model' ? '; the repository may have no ONNX export (try --quantized, or an export such as Xenova/<model>)' : ''),
    );
  }
  if (response.status === 401 || response.status === 403) {
    response.body.resume();
    throw DomainError.failedPrecondition(`${repo} refused ${spec.hubPath} (HTTP ${response.status}): gated or private repositories are not supported`);
  }
  if (response.status !== 200 && response.status !== 206) {
    response.body.resume();
    throw DomainError.unavailable(`downloading ${spec.hubPath} of ${repo} failed: HTTP ${response.status} from ${response.url}`);
  }
  if (response.status === 200) offset = 0; // The server ignored the Range: the whole file comes again.
  const hash = createHash('sha256');
  if (offset > 0) for await (const chunk of createReadStream(partial)) hash.update(chunk as Buffer);
  const length = Number(response.headers['content-length']);
  const total = Number.isFinite(length) ? offset + length : undefined;
  progress?.start(spec.hubPath, total, offset);
  const out = createWriteStream(partial, { flags: offset > 0 ? 'a' : 'w' });
  let received = 0;
  try {
    for await (const chunk of response.body) {
      const buffer = chunk as Buffer;
      hash.update(buffer);
      received += buffer.length;
      if (!out.write(buffer)) await new Promise<void>((r) => out.once('drain', r));
      progress?.advance(spec.hubPath, buffer.length);
    }
  } catch (error) {
    throw DomainError.unavailable(
      `the download of ${spec.hubPath} of ${repo} broke off after ${offset + received} bytes (${(error as Error).message}); ` +
        'run the same pull again to resume it',
    );
  } finally {
    await new Promise<void>((r) => out.end(r));
  }
  if (Number.isFinite(length) && received !== length) {
    throw DomainError.unavailable(
      `the download of ${spec.hubPath} of ${repo} stopped after ${offset + received} of ${total} bytes; run the same pull again to resume it`,
    );
  }
  const sha256 = hash.digest('hex');
  const expected = hubSha256(response);
  if (expected && expected !== sha256) {
    rmSync(partial, { force: true });
    throw DomainError.failedPrecondition(
      `checksum mismatch for ${spec.hubPath} of ${repo}: the hub states sha256 ${expected}, the download has ${sha256}; the partial file was deleted, pull again`,
    );
  }
  renameSync(partial, target);
  progress?.finish(spec.hubPath, 'downloaded', sha256);
  return { sha256, commit: String(response.hubHeaders['x-repo-commit'] ?? '') };
}

/** The model card's license (README.md front matter); undefined when there is no card or no license line. */
async function modelCardLicense(client: HubClient, repo: string, revision: string): Promise<string | undefined> {
  try {
    const response = await client.get(client.fileUrl(repo, revision, 'README.md'));
    if (response.status !== 200) {
      response.body.resume();
      return undefined;
    }
    let text = '';
    for await (const chunk of response.body) {
      text += (chunk as Buffer).toString('utf8');
      if (text.length > 64_000) break;
    }
    response.body.destroy();
    return licenseOfModelCard(text);
  } catch {
    return undefined;
  }
}
