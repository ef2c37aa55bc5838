// Protocol constants with no dependencies, so the renderer can use them without pulling in zod.
export const DEFAULT_CS_PORT = 443;
