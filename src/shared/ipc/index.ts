export * from './contract';
export * from './errors';
export { createApi, invokeChannel, type Api, type DomainApi, type Domain, type IpcTransport } from './client';
