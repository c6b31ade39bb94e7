// Preloaded (`--import`) into every server under test, ours and the two reference servers alike.
// On SIGUSR2 it runs a full GC so heap and RSS are read without floating garbage. It does nothing else.
const gc = (globalThis as { gc?: () => void }).gc;
process.on('SIGUSR2', () => {
  gc?.();
  gc?.();
});
