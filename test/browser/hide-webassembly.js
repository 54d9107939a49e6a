// Makes this realm look like one without WebAssembly (some locked-down webviews, iOS Lockdown
// Mode): run before anything else, by page.addInitScript or imported first by a worker.
delete globalThis.WebAssembly;
