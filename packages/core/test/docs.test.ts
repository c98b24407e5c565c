import { readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { DEFAULTS } from '@mmo/core';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

function keys(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('README configuration reference', () => {
  test.each(keys(DEFAULTS))('documents %s', (key) => {
    // Rows may be padded for alignment: "| `zone.tickHz`   | `20` | ...".
    const row = new RegExp(`^\\|\\s*\`${key.replace(/\./g, '\\.')}\`\\s*\\|`, 'm');
    expect(README).toMatch(row);
  });
});
