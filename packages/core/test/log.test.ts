import { Writable } from 'node:stream';
import { describe, expect, test } from '@jest/globals';
import { createLogger } from '@mmo/core';

describe('logs', () => {
  test('every line names the role, the world and the zone of the process', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger({ role: 'zone', world: 'alpha', zone: 'nw', destination });
    log.info({ player: 7 }, 'player joined');
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      role: 'zone',
      world: 'alpha',
      zone: 'nw',
      player: 7,
      msg: 'player joined',
    });
  });
});
