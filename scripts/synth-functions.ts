// The functions of a synthesized stack, as the template deploys them: each bundle and what Lambda starts Node with.
// Either synthesized here (`synthFunctions`: the benches, `npm run stack`) or read from an assembly the CDK CLI
// wrote (`assemblyFunctions`: test/bundles.test.ts reads the one `npx cdk synth` writes, so the suite bundles the
// 40 functions once, not twice).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type CfnResource } from 'aws-cdk-lib';
import { LAUNCH_WRAPPER } from '../infra/bundling.ts';
import { ServiceFunction } from '../infra/service-function.ts';
import { CodegateStack } from '../infra/stack.ts';
import { ROUTES } from '../lib/routes.ts';

/** One function as the synthesized template deploys it: its bundle and what Lambda starts Node with. */
export interface DeployedFunction {
  /** The bundle (`index.mjs`; `index.mjs.map` beside it when synthesized with source maps). */
  file: string;
  /** `MemorySize` in MB: the Node.js runtime sizes V8's heap from it (see `lambdaLaunch`). */
  memorySize: number;
  /** `NODE_OPTIONS` from the function's environment, as Lambda passes it to Node. */
  nodeOptions: string;
  /** The script `AWS_LAMBDA_EXEC_WRAPPER` names, in the synthesized asset (Lambda's `/var/task/`), if any. */
  execWrapper?: string;
}

/** What a synth builds: maps beside the bundles (`npm run stack`), only some routes' functions. */
type SynthOptions = { sourceMaps?: boolean; routes?: readonly string[] };

interface Template {
  Resources: Record<
    string,
    {
      Metadata?: Record<string, string>;
      Properties?: { MemorySize?: number; Environment?: { Variables?: Record<string, unknown> } };
    }
  >;
}

/**
 * Each function of `stack` in `template` (whose assets are under `directory`), by route name for the API's
 * functions and by construct path for the others (the feedback loops'). Logical ids tie the two, so `stack` may be
 * an unbundled construction of the stack the template was synthesized from.
 */
function deployedFunctions(stack: CodegateStack, template: Template, directory: string) {
  const names = new Map([...stack.functions].map(([name, service]) => [service, name]));
  const services = stack.node
    .findAll()
    .filter((node): node is ServiceFunction => node instanceof ServiceFunction);
  const functions = new Map<string, DeployedFunction>();
  for (const service of services) {
    const name = names.get(service) ?? service.node.path.replace(`${stack.node.id}/`, '');
    const resource =
      template.Resources[stack.getLogicalId(service.function.node.defaultChild as CfnResource)];
    const assetPath = resource?.Metadata?.['aws:asset:path'];
    const memorySize = resource?.Properties?.MemorySize;
    if (!assetPath || !memorySize) throw new Error(`no asset or memory size for ${name}`);
    const variables = resource.Properties?.Environment?.Variables ?? {};
    const nodeOptions = variables.NODE_OPTIONS;
    const wrapper = variables.AWS_LAMBDA_EXEC_WRAPPER;
    // The asset is what Lambda unpacks into /var/task/: a wrapper anywhere else could not be run here.
    if (wrapper !== undefined && !(typeof wrapper === 'string' && wrapper.startsWith(LAUNCH_WRAPPER.task)))
      throw new Error(
        `${name}: AWS_LAMBDA_EXEC_WRAPPER ${JSON.stringify(wrapper)} is not in ${LAUNCH_WRAPPER.task}`,
      );
    functions.set(name, {
      file: join(directory, assetPath, 'index.mjs'),
      memorySize,
      nodeOptions: typeof nodeOptions === 'string' ? nodeOptions : '',
      ...(wrapper
        ? { execWrapper: join(directory, assetPath, wrapper.slice(LAUNCH_WRAPPER.task.length)) }
        : {}),
    });
  }
  return functions;
}

/**
 * Synthesizes the stack (bundling every function as deployed, or only `routes`'; with a map beside each bundle when
 * `sourceMaps`) and returns each function (see `deployedFunctions`).
 */
export function synthFunctions(outdir: string, options: SynthOptions = {}): Map<string, DeployedFunction> {
  const app = new App({
    outdir,
    context: {
      sesIdentity: 'bench.example.org',
      'aws:cdk:enable-asset-metadata': true,
      ...(options.sourceMaps ? { sourceMaps: 'true' } : {}),
    },
  });
  const routes = options.routes && ROUTES.filter((route) => options.routes?.includes(route.name));
  const stack = new CodegateStack(app, 'Codegate', { routes });
  const assembly = app.synth();
  const template = assembly.getStackByName(stack.stackName).template as Template;
  return deployedFunctions(stack, template, assembly.directory);
}

/** Each function's bundle path, by the names `synthFunctions` gives. */
export function synthBundles(outdir: string, options: SynthOptions = {}): Map<string, string> {
  return new Map([...synthFunctions(outdir, options)].map(([name, deployed]) => [name, deployed.file]));
}

/**
 * Each function of the stack `stackName` in an assembly the CDK CLI wrote to `directory` (`cdk synth --output`),
 * with the context it was given (`context`, cdk.json's included): the stack is constructed again here without
 * bundling, only to name the template's functions.
 */
export function assemblyFunctions(
  directory: string,
  stackName: string,
  context: Record<string, unknown>,
): Map<string, DeployedFunction> {
  const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
  const stack = new CodegateStack(app, stackName);
  const template = JSON.parse(readFileSync(join(directory, `${stackName}.template.json`), 'utf8'));
  return deployedFunctions(stack, template as Template, directory);
}
