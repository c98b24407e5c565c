// The verifier's view of every client-to-server table. Slots follow the declaration order in schemas/client.fbs;
// a test checks the slot counts against the generated code, so a schema change cannot slip past the verifier.
import { ClientBody } from './gen/client_generated.js';
import {
  MAX_CHAT_BYTES,
  MAX_PASSWORD_BYTES,
  MAX_TOKEN_BYTES,
  MAX_USERNAME_BYTES,
  MAX_WORLD_ID_BYTES,
} from './limits.js';
import type { FieldShape, TableShape } from './verifier.js';

const str = (maxBytes: number): FieldShape => ({ kind: 'string', maxBytes });
const u8: FieldShape = { kind: 'scalar', size: 1 };
const u32: FieldShape = { kind: 'scalar', size: 4 };
const f32: FieldShape = { kind: 'scalar', size: 4 };
const f64: FieldShape = { kind: 'scalar', size: 8 };

export const RegisterShape: TableShape = {
  name: 'Register',
  fields: [str(MAX_USERNAME_BYTES), str(MAX_PASSWORD_BYTES), f32, f32, u8],
};
export const LoginShape: TableShape = { name: 'Login', fields: [str(MAX_USERNAME_BYTES), str(MAX_PASSWORD_BYTES)] };
export const ResumeShape: TableShape = { name: 'Resume', fields: [str(MAX_TOKEN_BYTES)] };
export const MoveInputShape: TableShape = { name: 'MoveInput', fields: [u32, f32, f32] };
export const ChatShape: TableShape = { name: 'Chat', fields: [str(MAX_CHAT_BYTES)] };
export const PingShape: TableShape = { name: 'Ping', fields: [f64] };
export const AttackShape: TableShape = { name: 'Attack', fields: [u32] };
export const ItemRequestShape: TableShape = { name: 'ItemRequest', fields: [u8, u32, u32] };
export const ListWorldsShape: TableShape = { name: 'ListWorlds', fields: [str(MAX_TOKEN_BYTES)] };
export const TransferShape: TableShape = {
  name: 'Transfer',
  fields: [str(MAX_WORLD_ID_BYTES), str(MAX_USERNAME_BYTES)],
};

/** Body shapes indexed by their ClientBody union tag. */
export const CLIENT_BODY_SHAPES: ReadonlyMap<ClientBody, TableShape> = new Map([
  [ClientBody.Register, RegisterShape],
  [ClientBody.Login, LoginShape],
  [ClientBody.Resume, ResumeShape],
  [ClientBody.MoveInput, MoveInputShape],
  [ClientBody.Chat, ChatShape],
  [ClientBody.Ping, PingShape],
  [ClientBody.ItemRequest, ItemRequestShape],
  [ClientBody.Attack, AttackShape],
  [ClientBody.ListWorlds, ListWorldsShape],
  [ClientBody.Transfer, TransferShape],
]);

function unionMembers(): (TableShape | null)[] {
  const members: (TableShape | null)[] = [];
  for (const [tag, shape] of CLIENT_BODY_SHAPES) members[tag] = shape;
  return Array.from(members, (m) => m ?? null);
}

export const ClientMessageShape: TableShape = {
  name: 'ClientMessage',
  fields: [{ kind: 'unionType' }, { kind: 'union', members: unionMembers() }],
};
