export * from './unit-catalogue';
