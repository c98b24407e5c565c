// The rules for new accounts' names and passwords, in one place: the gateway checks both before it hashes the
// password, the store checks the name again before it creates the account.

const USERNAME = /^[A-Za-z0-9_-]{3,20}$/;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export interface CredentialProblem {
  status: 'InvalidName' | 'WeakPassword';
  message: string;
}

export function checkUsername(username: string): CredentialProblem | null {
  if (USERNAME.test(username)) return null;
  return { status: 'InvalidName', message: 'Names are 3 to 20 letters, digits, _ or -.' };
}

export function checkNewPassword(password: string): CredentialProblem | null {
  if (password.length >= PASSWORD_MIN && password.length <= PASSWORD_MAX) return null;
  return { status: 'WeakPassword', message: `Passwords are ${PASSWORD_MIN} to ${PASSWORD_MAX} characters long.` };
}
