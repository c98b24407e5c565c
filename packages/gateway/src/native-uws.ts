// Loads the native uWebSockets.js binary directly. The package's own entry falls back silently to a slow JavaScript
// implementation on an unsupported Node; a game server must refuse to start instead.

import type * as UWS from 'uWebSockets.js';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { NativeModuleError } from '@mmo/core';

export type Uws = typeof UWS;

export function loadUws(): Uws {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('uWebSockets.js/package.json'));
  const file = `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
  try {
    return require(join(root, 'binaries', file)) as Uws;
  } catch (cause) {
    throw new NativeModuleError(
      `uWebSockets.js has no native binary for this platform (${file}, Node ${process.versions.node}). Fix: run Node 20 on linux-x64, darwin or win32-x64.`,
      { cause },
    );
  }
}
