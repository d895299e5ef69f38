// oidc-provider 9 ships no type declarations; the interop tests use it untyped.
declare module 'oidc-provider';
