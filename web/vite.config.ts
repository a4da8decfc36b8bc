import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Routes are split in web/src/app/router.tsx (route `lazy`); the bundler's automatic chunking then
// keeps what only the portal or the admin uses out of the entry. `npm run build` precompresses the
// output afterwards (scripts/precompress.mjs).
export default defineConfig({
  plugins: [react()],
  server: { proxy: { '/api': 'http://localhost:8080' } },
  build: { outDir: 'dist', emptyOutDir: true },
});
