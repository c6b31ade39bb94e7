import { hash, verify } from '@node-rs/argon2';

const ARGON2ID = 2; // Algorithm.Argon2id: a const enum, which verbatimModuleSyntax cannot import

// OWASP Password Storage Cheat Sheet minimum for argon2id: m=19 MiB, t=2, p=1.
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => hash(password, OPTIONS);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/**
 * Unknown usernames still pay for one verify, so the answer's timing does not tell an
 * attacker which usernames exist (PROTOCOL.md › Authentication: the same answer for both).
 */
export async function dummyVerify(password: string): Promise<false> {
  dummyHash ??= hashPassword('chatsockets-dummy-password');
  await verifyPassword(await dummyHash, password);
  return false;
}
