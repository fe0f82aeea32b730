// The MuSig2 cosigner session routes (/v1/delegates/:key/cosigners, /v1/cosigners/:id/…), one module per endpoint.
import type { RouteModule } from "../../route-kit.js";
import { cosignerAggregate } from "./cosigner-aggregate.js";
import { cosignerNonce } from "./cosigner-nonce.js";
import { cosignerSign } from "./cosigner-sign.js";
import { cosignerVerify } from "./cosigner-verify.js";
import { createCosigner } from "./create-cosigner.js";
import { getCosigner } from "./get-cosigner.js";
import { listCosigners } from "./list-cosigners.js";

/** /v1/delegates/:key/cosigners and /v1/cosigners/:id/…: MuSig2 (BIP-327) cosigner sessions over a sealed share. */
export const cosignerRoutes: readonly RouteModule[] = [
  createCosigner,
  listCosigners,
  getCosigner,
  cosignerNonce,
  cosignerSign,
  cosignerVerify,
  cosignerAggregate,
];
