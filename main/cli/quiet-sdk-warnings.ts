// The AWS SDK warns, when the first client is made, that its future releases
// will need a newer Node: that is for Hoist's maintainers, not for the person
// uploading a file. Other warnings still show.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (!`${warning.name} ${warning.message}`.includes('NodeVersionSupportWarning')) process.stderr.write(`hoist: warning: ${warning.message}\n`);
});
