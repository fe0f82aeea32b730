// Stateless derivations the CLI offers as tools (`keyward derive …`): River room secrets and delegate keys.
export { delegateKey } from "../kdf/delegate-key.js";
export { deriveRoomSecret } from "../kdf/room-secret.js";
