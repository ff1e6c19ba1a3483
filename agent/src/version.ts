/** The agent's version: reported at register, and the chart's appVersion (a test keeps them equal). */
export const AGENT_VERSION = '1.0.0';
