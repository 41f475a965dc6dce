import type { Tool } from '../tool.js';
import { slonikClient } from './client.js';

/** Slonik pools and connections running `sql` tagged templates. */
export const slonik: Tool = { name: 'slonik', client: slonikClient };
