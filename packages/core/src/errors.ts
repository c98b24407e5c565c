// Every failure the server reports has its own class with a stable code. Codes are listed once, here.

export const ErrorCodes = {
  CONFIG: 'MMO_ERR_CONFIG',
  MAP: 'MMO_ERR_MAP',
  PARTITION: 'MMO_ERR_PARTITION',
  STORE: 'MMO_ERR_STORE',
  STORE_UNAVAILABLE: 'MMO_ERR_STORE_UNAVAILABLE',
  DATABASE: 'MMO_ERR_DATABASE',
  NATS: 'MMO_ERR_NATS',
  REQUEST: 'MMO_ERR_REQUEST',
  PROTOCOL: 'MMO_ERR_PROTOCOL',
  NATIVE: 'MMO_ERR_NATIVE',
  USAGE: 'MMO_ERR_USAGE',
  PROCESS: 'MMO_ERR_PROCESS',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export class MmoError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A configuration file, environment variable or flag is wrong. */
export class ConfigError extends MmoError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.CONFIG, message, options);
  }
}

/**
 * A world map is unusable. The message names the file, the field and the fix:
 * `<file>: <field>: <problem>. Fix: <fix>`.
 */
export class MapError extends MmoError {
  readonly file: string;
  readonly field: string;
  constructor(file: string, field: string, problem: string, fix: string, options?: { cause?: unknown }) {
    super(ErrorCodes.MAP, `${file}: ${field}: ${problem}. Fix: ${fix}`, options);
    this.file = file;
    this.field = field;
  }
}

/** A partition map (zone rectangles) is inconsistent. */
export class PartitionError extends MmoError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.PARTITION, message, options);
  }
}

/** The store refused or failed a request. */
export class StoreError extends MmoError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.STORE, message, options);
  }
}

/** The store did not answer in time (it is down or overloaded). */
export class StoreUnavailableError extends MmoError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.STORE_UNAVAILABLE, message, options);
  }
}

/** The database file is missing, corrupt, foreign or of an unknown schema version. */
export class DatabaseError extends MmoError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.DATABASE, message, options);
  }
}

/** NATS could not be reached or refused an operation. */
export class NatsError extends MmoError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.NATS, message, options);
  }
}

/** A NATS request got no reply: nobody serves the subject, or the reply did not come in time. */
export class RequestError extends MmoError {
  readonly reason: 'timeout' | 'no-responders';
  readonly subject: string;
  constructor(subject: string, reason: 'timeout' | 'no-responders', options?: { cause?: unknown }) {
    super(ErrorCodes.REQUEST, `request on ${subject} failed: ${reason}`, options);
    this.subject = subject;
    this.reason = reason;
  }
}

/** A message does not match its schema. */
export class ProtocolError extends MmoError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.PROTOCOL, message, options);
  }
}

/** A native module could not be loaded for this platform or Node version. */
export class NativeModuleError extends MmoError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.NATIVE, message, options);
  }
}

/** A command line is wrong. */
export class UsageError extends MmoError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.USAGE, message, options);
  }
}

/** A child process failed to start or stopped unexpectedly. */
export class ProcessError extends MmoError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.PROCESS, message, options);
  }
}
