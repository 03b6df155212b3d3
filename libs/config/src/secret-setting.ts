import 'reflect-metadata';

const SECRETS = Symbol('tthc:secret-settings');

/**
 * Marks a setting whose value must never be printed: a start-up error names it and says what is
 * wrong, but shows neither the value nor any part of it (issue 10: a bad setting used to be echoed
 * whole, secrets included, into logs that operators and log shippers read).
 */
export function SecretSetting(): PropertyDecorator {
  return (target, property) => {
    const own = (Reflect.getOwnMetadata(SECRETS, target) as Set<string | symbol> | undefined) ?? new Set((Reflect.getMetadata(SECRETS, target) as Set<string | symbol> | undefined) ?? []);
    own.add(property);
    Reflect.defineMetadata(SECRETS, own, target);
  };
}

export function isSecretSetting(cls: new () => object, property: string): boolean {
  return (Reflect.getMetadata(SECRETS, cls.prototype as object) as Set<string> | undefined)?.has(property) ?? false;
}
