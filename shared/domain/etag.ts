/**
 * ETags as servers send them differ in quoting and case ("ABC", W/"abc",
 * abc): every comparison in Hoist goes through this one form, bare lower-case
 * hex (or "hex-N" for a multipart object).
 */
export function unquoteEtag(etag: string | null | undefined): string {
  return (etag ?? '').replace(/^W\//, '').replace(/"/g, '').toLowerCase();
}
