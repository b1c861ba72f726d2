import { readFileSync } from 'node:fs';
import type { Agent } from './agent/index.js';
import { checkConfigFiles, startAgent } from './agent/index.js';
import type { Config } from './config/index.js';
import { ConfigError, DEFAULT_CONFIG_YAML, loadConfig } from './config/index.js';
import { validateExporters } from './exporters/index.js';
import { validateRollups } from './store/index.js';
import { validateAggregation } from './aggregation/index.js';
import type { Logger } from './log/index.js';
import { createLogger } from './log/index.js';

// The only module that calls process.exit. Exit codes: 0 ok, 1 runtime failure, 2 bad usage or config.
const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

const HELP = `cairn — local-first telemetry agent

Usage:
  cairn run [--config FILE]     run the agent (embedded defaults when no file is given)
  cairn check-config FILE       validate a configuration file and exit
  cairn print-default-config    print the embedded default configuration
  cairn --help | --version

Exit codes: 0 success, 1 runtime failure, 2 invalid usage or configuration.
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function configFrom(file: string | undefined): Config | undefined {
  try {
    const config = loadConfig(file);
    // Exporter entries need checks the schema cannot make (endpoint syntax per kind).
    const problems = [...validateExporters(config), ...validateRollups(config), ...validateAggregation(config)];
    if (problems.length > 0) throw ConfigError.invalid(file ?? '(defaults)', problems);
    return config;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`cairn: invalid configuration\n${err.message}\n`);
      return undefined;
    }
    throw err;
  }
}

async function run(file: string | undefined): Promise<void> {
  const config = configFrom(file);
  if (config === undefined) return process.exit(EXIT_USAGE);
  const logger = createLogger(config.log.level);
  let agent: Agent | undefined;
  let stopping: string | null = null;
  const stop = (signal: string): void => {
    if (stopping !== null) {
      logger.warn('second signal; exiting now', { component: 'agent', signal });
      process.exit(EXIT_FAILURE);
    }
    stopping = signal;
    logger.info('stopping', { component: 'agent', signal });
    const hard = setTimeout(() => {
      logger.error('shutdown deadline passed; exiting', { component: 'agent' });
      process.exit(EXIT_FAILURE);
    }, (agent?.config ?? config).shutdown.timeout + 2000);
    hard.unref();
    // A signal during start (a long WAL replay, say) stops the agent as soon as it is up.
    if (agent !== undefined) shutdownAndExit(agent, logger);
  };
  // Installed before anything starts: a signal at any moment gets the clean stop.
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // SIGHUP reloads the configuration; before the agent is up there is nothing to reload yet
  // (and the default action, exiting, would leave the store's lock behind).
  process.on('SIGHUP', () => {
    if (agent === undefined || stopping !== null) {
      logger.warn('SIGHUP before the agent started; nothing reloaded', { component: 'agent' });
      return;
    }
    logger.info('reloading the configuration', { component: 'agent', signal: 'SIGHUP' });
    void agent.reload();
  });
  try {
    agent = await startAgent({ config, logger, configFile: file, setLogLevel: (level) => logger.setLevel(level) });
  } catch (err) {
    logger.error('agent failed to start', { component: 'agent', error: (err as Error).message });
    return process.exit(EXIT_FAILURE);
  }
  if (stopping !== null) shutdownAndExit(agent, logger);
}

function shutdownAndExit(agent: Agent, logger: Logger): void {
  agent.shutdown().then(
    () => process.exit(EXIT_OK),
    (err: Error) => {
      logger.error('shutdown failed', { component: 'agent', error: err.message });
      process.exit(EXIT_FAILURE);
    },
  );
}

function main(argv: readonly string[]): void {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(HELP);
      return process.exit(command === undefined ? EXIT_USAGE : EXIT_OK);
    case '--version':
    case '-v':
      process.stdout.write(`cairn ${version()}\n`);
      return process.exit(EXIT_OK);
    case 'print-default-config':
      process.stdout.write(DEFAULT_CONFIG_YAML);
      return process.exit(EXIT_OK);
    case 'check-config': {
      if (rest.length !== 1) {
        process.stderr.write('usage: cairn check-config FILE\n');
        return process.exit(EXIT_USAGE);
      }
      const config = configFrom(rest[0]);
      if (config === undefined) return process.exit(EXIT_USAGE);
      const check = checkConfigFiles(config);
      if (check.problems.length > 0) {
        process.stderr.write(`cairn: invalid configuration\n${check.problems.map((p) => `${rest[0]}: ${p}`).join('\n')}\n`);
        return process.exit(EXIT_USAGE);
      }
      process.stdout.write(`${rest[0]}: configuration is valid\n`);
      if (check.rules.length > 0) process.stdout.write(`processors, in order:\n${check.rules.map((r) => `  ${r}\n`).join('')}`);
      return process.exit(EXIT_OK);
    }
    case 'run': {
      let file: string | undefined;
      for (let i = 0; i < rest.length; i++) {
        const arg = rest[i]!;
        if (arg === '--config' && rest[i + 1] !== undefined) file = rest[++i];
        else if (arg.startsWith('--config=')) file = arg.slice('--config='.length);
        else {
          process.stderr.write(`cairn run: unknown argument "${arg}"\n${HELP}`);
          return process.exit(EXIT_USAGE);
        }
      }
      void run(file);
      return;
    }
    default:
      process.stderr.write(`cairn: unknown command "${command}"\n${HELP}`);
      return process.exit(EXIT_USAGE);
  }
}

main(process.argv.slice(2));
