import './styles/public';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';

// A tab left open across an upgrade asks for page chunks the new release no longer has; loading
// the page again fetches the current ones. Once a minute at most, so a real outage cannot loop.
window.addEventListener('vite:preloadError', (event) => {
  const last = Number(sessionStorage.getItem('usher.reloaded-for-chunks') ?? 0);
  if (Date.now() - last < 60_000) return;
  sessionStorage.setItem('usher.reloaded-for-chunks', String(Date.now()));
  event.preventDefault();
  window.location.reload();
});

// Installed as an app, a lost connection shows the offline page instead of the browser's error
// (public/sw.js caches nothing else). Development servers skip it so reloads always hit Vite.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => undefined);
  });
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
