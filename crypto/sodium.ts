import sodium from 'libsodium-wrappers';

let ready = false;

/**
 * Loads libsodium's WebAssembly module. Await it once at start-up; every other function in
 * crypto/ is synchronous afterwards.
 */
export async function initCrypto(): Promise<void> {
  await sodium.ready;
  ready = true;
}

/** The initialised libsodium instance. Fails loudly instead of with "x is not a function". */
export function getSodium(): typeof sodium {
  if (!ready) throw new Error('initCrypto() must complete before crypto/ is used');
  return sodium;
}
