import { join } from 'node:path';
import * as ts from 'typescript';

/**
 * Fields the Kubernetes API does not know (a `readinesProbe`, a `sizeLimt`, a key one level too deep), which the
 * OpenAPI schemas let through as they allow extra properties — what `kubeconform -strict` reports. The field
 * names come from the TypeScript declarations of kubernetes-models (generated from the same OpenAPI definitions),
 * read with the TypeScript compiler; a manifest is walked alongside its kind's interface.
 */

/** The interface of each kind, as `module#Interface`. */
const KINDS: Record<string, string> = {
  'apps/v1/Deployment': 'kubernetes-models/apps/v1/Deployment#IDeployment',
  'autoscaling/v2/HorizontalPodAutoscaler': 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler#IHorizontalPodAutoscaler',
  'batch/v1/Job': 'kubernetes-models/batch/v1/Job#IJob',
  'networking.k8s.io/v1/Ingress': 'kubernetes-models/networking.k8s.io/v1/Ingress#IIngress',
  'networking.k8s.io/v1/NetworkPolicy': 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy#INetworkPolicy',
  'policy/v1/PodDisruptionBudget': 'kubernetes-models/policy/v1/PodDisruptionBudget#IPodDisruptionBudget',
  'v1/ConfigMap': 'kubernetes-models/v1/ConfigMap#IConfigMap',
  'v1/Secret': 'kubernetes-models/v1/Secret#ISecret',
  'v1/Service': 'kubernetes-models/v1/Service#IService',
  'v1/ServiceAccount': 'kubernetes-models/v1/ServiceAccount#IServiceAccount',
  'keda.sh/v1alpha1/ScaledObject': '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject#IScaledObject',
  'keda.sh/v1alpha1/TriggerAuthentication': '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication#ITriggerAuthentication',
};

const alias = (kind: string) => `K_${kind.replace(/[^A-Za-z0-9]/g, '_')}`;

let loaded: { checker: ts.TypeChecker; types: Map<string, ts.Type> } | undefined;

/** One program over a generated file naming every kind's interface (built once: it reads a few hundred .d.ts). */
export function loadFieldLists(): { checker: ts.TypeChecker; types: Map<string, ts.Type> } {
  if (loaded) return loaded;
  const file = join(__dirname, '__kubernetes_kinds__.ts');
  const source = Object.entries(KINDS)
    .map(([kind, ref]) => {
      const [module, name] = ref.split('#');
      return `export type ${alias(kind)} = import('${module}').${name};`;
    })
    .join('\n');
  const options: ts.CompilerOptions = { strict: true, noEmit: true, types: [], module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (path) => path === file || fileExists.call(host, path);
  host.readFile = (path) => (path === file ? source : readFile.call(host, path));
  host.getSourceFile = (path, language, ...rest) =>
    path === file ? ts.createSourceFile(path, source, language) : getSourceFile.call(host, path, language, ...rest);
  const program = ts.createProgram([file], options, host);
  const checker = program.getTypeChecker();
  const sourceFile = program.getSourceFile(file);
  if (!sourceFile) throw new Error('the generated kinds file did not load');
  const types = new Map<string, ts.Type>();
  for (const statement of sourceFile.statements) {
    if (!ts.isTypeAliasDeclaration(statement)) continue;
    const type = checker.getTypeAtLocation(statement.name);
    if (type.flags & ts.TypeFlags.Any) throw new Error(`${statement.name.text} did not resolve: is kubernetes-models installed?`);
    types.set(statement.name.text, type);
  }
  loaded = { checker, types };
  return loaded;
}

function walk(checker: ts.TypeChecker, value: unknown, declared: ts.Type, path: string, unknown: string[]): void {
  const type = checker.getNonNullableType(declared);
  const parts = type.isUnion() ? type.types : [type];
  if (Array.isArray(value)) {
    const element = parts.map((t) => (checker.isArrayType(t) ? checker.getTypeArguments(t as ts.TypeReference)[0] : undefined)).find(Boolean);
    if (element) value.forEach((item, i) => walk(checker, item, element, `${path}[${i}]`, unknown));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const objects = parts.filter((t) => t.flags & ts.TypeFlags.Object);
  if (objects.length === 0) return;
  const indexed = objects.map((t) => checker.getIndexInfoOfType(t, ts.IndexKind.String)).find(Boolean);
  const properties = new Map(objects.flatMap((t) => checker.getPropertiesOfType(t)).map((p) => [p.getName(), p]));
  if (properties.size === 0 && !indexed) return;
  for (const [key, child] of Object.entries(value)) {
    const property = properties.get(key);
    if (property) walk(checker, child, checker.getTypeOfSymbol(property), `${path}.${key}`, unknown);
    else if (indexed) walk(checker, child, indexed.type, `${path}.${key}`, unknown);
    else unknown.push(`${path}.${key}`);
  }
}

/** The paths of a manifest's fields that its kind does not have (an unknown kind is reported as such). */
export function unknownFields(manifest: Record<string, unknown>): string[] {
  const kind = `${String(manifest['apiVersion'])}/${String(manifest['kind'])}`;
  if (!KINDS[kind]) return [`no field list for ${kind}`];
  const { checker, types } = loadFieldLists();
  const type = types.get(alias(kind));
  if (!type) return [`no field list for ${kind}`];
  const unknown: string[] = [];
  walk(checker, manifest, type, `${String(manifest['kind'])}/${String((manifest['metadata'] as { name?: string } | undefined)?.name)}`, unknown);
  return unknown;
}
