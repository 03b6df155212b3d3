export * from './unit-catalogue';
export * from './procedure-catalogue';
