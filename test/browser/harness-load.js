// Shared by harness.js (the page) and worker.js: the bundle loads each build when first asked for
// it, so a suite that selects a backend loads that build first.

/** Loads backend b's build (init(b)) unless it can be selected already. */
export async function load(S, b) {
  if (b !== 'js' && !S.availableBackends().includes(b)) await S.init(b);
}
