/**
 * Request bodies above this are refused before parsing: nothing Tessera accepts is that big.
 * Its own module, so the OpenAPI document can state it without loading the request middleware
 * (and with it the logger, which reads its settings when first loaded).
 */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Routes that take files (ticket attachments, base64 in JSON): 4 MiB of files is 5.6 MB of
 * base64, plus the message. Lambda takes 6 MB per synchronous request, envelope included.
 */
export const MAX_FILE_BODY_BYTES = 5_800_000;
