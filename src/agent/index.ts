export type { Agent, AgentOptions } from './agent.js';
export { startAgent } from './agent.js';
export { checkConfigFiles } from './config-check.js';
export type { ConfigCheck } from './config-check.js';
