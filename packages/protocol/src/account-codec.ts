// Account requests from gateways to the store: checks before a registration, credentials for a login, grants once
// the gateway has checked the password, and session resumes. Passwords themselves never cross the bus.
import { Builder, ByteBuffer } from 'flatbuffers';
import {
  type AuthStatus,
  CredentialsReply,
  CredentialsRequest,
  GrantRequest,
  RegisterCheck,
  RegisterRequest,
  ResumeRequest,
} from './gen/store_generated.js';

/** Who asks about which account, and from where (the client's address, for the limits on attempts). */
export interface AccountQueryData {
  username: string;
  address: string;
}

export interface RegisterRequestData {
  username: string;
  /** The password as hashed by the gateway (`scrypt$N$r$p$salt$hash`). */
  passwordHash: string;
  spawnX: number;
  spawnY: number;
  address: string;
  /** The world the new account enters. */
  world: string;
}

/** The world a login enters, and where a character without a place there yet appears. */
export interface EntryData {
  world: string;
  spawnX: number;
  spawnY: number;
}

export interface CredentialsReplyData {
  status: AuthStatus;
  message: string;
  /** The account (Ok). */
  account: number;
  /** The hash to check the password against (Ok). */
  hash: string;
  /** Throttled: milliseconds before the next attempt may be made. */
  retryAfterMs: number;
}

export interface GrantRequestData extends EntryData {
  account: number;
  address: string;
}

export interface ResumeRequestData extends EntryData {
  token: string;
  /** The character expected (a restore), or 0 / absent for the account's character in the world. */
  character?: number;
}

function query(b: Builder, q: AccountQueryData): [number, number] {
  return [b.createString(q.username), b.createString(q.address)];
}

export function encodeRegisterCheck(q: AccountQueryData): Uint8Array {
  const b = new Builder(64);
  b.finish(RegisterCheck.createRegisterCheck(b, ...query(b, q)));
  return b.asUint8Array();
}

export function decodeRegisterCheck(bytes: Uint8Array): AccountQueryData {
  const r = RegisterCheck.getRootAsRegisterCheck(new ByteBuffer(bytes));
  return { username: r.username() ?? '', address: r.address() ?? '' };
}

export function encodeCredentialsRequest(q: AccountQueryData): Uint8Array {
  const b = new Builder(64);
  b.finish(CredentialsRequest.createCredentialsRequest(b, ...query(b, q)));
  return b.asUint8Array();
}

export function decodeCredentialsRequest(bytes: Uint8Array): AccountQueryData {
  const r = CredentialsRequest.getRootAsCredentialsRequest(new ByteBuffer(bytes));
  return { username: r.username() ?? '', address: r.address() ?? '' };
}

export function encodeCredentialsReply(r: CredentialsReplyData): Uint8Array {
  const b = new Builder(192);
  const message = b.createString(r.message);
  const hash = b.createString(r.hash);
  b.finish(CredentialsReply.createCredentialsReply(b, r.status, message, r.account, hash, r.retryAfterMs));
  return b.asUint8Array();
}

export function decodeCredentialsReply(bytes: Uint8Array): CredentialsReplyData {
  const r = CredentialsReply.getRootAsCredentialsReply(new ByteBuffer(bytes));
  return {
    status: r.status(),
    message: r.message() ?? '',
    account: r.account(),
    hash: r.hash() ?? '',
    retryAfterMs: r.retryAfterMs(),
  };
}

export function encodeRegisterRequest(r: RegisterRequestData): Uint8Array {
  const b = new Builder(256);
  const username = b.createString(r.username);
  const hash = b.createString(r.passwordHash);
  const address = b.createString(r.address);
  const world = b.createString(r.world);
  b.finish(RegisterRequest.createRegisterRequest(b, username, hash, r.spawnX, r.spawnY, address, world));
  return b.asUint8Array();
}

export function decodeRegisterRequest(bytes: Uint8Array): RegisterRequestData {
  const r = RegisterRequest.getRootAsRegisterRequest(new ByteBuffer(bytes));
  return {
    username: r.username() ?? '',
    passwordHash: r.passwordHash() ?? '',
    spawnX: r.spawnX(),
    spawnY: r.spawnY(),
    address: r.address() ?? '',
    world: r.world() ?? '',
  };
}

export function encodeGrantRequest(g: GrantRequestData): Uint8Array {
  const b = new Builder(64);
  const address = b.createString(g.address);
  const world = b.createString(g.world);
  b.finish(GrantRequest.createGrantRequest(b, g.account, address, world, g.spawnX, g.spawnY));
  return b.asUint8Array();
}

export function decodeGrantRequest(bytes: Uint8Array): GrantRequestData {
  const r = GrantRequest.getRootAsGrantRequest(new ByteBuffer(bytes));
  return {
    account: r.account(),
    address: r.address() ?? '',
    world: r.world() ?? '',
    spawnX: r.spawnX(),
    spawnY: r.spawnY(),
  };
}

export function encodeResumeRequest(q: ResumeRequestData): Uint8Array {
  const b = new Builder(128);
  const token = b.createString(q.token);
  const world = b.createString(q.world);
  b.finish(ResumeRequest.createResumeRequest(b, token, world, q.spawnX, q.spawnY, q.character ?? 0));
  return b.asUint8Array();
}

export function decodeResumeRequest(bytes: Uint8Array): ResumeRequestData {
  const r = ResumeRequest.getRootAsResumeRequest(new ByteBuffer(bytes));
  return {
    ...{ token: r.token() ?? '', world: r.world() ?? '' },
    ...{ spawnX: r.spawnX(), spawnY: r.spawnY(), character: r.character() },
  };
}
