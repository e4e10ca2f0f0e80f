export { createIdentityResolver, type IdentityResolver, type IdentityResolverOptions } from './resolve-identity.js';
export { adminFixForIdentityProblem, describeIdentityProblem, type IdentityProblemLike } from './describe-identity-problem.js';
export type * from './types.js';
export { isPassingIdentityProblem } from './types.js';
