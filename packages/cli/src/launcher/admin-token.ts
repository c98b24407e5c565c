// The operator token of `mmo up`: when the config names no admin tokens, one is made for the world's console and
// kept in the data folder (readable by its owner only), so that the viewer and `mmo admin` work with no setup.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newToken, tokenEntry } from '@mmo/admin';
import type { Config } from '@mmo/core';
import { UP_TOKEN_FILE } from '../verbs/admin-calls.js';

/** The admin.tokens of the roles `mmo up` starts, and the file that holds the token it made (null: none made). */
export function upAdminTokens(config: Config, dataDir: string): { tokens: string; file: string | null } {
  if (config.admin.tokens) return { tokens: config.admin.tokens, file: null };
  const file = join(dataDir, UP_TOKEN_FILE);
  let token = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (!token) {
    token = newToken();
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
  }
  chmodSync(file, 0o600);
  return { tokens: tokenEntry('mmo-up', 'operator', token), file };
}
