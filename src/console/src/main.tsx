import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
// The app's design tokens and components' styles (src/renderer/src/styles.css), then the console's own.
import '../../renderer/src/styles.css';
import './console.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
