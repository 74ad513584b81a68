import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintDockerfile } from './dockerfile-lint';

const ROOT = join(__dirname, '..', '..');
const GOOD = 'FROM node:20.20.2-bookworm-slim AS build\nRUN npm ci\nFROM node:20.20.2-bookworm-slim\nCOPY --from=build /app ./app\nUSER node\nCMD ["node", "main.js"]\n';

describe(lintDockerfile.name, () => {
  it('passes the project Dockerfile: pinned bases, a non-root user, no secrets, valid instructions', () => {
    expect(lintDockerfile(readFileSync(join(ROOT, 'deploy/docker/Dockerfile'), 'utf8'))).toEqual([]);
  });

  it('runs every service from the one image, selected by APP', () => {
    const dockerfile = readFileSync(join(ROOT, 'deploy/docker/Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/dist\/apps\/\$\{APP\}\/src\/main\.js/);
    expect(dockerfile).toMatch(/npm ci/);
  });

  it('keeps installs, builds and secrets out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '**/.env', '**/.env.*', '**/*.pem', '**/*.key', '.git']));
  });

  it('accepts a small Dockerfile that follows the rules', () => {
    const sut = lintDockerfile(GOOD);
    expect(sut).toEqual([]);
  });

  it('reports moving base image tags, but not an earlier stage or a digest', () => {
    const sut = lintDockerfile(
      'FROM node:latest AS a\nFROM node:20-slim\nFROM node\nFROM a\nFROM node@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nUSER node\n',
    );
    expect(sut.filter((p) => p.rule === 'pinned-base-image').map((p) => p.line)).toEqual([1, 2, 3]);
  });

  it('reports a final stage running as root, even when an earlier stage switched user', () => {
    expect(lintDockerfile(GOOD.replace('USER node', 'USER root')).map((p) => p.rule)).toEqual(['non-root-user']);
    expect(lintDockerfile(GOOD.replace('USER node\n', '')).map((p) => p.rule)).toEqual(['non-root-user']);
    expect(lintDockerfile('FROM node:20.20.2 AS a\nUSER node\nFROM node:20.20.2\nUSER 0:0\n').map((p) => p.rule)).toEqual(['non-root-user']);
  });

  it('reports secrets in ENV and ARG and secret files copied in', () => {
    const sut = lintDockerfile(GOOD.replace('USER node', 'ENV GRPC_AUTH_TOKEN=abc NODE_ENV=production\nARG DB_PASSWORD=x\nCOPY .env ./\nADD certs/server.pem /etc/\nUSER node'));
    expect(sut.map((p) => [p.rule, p.line])).toEqual([
      ['no-secrets', 5],
      ['no-secrets', 6],
      ['no-secrets', 7],
      ['no-secrets', 8],
    ]);
  });

  it('reports invalid instructions', () => {
    expect(lintDockerfile(`${GOOD}FOO bar\nEXPOSE\n`).map((p) => p.rule)).toEqual(['syntax', 'syntax']);
  });
});
