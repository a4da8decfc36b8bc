import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Routes are split in src/app/router.tsx (route `lazy`). `npm run build` precompresses the output
// afterwards (scripts/precompress.mjs).
export default defineConfig({
  plugins: [react()],
  server: { proxy: { '/api': 'http://localhost:8080' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The entry is React, the router, the query client, the Mantine the login needs and the public
    // pages; it is one file on purpose (a login waits for the last of its files, not the sum).
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // Everything the entry imports statically, in one file instead of twenty small ones.
            { name: 'public', tags: ['$initial'], priority: 2 },
            // What the lazily loaded pages share (Mantine's tables, dialogs, menus, the data table,
            // the portal and admin CSS): one chunk fetched with the first of them.
            { name: 'app', minShareCount: 2, priority: 1 },
          ],
        },
      },
    },
  },
});
