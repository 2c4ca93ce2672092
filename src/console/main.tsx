// Entry point of the web console (built by Vite into dist/console, served at /console).
import { render } from 'preact';
import { App } from './app';
import { interceptLinks } from './router';
import './styles.css';

interceptLinks();
const root = document.getElementById('app');
if (root !== null) render(<App />, root);
