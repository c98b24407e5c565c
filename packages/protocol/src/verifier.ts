// A bounds-checking FlatBuffers verifier. The TypeScript runtime has none, and reading an untrusted buffer with the
// generated accessors can return garbage or loop over a huge vector length. Every client frame passes through
// verify() before any accessor touches it.

/** Shape of one field slot of a table, in declaration order (a union takes two slots: type, then value). */
export type FieldShape =
  | { kind: 'scalar'; size: 1 | 2 | 4 | 8 }
  | { kind: 'string'; maxBytes: number }
  | { kind: 'table'; table: TableShape }
  | { kind: 'unionType' }
  | { kind: 'union'; members: readonly (TableShape | null)[] }
  | { kind: 'scalarVector'; elementSize: 1 | 2 | 4 | 8; maxLength: number }
  | { kind: 'structVector'; structSize: number; maxLength: number };

export interface TableShape {
  name: string;
  fields: readonly FieldShape[];
}

const MAX_DEPTH = 16;

/** Thrown inside the verifier; verify() turns it into a result. */
class Invalid extends Error {}

class Cursor {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(pos: number, size: number, what: string): void {
    if (!(pos >= 0 && size >= 0 && pos + size <= this.bytes.byteLength)) throw new Invalid(`${what} out of bounds`);
  }
  u8(pos: number): number {
    this.need(pos, 1, 'byte');
    return this.view.getUint8(pos);
  }
  u16(pos: number): number {
    this.need(pos, 2, 'uint16');
    return this.view.getUint16(pos, true);
  }
  u32(pos: number): number {
    this.need(pos, 4, 'uint32');
    return this.view.getUint32(pos, true);
  }
  i32(pos: number): number {
    this.need(pos, 4, 'int32');
    return this.view.getInt32(pos, true);
  }
  /** Follows the uoffset stored at pos. */
  deref(pos: number, what: string): number {
    const offset = this.u32(pos);
    if (offset === 0) throw new Invalid(`${what}: zero offset`);
    const target = pos + offset;
    this.need(target, 4, what);
    return target;
  }
}

/** Checks that `bytes` holds a well-formed buffer whose root is `root`. Returns null when valid, else the reason. */
export function verify(bytes: Uint8Array, root: TableShape): string | null {
  try {
    const cursor = new Cursor(bytes);
    if (bytes.byteLength < 8) throw new Invalid('too short');
    verifyTable(cursor, cursor.deref(0, 'root'), root, 0);
    return null;
  } catch (error) {
    if (error instanceof Invalid) return error.message;
    throw error;
  }
}

function verifyTable(c: Cursor, tablePos: number, shape: TableShape, depth: number): void {
  if (depth > MAX_DEPTH) throw new Invalid('nested too deeply');
  const vtablePos = tablePos - c.i32(tablePos);
  const vtableSize = c.u16(vtablePos);
  const tableSize = c.u16(vtablePos + 2);
  if (vtableSize < 4 || vtableSize % 2 !== 0) throw new Invalid(`${shape.name}: bad vtable size`);
  c.need(vtablePos, vtableSize, `${shape.name} vtable`);
  c.need(tablePos, tableSize, `${shape.name} table`);
  let unionType = 0;
  for (let slot = 0; slot < shape.fields.length; slot++) {
    const field = shape.fields[slot] as FieldShape;
    const entry = 4 + 2 * slot;
    const voffset = entry < vtableSize ? c.u16(vtablePos + entry) : 0;
    if (voffset === 0) {
      if (field.kind === 'unionType') unionType = 0;
      if (field.kind === 'union' && unionType !== 0) throw new Invalid(`${shape.name}: union value missing`);
      continue;
    }
    const fieldPos = tablePos + voffset;
    if (voffset + fieldSize(field) > tableSize) throw new Invalid(`${shape.name}: field ${slot} outside its table`);
    if (field.kind === 'unionType') unionType = c.u8(fieldPos);
    else verifyField(c, fieldPos, field, `${shape.name}.${slot}`, depth, unionType);
  }
}

function fieldSize(field: FieldShape): number {
  if (field.kind === 'scalar') return field.size;
  if (field.kind === 'unionType') return 1;
  return 4;
}

function verifyField(c: Cursor, pos: number, field: FieldShape, name: string, depth: number, unionType: number): void {
  switch (field.kind) {
    case 'scalar':
      return;
    case 'string': {
      const start = c.deref(pos, name);
      const length = c.u32(start);
      if (length > field.maxBytes) throw new Invalid(`${name}: string longer than ${field.maxBytes} bytes`);
      c.need(start + 4, length + 1, name);
      if (c.bytes[start + 4 + length] !== 0) throw new Invalid(`${name}: string not terminated`);
      return;
    }
    case 'table':
      verifyTable(c, c.deref(pos, name), field.table, depth + 1);
      return;
    case 'union': {
      const member = field.members[unionType];
      if (unionType === 0 || member === undefined || member === null)
        throw new Invalid(`${name}: unknown union type ${unionType}`);
      verifyTable(c, c.deref(pos, name), member, depth + 1);
      return;
    }
    case 'scalarVector':
      verifyVector(c, c.deref(pos, name), field.elementSize, field.maxLength, name);
      return;
    case 'structVector':
      verifyVector(c, c.deref(pos, name), field.structSize, field.maxLength, name);
      return;
    case 'unionType':
      return;
  }
}

function verifyVector(c: Cursor, start: number, elementSize: number, maxLength: number, name: string): void {
  const length = c.u32(start);
  if (length > maxLength) throw new Invalid(`${name}: vector longer than ${maxLength}`);
  c.need(start + 4, length * elementSize, name);
}
