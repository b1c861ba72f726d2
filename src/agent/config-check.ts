import type { Config } from '../config/index.js';
import { readCredentials } from '../exporters/index.js';
import { BearerTokens, readServerTls } from '../net/index.js';
import { AttributeProcessors, readHashKeys } from '../processors/index.js';

/** What `cairn check-config` finds beyond the schema: files that cannot be used, and the compiled rules. */
export interface ConfigCheck {
  readonly problems: readonly string[];
  /** One line per processor rule, as it runs (empty when a key file is wrong). */
  readonly rules: readonly string[];
}

/**
 * Reads every file the configuration names (certificates, keys, token files, HMAC keys) as the
 * agent would at start, so a check passes only when a start would, and compiles the
 * processor rules to show them.
 */
export function checkConfigFiles(config: Config): ConfigCheck {
  const problems: string[] = [];
  const listeners = [
    ['receivers.otlp.grpc', config.receivers.otlp.grpc],
    ['receivers.otlp.http', config.receivers.otlp.http],
    ['api', config.api],
  ] as const;
  for (const [path, l] of listeners) {
    for (const check of [() => readServerTls(l.tls), () => BearerTokens.load(l.auth)]) {
      try {
        check();
      } catch (err) {
        problems.push(`${path}: ${(err as Error).message}`);
      }
    }
  }
  for (const [name, c] of Object.entries(config.exporters)) {
    try {
      readCredentials(c);
    } catch (err) {
      problems.push(`exporters.${name}: ${(err as Error).message}`);
    }
  }
  let rules: string[] = [];
  try {
    rules = new AttributeProcessors(config.processors, readHashKeys(config.processors)).describe();
  } catch (err) {
    problems.push((err as Error).message);
  }
  return { problems, rules };
}
