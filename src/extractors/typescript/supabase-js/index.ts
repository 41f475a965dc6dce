import type { Tool } from '../tool.js';
import { supabaseJsClient } from './client.js';

/** supabase-js in edge functions and scripts: `supabase.from('profiles').select('email')`. */
export const supabaseJs: Tool = { name: 'supabase-js', client: supabaseJsClient };
