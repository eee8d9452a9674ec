/**
 * Request bodies above this are refused before parsing: nothing Tessera accepts is that big.
 * Its own module, so the OpenAPI document can state it without loading the request middleware
 * (and with it the logger, which reads its settings when first loaded).
 */
export const MAX_BODY_BYTES = 64 * 1024;
