/* global self, caches */
// Usher's service worker does one thing: when a page cannot be loaded because the network is down, it
// shows the offline page. Nothing else is cached: API answers and pages always come from the server,
// so nobody ever sees a stale subscription status.
const CACHE = 'usher-offline-v1';
const OFFLINE_URL = '/offline.html';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([OFFLINE_URL, '/icon.svg'])));
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  if (event.request.mode !== 'navigate') return;
  event.respondWith(
    fetch(event.request).catch(async () => (await caches.match(OFFLINE_URL)) ?? new Response('Offline', { status: 503, headers: { 'content-type': 'text/plain' } })),
  );
});
