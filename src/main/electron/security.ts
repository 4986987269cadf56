/**
 * Session-wide guards, applied once at startup to every web contents: permissions denied, CSP on
 * every http(s) response (the dev server), no <webview>, no new windows from any frame.
 */
import { app, type Session } from 'electron';
import { cspFor, isPermissionGranted, type AppOrigins } from './policy';

export function applySessionSecurity(session: Session, origins: AppOrigins): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isPermissionGranted(permission, details.requestingUrl));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => isPermissionGranted(permission, requestingOrigin));

  const csp = cspFor(origins);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}
