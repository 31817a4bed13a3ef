/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Served by Tauri from ui/dist under a strict CSP (default-src 'self'): relative URLs, no remote
// content, no inline scripts. WebKitGTK is the oldest engine we ship on, hence es2021.
export default defineConfig({
  base: "./",
  plugins: [react()],
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  build: {
    target: "es2021",
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    // Keep every asset a file: no data: URLs for scripts or styles.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    css: false,
    // Above the 5 s a single wait may now take (src/test/setup.ts).
    testTimeout: 20000,
  },
});
