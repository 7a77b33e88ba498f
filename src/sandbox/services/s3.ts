import { AwsError } from '../aws-error.js';
import type { Service, World } from '../world.js';

// PLACEHOLDER: being built.
export function createS3Service(_world: World): Service {
  return {
    async handle() {
      throw new AwsError('NotImplemented', 'A header you provided implies functionality that is not implemented', 501);
    },
  };
}
