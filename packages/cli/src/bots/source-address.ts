// Every bot of a load test on loopback connects from an address of its own (127.100.0.0 and up), the way players
// come from many addresses: limits per address (registrations, login attempts) then see what they would see live.
const LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** The address bot number `n` connects from, or undefined when the server is not on loopback (the OS chooses). */
export function botSourceAddress(url: string, n: number): string | undefined {
  const host = new URL(url).hostname;
  if (host !== 'localhost' && !LOOPBACK.test(host)) return undefined;
  return `127.${100 + ((n >> 16) & 0x3f)}.${(n >> 8) & 0xff}.${n & 0xff}`;
}
