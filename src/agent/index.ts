export type { Agent, AgentOptions } from './agent.js';
export { startAgent } from './agent.js';
