// Derivations: River's room secret, freenet's delegate key and keyward's generic subkeys.
export { type DelegateKeyParts, delegateKey } from "./delegate-key.js";
export { deriveRoomSecret, ROOM_SECRET_CONTEXT } from "./room-secret.js";
export { deriveSubkey } from "./subkey.js";
