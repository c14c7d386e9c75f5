/** The admin console's build (`npm run build:console` → out/console, served by the server at /admin/). */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const __dirname = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: resolve(__dirname, 'src/console'),
  base: '/admin/',
  plugins: [react()],
  logLevel: 'warn',
  build: { outDir: resolve(__dirname, 'out/console'), emptyOutDir: true },
});
