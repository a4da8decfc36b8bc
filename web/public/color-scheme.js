/* global window, document */
// Runs before the app so a dark-mode visitor never sees a white flash; the CSP forbids inline scripts,
// hence a file. Mirrors Mantine's localStorage key and its "auto" rule.
try {
  var stored = localStorage.getItem('mantine-color-scheme-value');
  var dark = stored === 'dark' || (stored !== 'light' && window.matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.setAttribute('data-mantine-color-scheme', dark ? 'dark' : 'light');
} catch {
  // Private mode or a locked-down browser: Mantine picks the scheme itself once loaded.
}
