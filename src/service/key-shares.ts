// Key shares for the surfaces: split/combine and share text (store/sealing), reached through service/ as the layers ask.
export * from "../store/sealing/key-shares.js";
export { isShareMaterial, type UnsealMaterial, type UnsealMode } from "../store/sealing/root-key.js";
