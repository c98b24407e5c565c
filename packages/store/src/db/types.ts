/** Outcome names match the AuthStatus enum of schemas/store.fbs. */
export type AuthStatusName =
  | 'Ok'
  | 'WrongPassword'
  | 'NameTaken'
  | 'InvalidName'
  | 'WeakPassword'
  | 'SessionExpired'
  | 'Throttled'
  | 'NoCharacter'
  | 'Busy';

export interface CharacterRecord {
  id: number;
  epoch: number;
  name: string;
  x: number;
  y: number;
  data: string;
  online: boolean;
}

export interface AuthOutcome {
  status: AuthStatusName;
  message: string;
  character?: CharacterRecord;
  token?: string;
  /** Throttled: milliseconds before the next attempt. */
  retryAfterMs?: number;
}

export interface EntitySaveRecord {
  id: number;
  epoch: number;
  x: number;
  y: number;
  data: string;
  online: boolean;
  /** The region that owns it after this save (NPCs: a takeover of that region looks for it). */
  zone?: string;
}
