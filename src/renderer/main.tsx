import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { resolveApi } from './api';
import { App } from './App';
import { userMessageOf } from './common/errors';
import { StoresProvider, createStores, startLoading } from './stores';
import './styles/app.css';

const root = createRoot(document.getElementById('root') ?? document.body);
try {
  const stores = createStores(resolveApi());
  startLoading(stores);
  root.render(
    <StrictMode>
      <StoresProvider stores={stores}>
        <App />
      </StoresProvider>
    </StrictMode>,
  );
} catch (error) {
  root.render(<p className="fatal" role="alert">{userMessageOf(error)}</p>);
}
