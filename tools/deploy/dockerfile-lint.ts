import { DockerfileParser, type Instruction, type PropertyInstruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';

export interface DockerfileProblem {
  rule: 'syntax' | 'pinned-base-image' | 'non-root-user' | 'no-secrets';
  line: number;
  message: string;
}

const SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL/i;
const SECRET_FILE = /(^|\/)(\.env(\.[\w-]+)?|id_(rsa|ed25519|ecdsa)|[^/\s]+\.(pem|key|p12|pfx))$/;
/** A tag naming one release (x.y.z, with a suffix such as -bookworm-slim), not a moving one (latest, 20, 20-slim). */
const RELEASE_TAG = /^v?\d+\.\d+\.\d+([-.][\w.-]+)?$/;

/**
 * The basic rules for the project's Dockerfile: valid instructions (dockerfile-utils, the VS Code Docker
 * extension's validator), base images pinned to a release or a digest, a non-root user in the final stage, and
 * no secret in ENV/ARG or copied in as a file.
 */
export function lintDockerfile(content: string): DockerfileProblem[] {
  const problems: DockerfileProblem[] = validate(content).map((d) => ({
    rule: 'syntax',
    line: d.range.start.line + 1,
    message: typeof d.message === 'string' ? d.message : d.message.value,
  }));
  const dockerfile = DockerfileParser.parse(content);
  const line = (instruction: Instruction) => instruction.getRange().start.line + 1;
  const stages: string[] = [];
  for (const from of dockerfile.getFROMs()) {
    const image = from.getImageName() ?? '';
    const isStage = stages.includes(image);
    if (!isStage && image !== 'scratch' && !from.getImageDigest() && !RELEASE_TAG.test(from.getImageTag() ?? '')) {
      problems.push({ rule: 'pinned-base-image', line: line(from), message: `${from.getImage() ?? image} is not pinned to a release or a digest` });
    }
    const stage = from.getBuildStage();
    if (stage) stages.push(stage);
  }
  const instructions = dockerfile.getInstructions();
  const lastFrom = instructions.map((i) => i.getKeyword()).lastIndexOf('FROM');
  const lastUser = instructions.slice(lastFrom).filter((i) => i.getKeyword() === 'USER').at(-1);
  const user = lastUser?.getArgumentsContent()?.split(':')[0];
  if (!user || user === 'root' || user === '0') {
    problems.push({ rule: 'non-root-user', line: lastUser ? line(lastUser) : instructions.length, message: `the final stage runs as ${user ?? 'root (no USER)'}` });
  }
  for (const instruction of instructions) {
    const keyword = instruction.getKeyword();
    if (keyword === 'ENV' || keyword === 'ARG') {
      for (const property of (instruction as PropertyInstruction).getProperties()) {
        if (SECRET_NAME.test(property.getName()) && property.getValue()) {
          problems.push({ rule: 'no-secrets', line: line(instruction), message: `${keyword} ${property.getName()} bakes a secret into the image` });
        }
      }
    }
    if (keyword === 'COPY' || keyword === 'ADD') {
      const sources = instruction.getArguments().slice(0, -1).map((a) => a.getValue());
      for (const source of sources.filter((s) => SECRET_FILE.test(s))) {
        problems.push({ rule: 'no-secrets', line: line(instruction), message: `${keyword} ${source} copies a secret into the image` });
      }
    }
  }
  return problems;
}
