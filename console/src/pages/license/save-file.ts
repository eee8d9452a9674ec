/** Saves text as a file the browser downloads (no navigation, so the page stays). */
export const saveAs = (name: string, text: string) => {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/jwt' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
};

/** A file name made of what a host or fingerprint may contain, nothing a file system minds. */
export const fileNameOf = (what: string) => `license-${what.replace(/[^A-Za-z0-9._-]+/g, '_')}.jwt`;
